"""Completeness of a ledger record (DOMAIN 3; Beijing 3 and 7): pure rules, no database.

Each vulnerability category requires the ledger fields Beijing section 3
lists for it. A record missing one is incomplete; `missing_fields` names
each gap so a worker knows what to fill in, e.g. `benefits`,
`categories.elderly_in_distress.subtype` or `members.<person id>.caregiver`.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.households.contacts import CONTACT_FIELDS, Contact, recorded


@dataclass(frozen=True, slots=True)
class MemberFacts:
    person_id: uuid.UUID
    employment: str | None = None
    education: str | None = None
    health: str | None = None
    disability_type: str | None = None
    disability_grade: str | None = None
    guardian: Contact | None = None
    caregiver: Contact | None = None
    parents_situation: str | None = None
    schooling: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    category: str
    subtype: str | None = None
    person_id: uuid.UUID | None = None


INCOME_MONTHS = 12
"""Incomes of the 12 calendar months before the current one (DOMAIN 4-5's window)."""


def previous_months(current: date, count: int = INCOME_MONTHS) -> list[date]:
    """The first days of the `count` calendar months before `current`'s month, oldest first."""
    index = current.year * 12 + current.month - 1
    return [date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count, 0, -1)]


INCOME_GAP = "incomes."
"""How the gaps of the income window begin (`incomes.YYYY-MM`)."""


def income_gaps(today: date, income_months: Iterable[date]) -> list[str]:
    """`incomes.YYYY-MM` for each month of `today`'s window without an income row."""
    held = set(income_months)
    return [f"{INCOME_GAP}{month:%Y-%m}" for month in previous_months(today) if month not in held]


@dataclass(frozen=True, slots=True)
class CoreFacts:
    """DOMAIN 4's core fields of every record, whatever its categories."""

    today: date
    """The business date: the income window is the 12 months before its month."""
    region_code: str
    hukou_region_code: str | None = None
    hukou_type: str | None = None
    settled_since: date | None = None
    has_plan: bool = False
    paired_worker_id: uuid.UUID | None = None
    income_months: frozenset[date] = frozenset()
    """Months (first days) that have at least one income row; a zero income counts."""


GRID_CODE_LENGTH = 15


def core_gaps(core: CoreFacts) -> list[str]:
    """The core fields a record lacks (DOMAIN 4): grid-level region, hukou code and type,
    settled-since, a plan, a paired worker and an income row in each of the 12 months
    before the current one (`incomes.YYYY-MM` names each month without one)."""
    gaps = []
    if len(core.region_code) != GRID_CODE_LENGTH:
        gaps.append("region_code.grid")
    for name in ("hukou_region_code", "hukou_type", "settled_since", "paired_worker_id"):
        if getattr(core, name) is None:
            gaps.append(name)
    if not core.has_plan:
        gaps.append("plan")
    gaps.extend(income_gaps(core.today, core.income_months))
    return gaps


def in_income_window(
    missing: Iterable[str], today: date, income_months: Iterable[date]
) -> list[str]:
    """`missing` with its income gaps those of `today`'s window: the only gaps the date
    decides, so the rest stay as the record's last computation left them. Sorted."""
    kept = {name for name in missing if not name.startswith(INCOME_GAP)}
    return sorted(kept | set(income_gaps(today, income_months)))


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    head_person_id: uuid.UUID | None = None
    benefits: list[str] | None = None
    needs: list[str] = field(default_factory=list)
    measures: list[str] | None = None
    no_help_reason: str | None = None
    basic_situation: str | None = None
    emergency_situation: str | None = None
    categories: list[CategoryFacts] = field(default_factory=list)
    members: list[MemberFacts] = field(default_factory=list)
    core: CoreFacts | None = None
    """The core fields; None checks the category rules alone."""


MEMBER_FACT_FIELDS = tuple(f for f in MemberFacts.__dataclass_fields__ if f != "person_id")
"""The person fields completeness looks at."""

CATEGORIES_WITH_SUBTYPE = frozenset({"elderly_in_distress", "child_in_distress"})

PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "elderly_in_distress": ("health", "caregiver", "guardian"),
    "child_in_distress": ("schooling", "parents_situation", "health", "guardian"),
    "severe_disability": ("disability_type", "disability_grade", "health"),
}
"""Fields of the member a category belongs to (Beijing 3(2)-(4))."""

HOUSEHOLD_FIELDS: dict[str, tuple[str, ...]] = {
    "social_assistance": ("benefits",),
    "elderly_in_distress": ("benefits",),
    "child_in_distress": ("benefits",),
    "severe_disability": ("benefits",),
    "major_illness_or_incident": ("basic_situation", "emergency_situation"),
    "other": ("basic_situation", "emergency_situation"),
}
"""Household fields each category requires besides `needs` (Beijing 3(1)-(6))."""

SOCIAL_ASSISTANCE_MEMBER_FIELDS = ("employment", "education")
"""Social-assistance households record every member's employment and education (Beijing 3(1))."""


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None


def _lacks(member: MemberFacts, name: str) -> bool:
    value = getattr(member, name)
    return not recorded(value) if name in CONTACT_FIELDS else _blank(value)


def _member_gaps(member: MemberFacts, names: Iterable[str]) -> list[str]:
    return [f"members.{member.person_id}.{name}" for name in names if _lacks(member, name)]


def missing_fields(facts: HouseholdFacts) -> list[str]:
    """Every required field the record lacks, sorted; an empty list means complete."""
    gaps: set[str] = set(core_gaps(facts.core)) if facts.core is not None else set()
    if not facts.members:
        gaps.add("members")
    if facts.head_person_id is None:
        gaps.add("head")
    if not facts.needs:
        gaps.add("needs")
    if all(_blank(m) for m in facts.measures or []) and _blank(facts.no_help_reason):
        gaps.add("measures_or_no_help_reason")
    if not facts.categories:
        gaps.add("categories")
    members = {m.person_id: m for m in facts.members}
    for held in facts.categories:
        for name in HOUSEHOLD_FIELDS.get(held.category, ()):
            if _blank(getattr(facts, name)):
                gaps.add(name)
        if held.category in CATEGORIES_WITH_SUBTYPE and _blank(held.subtype):
            gaps.add(f"categories.{held.category}.subtype")
        if held.category == "social_assistance":
            for each in facts.members:
                gaps.update(_member_gaps(each, SOCIAL_ASSISTANCE_MEMBER_FIELDS))
        person_fields = PERSON_FIELDS.get(held.category)
        if person_fields is None:
            continue
        member = members.get(held.person_id) if held.person_id is not None else None
        if member is None:
            gaps.add(f"categories.{held.category}.person")
        else:
            gaps.update(_member_gaps(member, person_fields))
    return sorted(gaps)
