"""Categories fit the person they describe (DOMAIN 3; Beijing 1, 3(2)-(4)): pure rules.

An advanced-age elder (高龄) is 80 or over, an elderly person in distress 60 or
over, a child in distress, left-behind child or minor needing shelter is under
18, and a person with severe disability has grade 1 or 2 (GB/T 26341-2010).
The thresholds are held by the code tables (`dictionaries` `person_rule`), not
here: this module only compares a person with them. A disability grade not yet
recorded is a gap of completeness, not an implausibility, so it passes here.
"""

from dataclasses import dataclass
from datetime import date

from app.core.errors import ValidationFailed
from app.dictionaries.public import PersonRule, person_rule_of

Loc = list[str | int]


def age_on(birth: date, today: date) -> int:
    """Age in full years (周岁) on `today`: the birthday counts on its day (29 February on
    1 March in other years)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True)
class Implausible:
    """Which rule a category breaks for a person: `rule` names it (`min_age`, `max_age`,
    `disability_grades`), `threshold` is the dictionary's value and `actual` the person's."""

    code: str
    rule: str
    threshold: str
    actual: str | None

    def params(self) -> dict[str, object]:
        """The parameters of the `category_not_plausible` message."""
        recorded = {"actual_zh": self.actual, "actual_en": self.actual}
        if self.actual is None:
            recorded = {"actual_zh": "未记录", "actual_en": "none recorded"}
        return {"category": self.code, "rule": self.rule, "threshold": self.threshold, **recorded}


def breach(
    code: str, rule: PersonRule, birth_date: date, disability_grade: str | None, today: date
) -> Implausible | None:
    """The first bound of `rule` the person is outside of on `today`, or None."""
    age = age_on(birth_date, today)
    if rule.min_age is not None and age < rule.min_age:
        return Implausible(code, "min_age", str(rule.min_age), str(age))
    if rule.max_age is not None and age > rule.max_age:
        return Implausible(code, "max_age", str(rule.max_age), str(age))
    grades = rule.disability_grades
    if grades is not None and disability_grade is not None and disability_grade not in grades:
        return Implausible(code, "disability_grades", ",".join(grades), disability_grade)
    return None


def implausibility(
    category: str,
    subtype: str | None,
    birth_date: date,
    disability_grade: str | None,
    today: date,
) -> Implausible | None:
    """Whether a category (and its subtype) of a person breaks a rule of its code tables."""
    checks = [(category, person_rule_of("vulnerability_category", category))]
    if subtype is not None:
        checks.append((subtype, person_rule_of("vulnerability_subtype", subtype)))
    for code, rule in checks:
        if rule is not None:
            found = breach(code, rule, birth_date, disability_grade, today)
            if found is not None:
                return found
    return None


def check_category(
    category: str,
    subtype: str | None,
    birth_date: date,
    disability_grade: str | None,
    today: date,
    loc: Loc,
) -> None:
    """422 `category_not_plausible` naming the rule, its threshold and the person's value."""
    found = implausibility(category, subtype, birth_date, disability_grade, today)
    if found is not None:
        raise ValidationFailed.at(loc, "category_not_plausible", **found.params())
