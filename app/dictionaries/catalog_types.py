"""Shapes of the built-in code tables (see catalog.py for their content)."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PersonRule:
    """Whom a code may describe, when it describes a person: an age range in full years
    (周岁) on the day it is recorded, and the disability grades it requires.

    The thresholds are data of the code table, not code: a category check reads
    them here (`households.plausibility`), and the dictionaries endpoint shows them
    so a frontend can too. A bound left None does not apply.
    """

    min_age: int | None = None
    max_age: int | None = None
    disability_grades: tuple[str, ...] | None = None
    source: str = ""
    """The norm the thresholds come from."""


@dataclass(frozen=True, slots=True)
class Code:
    """One stable code with its labels.

    `group` ties a code to a code of another table when the seed lists codes per
    group (e.g. casework services per vulnerability category, Beijing 4(2)).
    `attributes` are facts about the code that rules read (e.g. `holds_id_image` of a
    document kind), so the rule is data, served with the code, not a list in code.
    """

    code: str
    label_zh: str
    label_en: str
    group: str | None = None
    attributes: dict[str, bool | int | str] | None = None
    person_rule: PersonRule | None = None
    """For codes of people (vulnerability categories and subtypes): whom they fit."""


@dataclass(frozen=True, slots=True)
class CodeTable:
    """A named list of codes.

    `extensible` tables may gain codes at run time (CLI now, admins later);
    the others are fixed by the product because code paths depend on them.
    `group_table` names the table whose codes the `group` field refers to.
    """

    name: str
    label_zh: str
    label_en: str
    source: str
    extensible: bool
    codes: tuple[Code, ...] = field(default_factory=tuple)
    group_table: str | None = None
