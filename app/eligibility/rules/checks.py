"""The rules of DOMAIN 5 one by one, each a pure function giving a `RuleResult`.

Bounds include themselves (以上、以下、以内, Civil Code art. 1259), and per-capita lines
are compared as totals: L*k <= I/(12n) reads I >= k*L*12*n, so nothing is divided.

Each rule decides `passed` at once and leaves its figures and explanation to a nested
`describe`, run from the same values when someone reads them (`RuleResult`).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.eligibility.rules.calendar import WINDOW_MONTHS, anniversary, completed_years
from app.eligibility.rules.exact import WIDE, plain, product, text
from app.eligibility.rules.results import Comparison, Details, Explanation, RuleResult, verdict
from app.eligibility.terms import PolicyTerms

_CENT = Decimal("0.01")


def per_capita_text(income: Decimal, members: int) -> str:
    """I/(12n) for reading only, to the fen, '≈' when rounded; no rule compares it."""
    exact_value = WIDE.divide(income, WINDOW_MONTHS * members)
    shown = exact_value.quantize(_CENT, rounding=ROUND_HALF_UP, context=WIDE)
    return text(shown) if shown == exact_value else f"≈{text(shown)}"


def income_floor(terms: PolicyTerms, income: Decimal, members: int) -> RuleResult:
    """`income_floor` (1倍以上): I >= floor·L·12·n."""
    return _income_line("income_floor", terms, income, members, terms.income_floor, True)


def income_type_ceiling(terms: PolicyTerms, income: Decimal, members: int) -> RuleResult:
    """`income_type_ceiling` (2倍以内): I <= ceiling·L·12·n."""
    return _income_line("income_type_ceiling", terms, income, members, terms.income_ceiling, False)


def expenditure_type_ceiling(terms: PolicyTerms, income: Decimal, members: int) -> RuleResult:
    """`expenditure_type_ceiling` (5倍以内): I <= ceiling·L·12·n."""
    return _income_line(
        "expenditure_type_ceiling", terms, income, members, terms.expenditure_ceiling, False
    )


def _income_line(
    code: str, terms: PolicyTerms, income: Decimal, members: int, multiplier: Decimal, floor: bool
) -> RuleResult:
    """I against `multiplier`·L·12·n: at least it for a floor, at most it for a ceiling."""
    line = product(multiplier, terms.dibao_standard, WINDOW_MONTHS, members)
    passed = income >= line if floor else income <= line

    def describe() -> Details:
        per_capita = per_capita_text(income, members)
        k, std = plain(multiplier), text(terms.dibao_standard)
        zh_side, en_side = ("不低于", "at least") if floor else ("不高于", "at most")
        zh_verdict, en_verdict = verdict(passed)
        return Details(
            figures=(
                ("income_total", text(income)),
                ("member_count", str(members)),
                ("dibao_standard", std),
                ("multiplier", k),
            ),
            value=text(income),
            threshold=text(line),
            explanation=Explanation(
                zh_cn=(
                    f"申请之月前12个月家庭收入 {text(income)} 元，{members} 人，人均月收入 "
                    f"{per_capita} 元；须{zh_side}低保标准 {std} 元的 {k} 倍，即家庭收入"
                    f"{zh_side} {k}×{std}×12×{members} = {text(line)} 元：{zh_verdict}。"
                ),
                en=(
                    f"Household income over the 12 months before the month of application "
                    f"{text(income)} yuan, {members} member(s), {per_capita} yuan per person per "
                    f"month; it must be {en_side} {k} times the dibao standard {std} yuan, i.e. "
                    f"income {en_side} {k}×{std}×12×{members} = {text(line)} yuan: "
                    f"{en_verdict}."
                ),
            ),
        )

    return RuleResult(code, Comparison.at_least if floor else Comparison.at_most, passed, describe)


def income_type_rigid_ratio(terms: PolicyTerms, rigid: Decimal, income: Decimal) -> RuleResult:
    """`income_type_rigid_ratio` (未达到1.5倍): R < ratio·I."""
    return _rigid_ratio("income_type_rigid_ratio", terms, rigid, income, True)


def expenditure_type_rigid_ratio(terms: PolicyTerms, rigid: Decimal, income: Decimal) -> RuleResult:
    """`expenditure_type_rigid_ratio` (1.5倍及以上): R >= ratio·I; of the two ratio rules
    exactly one passes."""
    return _rigid_ratio("expenditure_type_rigid_ratio", terms, rigid, income, False)


def _rigid_ratio(
    code: str, terms: PolicyTerms, rigid: Decimal, income: Decimal, below: bool
) -> RuleResult:
    """R against `expenditure_ratio`·I: below it, or at or above it."""
    line = product(terms.expenditure_ratio, income)
    passed = rigid < line if below else rigid >= line

    def describe() -> Details:
        ratio = plain(terms.expenditure_ratio)
        zh_side, en_side = ("低于", "below") if below else ("不低于", "at least")
        zh_verdict, en_verdict = verdict(passed)
        kinds = ", ".join(sorted(terms.rigid_kinds))
        return Details(
            figures=(
                ("rigid_total", text(rigid)),
                ("income_total", text(income)),
                ("ratio", ratio),
                ("rigid_kinds", kinds),
            ),
            value=text(rigid),
            threshold=text(line),
            explanation=Explanation(
                zh_cn=(
                    f"同期刚性支出（{kinds}）{text(rigid)} 元，须{zh_side}家庭收入 "
                    f"{text(income)} 元的 {ratio} 倍即 {text(line)} 元：{zh_verdict}。"
                ),
                en=(
                    f"Rigid expenditure ({kinds}) over the same months {text(rigid)} yuan must "
                    f"be {en_side} {ratio} times the household income {text(income)} yuan, "
                    f"i.e. {text(line)} yuan: {en_verdict}."
                ),
            ),
        )

    return RuleResult(code, Comparison.below if below else Comparison.at_least, passed, describe)


def hukou_in_district(hukou_region_code: str, district_code: str) -> RuleResult:
    """`hukou_in_district` (渝北区户籍): the hukou's region code lies in the district's subtree."""
    passed = hukou_region_code.startswith(district_code)

    def describe() -> Details:
        zh_verdict, en_verdict = verdict(passed)
        return Details(
            figures=(("hukou_region_code", hukou_region_code), ("district_code", district_code)),
            value=hukou_region_code,
            threshold=district_code,
            explanation=Explanation(
                zh_cn=(
                    f"户籍地区划代码 {hukou_region_code} 须在本区（{district_code}）内："
                    f"{zh_verdict}。"
                ),
                en=(
                    f"The hukou region code {hukou_region_code} must lie within the district "
                    f"{district_code}: {en_verdict}."
                ),
            ),
        )

    return RuleResult("hukou_in_district", Comparison.starts_with, passed, describe)


def residency(terms: PolicyTerms, since: date, reference_date: date) -> RuleResult:
    """`residency` (实际在城市居住2年及以上): D on or after the day `residency_years` whole
    years since moving in are complete (`anniversary`: 29 February's is 28 February)."""
    required = terms.residency_years
    complete_on = anniversary(since, required)
    passed = reference_date >= complete_on

    def describe() -> Details:
        years = completed_years(since, reference_date)
        zh_verdict, en_verdict = verdict(passed)
        return Details(
            figures=(
                ("lived_in_city_since", since.isoformat()),
                ("reference_date", reference_date.isoformat()),
                ("residency_years", str(required)),
                ("completed_years", str(years)),
            ),
            value=reference_date.isoformat(),
            threshold=complete_on.isoformat(),
            explanation=Explanation(
                zh_cn=(
                    f"自 {since.isoformat()} 起在城市居住，至 {reference_date.isoformat()} 满 "
                    f"{max(years, 0)} 年；须居住 {required} 年及以上，即于 "
                    f"{complete_on.isoformat()} 或之后：{zh_verdict}。"
                ),
                en=(
                    f"Living in the city since {since.isoformat()}: {max(years, 0)} whole "
                    f"year(s) on {reference_date.isoformat()}; {required} years or more are "
                    f"required, complete on {complete_on.isoformat()}: {en_verdict}."
                ),
            ),
        )

    return RuleResult("residency", Comparison.at_least, passed, describe)


def non_registered(registered_types: frozenset[str], registered: frozenset[str]) -> RuleResult:
    """`non_registered` (非建档家庭): the household holds none of the registered types on D."""
    held = registered_types & registered
    passed = not held

    def describe() -> Details:
        names = ",".join(sorted(held))
        return Details(
            figures=(("registered_types", names),),
            value=names,
            threshold=",".join(sorted(registered)),
            explanation=Explanation(
                zh_cn=(
                    "非低保、特困或民政特殊困难建档家庭，按新增类型认定。"
                    if passed
                    else f"已是建档对象（{names}），按原身份纳入帮扶范围，不重新认定。"
                ),
                en=(
                    "Not a dibao, tekun or registered-hardship household: assessed for the new "
                    "types."
                    if passed
                    else f"Already a registered household ({names}): in scope by that status, "
                    "not re-decided."
                ),
            ),
        )

    return RuleResult("non_registered", Comparison.none_of, passed, describe)
