"""Shapes of the built-in code tables (see catalog.py for their content)."""

from dataclasses import dataclass, field


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
