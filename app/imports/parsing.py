"""From rows to households: grouping by household key and every rule that needs no database.

The ledger's own schemas and rules validate each household (HouseholdCreate,
MemberIn and the rules of `households.public`), so an imported record obeys what
the API enforces. Errors are collected, not raised: each names its row,
column and rule, and any error rejects the whole household.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from app.core.crypto import IdNumberVault
from app.core.errors import ValidationFailed
from app.core.id_numbers import IdNumber
from app.households import public as ledger
from app.households.public import (
    CONTACT_FIELDS,
    PERSON_FIELDS,
    HouseholdCreate,
    MemberIn,
    NewHousehold,
    NewMember,
)
from app.imports.codes import CodeBook
from app.imports.columns import BY_FIELD, COLUMNS, KEY, Column, Kind, Level
from app.imports.messages import REPEATED_IN_FILE, row_message

MAX_MEMBERS: int = HouseholdCreate.model_fields["members"].metadata[0].max_length
_CODES_SEPARATORS = re.compile(r"[;；、,，]")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_NONE = frozenset({"无", "没有", "none"})
_READ_CACHE = 10_000
_HOUSEHOLD_HEADERS = frozenset(
    c.header for c in COLUMNS if c.level is Level.household and c is not KEY
)
_REQUIRED = {
    level: tuple(c for c in COLUMNS if c.level is level and c.required and c is not KEY)
    for level in Level
}

Row = tuple[int, dict[str, Any]]
Pair = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    key: str | None
    column: str | None
    code: str
    message: str


@dataclass(slots=True)
class MemberDraft:
    row: int
    data: MemberIn
    id_number: IdNumber
    index: str
    categories: list[Pair]


@dataclass(slots=True)
class HouseholdDraft:
    """One household as read from its rows; `errors` empty means it may be written."""

    key: str
    first_row: int
    rows: int
    fields: HouseholdCreate | None = None
    members: list[MemberDraft] = field(default_factory=list)
    categories: list[Pair] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def new_household(self) -> NewHousehold:
        """The household as the ledger creates it; only for a draft without errors."""
        assert self.fields is not None
        assert not self.errors
        return NewHousehold(
            fields=self.fields,
            members=[NewMember(m.data, m.id_number, m.index, m.categories) for m in self.members],
            categories=self.categories,
        )

    def fail(
        self,
        row: int,
        column: str | None,
        code: str,
        message: str,
        *,
        value: str = "",
        zh: str | None = None,
    ) -> None:
        """Record an error in Chinese (`zh`, or the rule's usual text); `value` is quoted in it."""
        header = BY_FIELD[column].header if column in BY_FIELD else column
        text = (zh or row_message(code, message)) + (f"：{value[:50]}" if value else "")
        self.errors.append(RowError(row, self.key or None, header, code, text))

    def check(self, row: int, rule: Callable[[], object], *, column: str | None = None) -> None:
        """Run a ledger rule that raises the API's 422 and keep its errors on this row.

        The error's column is the rule's field, or `column` when given.
        """
        try:
            rule()
        except ValidationFailed as exc:
            self.report(row, exc, column=column)

    def report(self, row: int, exc: ValidationFailed, *, column: str | None = None) -> None:
        for error in exc.field_errors("zh-CN"):
            loc = error.loc
            self.fail(row, column or (str(loc[0]) if loc else None), error.code, error.msg)


def text_of(value: Any) -> str:
    """A cell as text: numbers typed into Excel lose their `.0`, dates their time."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def date_of(value: Any) -> date | None:
    """A date cell: an Excel date, or text such as 2008-05-01, 2008/5/1, 2008年5月1日, 20080501."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value).split(" ")[0]
    if not text:
        return None
    if text.isdigit() and len(text) == 8:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return date(*(int(part) for part in match.groups()))


class HouseholdReader:
    """Turns a stream of data rows into household drafts, remembering what the file held so far.

    The keys and ID numbers seen so far
    are what lets a key that comes back later, or a person listed twice, be
    caught in a single pass.
    """

    def __init__(self, codes: CodeBook, vault: IdNumberVault, today: date) -> None:
        self.codes = codes
        self.vault = vault
        self.today = today
        self.keys: set[str] = set()
        self.people: set[int] = set()
        self._read: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def households(self, rows: Iterable[Row], *, skip_rows: int = 0) -> Iterator[HouseholdDraft]:
        """Drafts of consecutive rows sharing a key; the first `skip_rows` rows are only remembered."""
        done = 0
        for group in groups_of(rows):
            if done + len(group) <= skip_rows:
                self._remember(group)
            else:
                yield self._draft(group)
            done += len(group)

    def _remember(self, group: list[Row]) -> None:
        key = text_of(group[0][1].get("household_key"))
        if key:
            self.keys.add(key)
        for _, cells in group:
            found = self._identity(text_of(cells.get("id_number")))
            if isinstance(found, IdNumber):
                self.people.add(_person_number(found))

    def _identity(self, raw: str) -> IdNumber | ValidationFailed:
        """The ID number checked by the ledger's rule, or the 422 that rule raises."""
        try:
            return ledger.parse_id(raw, self.today, [])
        except ValidationFailed as exc:
            return exc

    def _draft(self, group: list[Row]) -> HouseholdDraft:
        first_row, first = group[0]
        key = text_of(first.get("household_key"))
        draft = HouseholdDraft(key=key[:64], first_row=first_row, rows=len(group))
        if not key:
            draft.fail(first_row, "household_key", "required", "required")
        elif _seen_before(self.keys, key):
            for number, _ in group:
                draft.fail(number, "household_key", "household_key_repeated", "repeated key")
        self._household_fields(draft, first_row, first)
        for position, (number, cells) in enumerate(group):
            if position >= MAX_MEMBERS:
                draft.fail(number, None, "too_many_members", "too many members")
                continue
            self._member(draft, number, cells)
        relations = [m.data.relation_to_head for m in draft.members]
        if len(draft.members) == min(len(group), MAX_MEMBERS):
            draft.check(
                first_row,
                lambda: ledger.check_head_count(relations, ["relation_to_head"]),
                column="relation_to_head",
            )
        return draft

    def _codes(self, draft: HouseholdDraft, row: int, name: str, raw: Any) -> list[str] | None:
        text = text_of(raw)
        if not text:
            return None
        # Code columns hold few distinct values: each is read once per file (up to a bound,
        # so a file of garbage cannot grow the memory).
        read = self._read.get((name, text))
        if read is None:
            read = _read_codes(self.codes, BY_FIELD[name], text)
            if len(self._read) < _READ_CACHE:
                self._read[(name, text)] = read
        found, unknown = read
        for part in unknown:
            draft.fail(row, name, "unknown_code", "not a code of the table", value=part)
        return list(found)

    def _cell(self, draft: HouseholdDraft, row: int, name: str, raw: Any) -> Any:
        """The value of one cell for the schema, or None when empty or wrong (error recorded)."""
        column = BY_FIELD[name]
        if column.kind is Kind.date:
            try:
                return date_of(raw)
            except ValueError:
                draft.fail(row, name, "invalid_date", "not a date", value=text_of(raw))
                return None
        if column.kind is Kind.codes:
            return self._codes(draft, row, name, raw)
        if column.kind is Kind.code:
            found = self._codes(draft, row, name, raw)
            return found[0] if found else None
        return text_of(raw) or None

    def _values(
        self, draft: HouseholdDraft, row: int, cells: dict[str, Any], level: Level
    ) -> dict[str, Any]:
        """The row's values of one level's columns for the schema; empty cells are left out."""
        values: dict[str, Any] = {}
        for name, raw in cells.items():
            if name == KEY.field or BY_FIELD[name].level is not level:
                continue
            value = self._cell(draft, row, name, raw)
            if value is not None:
                values[name] = value
        for column in _REQUIRED[level]:
            if column.field not in cells:
                draft.fail(row, column.field, "required", "required")
        return values

    def _household_fields(self, draft: HouseholdDraft, row: int, cells: dict[str, Any]) -> None:
        values = self._values(draft, row, cells, Level.household)
        if any(e.column in _HOUSEHOLD_HEADERS for e in draft.errors):
            return
        try:
            draft.fields = HouseholdCreate.model_validate(values)
        except ValidationError as exc:
            _schema_errors(draft, row, exc)
            return
        fields = draft.fields
        draft.check(row, lambda: ledger.check_record_fields(fields, self.today, []))

    def _member(self, draft: HouseholdDraft, row: int, cells: dict[str, Any]) -> None:
        before = len(draft.errors)
        values = self._values(draft, row, cells, Level.person)
        _gather_contacts(draft, row, values)
        categories = self._categories(draft, row, cells)
        identity = self._identity(values["id_number"]) if "id_number" in values else None
        if isinstance(identity, ValidationFailed):
            draft.report(row, identity)
        # Every valid number counts as seen, whatever else is wrong on its row, so a
        # resumed run (which only remembers rows) finds the same repeats.
        elif identity is not None and _seen_before(self.people, _person_number(identity)):
            draft.fail(
                row, "id_number", "person_already_in_household", "repeated", zh=REPEATED_IN_FILE
            )
        if len(draft.errors) > before or not isinstance(identity, IdNumber):
            return
        try:
            data = MemberIn.model_validate(values)
        except ValidationError as exc:
            _schema_errors(draft, row, exc)
            return
        if data.sex is not None or data.birth_date is not None:
            draft.check(row, lambda: ledger.parse_member_id(data, self.today, []))
            if len(draft.errors) > before:
                return
        own = [p for p in categories if p[0] in PERSON_FIELDS]
        for category, subtype in own:
            try:
                ledger.check_category(
                    category, subtype, identity.birth_date, data.disability_grade, self.today, []
                )
            except ValidationFailed as exc:
                draft.report(row, exc, column="categories")
        if len(draft.errors) > before:
            return
        for pair in categories:
            if pair[0] not in PERSON_FIELDS and pair not in draft.categories:
                draft.categories.append(pair)
        draft.members.append(
            MemberDraft(row, data, identity, self.vault.index(identity.value), own)
        )

    def _categories(self, draft: HouseholdDraft, row: int, cells: dict[str, Any]) -> list[Pair]:
        """Categories of a row, each with the row's subtypes of that category."""
        categories = self._codes(draft, row, "categories", cells.get("categories")) or []
        subtypes = self._codes(draft, row, "subtypes", cells.get("subtypes")) or []
        pairs: list[Pair] = []
        matched: set[str] = set()
        for subtype in subtypes:
            for category in categories:
                try:
                    ledger.check_subtype(category, subtype, [])
                except ValidationFailed:
                    continue
                pairs.append((category, subtype))
                matched.add(subtype)
        for subtype in subtypes:
            if subtype not in matched:
                draft.fail(row, "subtypes", "subtype_mismatch", "subtype of another category")
        pairs += [(c, None) for c in categories if not any(p[0] == c for p in pairs)]
        return pairs


_CONTACT_PARTS = ("name", "relation", "phone")


def _gather_contacts(draft: HouseholdDraft, row: int, values: dict[str, Any]) -> None:
    """Guardian and caregiver from their columns (姓名, 关系, 电话) as the objects the schema
    takes; a file on the earlier template has one free-text column each, read when it says
    no more than relation, name and phone."""
    for field_name in CONTACT_FIELDS:
        contact: dict[str, Any] = {}
        text = values.pop(field_name, None)
        if text is not None:
            contact = ledger.contact_from_text(text)
            if "note" in contact:
                draft.fail(
                    row,
                    field_name,
                    "contact_unreadable",
                    "write name, relation and phone in their own columns",
                )
                continue
        for part in _CONTACT_PARTS:
            if f"{field_name}_{part}" in values:
                contact[part] = values.pop(f"{field_name}_{part}")
        if contact:
            values[field_name] = contact


def _read_codes(codes: CodeBook, column: Column, text: str) -> tuple[list[str], list[str]]:
    """The codes a cell names, and the parts that name none."""
    assert column.table is not None
    single = column.kind is Kind.code or not _CODES_SEPARATORS.search(text)
    found: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in ([text] if single else _CODES_SEPARATORS.split(text))):
        if not part or (column.kind is Kind.codes and part.casefold() in _NONE):
            continue
        code = codes.code(column.table, part)
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    return found, unknown


def _seen_before(seen: set[Any], value: Any) -> bool:
    """Remember `value`; True if it was there already."""
    if value in seen:
        return True
    seen.add(value)
    return False


def _person_number(identity: IdNumber) -> int:
    """The first 17 digits: the check character follows from them."""
    return int(identity.value[:17])


def groups_of(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Runs of consecutive rows with the same key; a row without a key is a group of its own."""
    group: list[Row] = []
    current: str | None = None
    for number, cells in rows:
        key = text_of(cells.get("household_key"))
        if group and (not key or key != current):
            yield group
            group = []
        group.append((number, cells))
        current = key or None
    if group:
        yield group


def _schema_errors(draft: HouseholdDraft, row: int, exc: ValidationError) -> None:
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        loc = error["loc"]
        name = "_".join(str(part) for part in loc[:2]) if loc else None
        if name not in BY_FIELD:
            name = str(loc[0]) if loc else None
        draft.fail(row, name, error["type"], error["msg"])
