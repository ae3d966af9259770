"""The one-sentence summary of an assessment, in Chinese and English (pure): the outcome and
the rule(s) that decided it, read from the stored rules."""

from typing import Any

from app.eligibility.rules import Outcome

OUTCOMES: dict[Outcome, tuple[str, str]] = {
    Outcome.already_registered: (
        "已是低保、特困或民政特殊困难建档家庭，按原身份纳入帮扶范围，不重新认定",
        "already a dibao, tekun or registered-hardship household: in scope by that status, "
        "not re-decided",
    ),
    Outcome.cannot_assess: ("无法评估（缺少必要信息）", "cannot assess (inputs missing)"),
    Outcome.refer_to_dibao: (
        "人均月收入低于低保标准，转入低保程序",
        "per-capita income below the dibao standard: refer to the dibao procedure",
    ),
    Outcome.income_poverty: ("收入型贫困", "income poverty"),
    Outcome.expenditure_poverty: ("支出型贫困", "expenditure poverty"),
    Outcome.not_eligible: ("不符合新增类型条件", "not eligible for the new types"),
}
RULES: dict[str, tuple[str, str]] = {
    "non_registered": ("非建档家庭", "not a registered household"),
    "income_floor": ("人均月收入不低于低保标准", "per-capita income at least the dibao standard"),
    "income_type_ceiling": (
        "人均月收入不高于收入型上限",
        "per-capita income at most the income-type ceiling",
    ),
    "income_type_rigid_ratio": (
        "刚性支出低于家庭收入的规定倍数",
        "rigid expenditure below the ratio to income",
    ),
    "expenditure_type_ceiling": (
        "人均月收入不高于支出型上限",
        "per-capita income at most the expenditure-type ceiling",
    ),
    "expenditure_type_rigid_ratio": (
        "刚性支出达到家庭收入的规定倍数",
        "rigid expenditure at least the ratio to income",
    ),
    "hukou_in_district": ("户籍在本区", "hukou in the district"),
    "residency": ("在城市居住年限", "years of living in the city"),
    "assets_financial_per_capita": ("人均金融资产", "financial assets per person"),
    "assets_vehicles": ("机动车辆", "vehicles"),
    "assets_real_estate_units": ("房产套数", "dwellings"),
    "assets_real_estate_area_per_capita": ("人均房产面积", "real-estate area per person"),
}
INCOME_TYPE = ("income_type_ceiling", "income_type_rigid_ratio")
EXPENDITURE_TYPE = ("expenditure_type_ceiling", "expenditure_type_rigid_ratio")
OTHER_TYPE = {Outcome.income_poverty: EXPENDITURE_TYPE, Outcome.expenditure_poverty: INCOME_TYPE}
"""The rules of the type not found, which do not decide an eligible outcome."""
NOT_COMMON = frozenset({"non_registered", "income_floor", *INCOME_TYPE, *EXPENDITURE_TYPE})


def _decisive(outcome: Outcome, rules: list[dict[str, Any]]) -> tuple[list[str], bool]:
    """The codes of the rules that decided `outcome`, and whether they were met: for an
    eligible outcome the rules of its type and the common ones (all met); below L the income
    floor; not eligible, the common conditions not met, or, all of them met, the rules of
    each type not met; already registered, the status rule."""
    if outcome in OTHER_TYPE:
        ignored = {"non_registered", *OTHER_TYPE[outcome]}
        return [r["code"] for r in rules if r["code"] not in ignored], True
    failed = [r["code"] for r in rules if not r["passed"]]
    if outcome is Outcome.refer_to_dibao:
        return ["income_floor"], False
    common = [code for code in failed if code not in NOT_COMMON]
    return common or failed, False


def summary(outcome: Outcome, rules: list[dict[str, Any]], missing: list[str]) -> dict[str, str]:
    """{zh_cn, en}: "Outcome: X. Met: ..." / "Not met: ..." / "Missing: ..."."""
    zh, en = OUTCOMES[outcome]
    if outcome is Outcome.cannot_assess:
        return {
            "zh_cn": f"结论：{zh}。缺少：{'、'.join(missing)}。",
            "en": f"Outcome: {en}. Missing: {', '.join(missing)}.",
        }
    codes, met = _decisive(outcome, rules)
    names = [RULES.get(code, (code, code)) for code in codes]
    zh_lead, en_lead = ("符合", "Met") if met else ("不符合", "Not met")
    return {
        "zh_cn": f"结论：{zh}。{zh_lead}：{'；'.join(n[0] for n in names)}。",
        "en": f"Outcome: {en}. {en_lead}: {'; '.join(n[1] for n in names)}.",
    }
