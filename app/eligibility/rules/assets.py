"""家庭财产情况符合有关要求 (Yubei 3(1)): the policy's asset limits, each checked only when the
policy sets it, each counting the household's share of an asset."""

from collections.abc import Iterable
from decimal import Decimal

from app.eligibility.rules.exact import product, quotient, text, total
from app.eligibility.rules.inputs import AssetFacts, AssetKind
from app.eligibility.rules.results import Comparison, Details, Explanation, RuleResult, verdict
from app.eligibility.terms import AssetLimits

_PERCENT = 100


def missing_details(assets: Iterable[AssetFacts], limits: AssetLimits) -> list[str]:
    """`assets.<kind>.<field>` for each field a set limit needs and some asset lacks (a
    financial asset without value, a vehicle without type or count, a dwelling without
    area), in a fixed order."""
    needs: list[tuple[AssetKind, str, bool]] = [
        (AssetKind.financial_asset, "value", limits.financial_per_capita is not None),
        (AssetKind.vehicle, "vehicle_type", limits.vehicles is not None),
        (AssetKind.vehicle, "count", limits.vehicles is not None),
        (AssetKind.real_estate, "area_m2", limits.real_estate_area_per_capita is not None),
    ]
    held = tuple(assets)
    return [
        f"assets.{kind}.{name}"
        for kind, name, needed in needs
        if needed and any(a.kind == kind and getattr(a, name) is None for a in held)
    ]


def asset_rules(
    assets: tuple[AssetFacts, ...], limits: AssetLimits, members: int
) -> list[RuleResult]:
    """The rule of each limit the policy sets; `missing_details` must have found nothing."""
    rules = []
    if limits.financial_per_capita is not None:
        held = _share_total(assets, AssetKind.financial_asset, "value")
        rules.append(_per_capita("financial", held, limits.financial_per_capita, members))
    if limits.vehicles is not None:
        vehicles = sum(
            a.count or 0
            for a in assets
            if a.kind == AssetKind.vehicle and a.vehicle_type not in limits.exempt_vehicle_types
        )
        rules.append(_count("vehicles", vehicles, limits.vehicles))
    if limits.real_estate_units is not None:
        units = sum(1 for a in assets if a.kind == AssetKind.real_estate)
        rules.append(_count("real_estate_units", units, limits.real_estate_units))
    if limits.real_estate_area_per_capita is not None:
        area = _share_total(assets, AssetKind.real_estate, "area_m2")
        rules.append(
            _per_capita("real_estate_area", area, limits.real_estate_area_per_capita, members)
        )
    return rules


def _share_total(assets: Iterable[AssetFacts], kind: AssetKind, name: str) -> Decimal:
    """Σ amount × share / 100 over the assets of `kind`: the household's part, exact."""
    weighted = total(product(getattr(a, name), a.ownership_share) for a in assets if a.kind == kind)
    return quotient(weighted, _PERCENT)


_NAMES = {
    "financial": ("金融资产", "financial assets", "元", "yuan"),
    "real_estate_area": ("房产面积", "real-estate floor area", "平方米", "m²"),
    "vehicles": ("机动车辆（不含豁免类型）", "vehicles (exempt types not counted)", "辆", ""),
    "real_estate_units": ("房产套数", "dwellings", "套", ""),
}


def _per_capita(name: str, held: Decimal, limit: Decimal, members: int) -> RuleResult:
    """Held (the household's share) at most limit × n: the per-capita limit, not divided."""
    line = product(limit, members)
    passed = held <= line

    def describe() -> Details:
        zh, en, zh_unit, en_unit = _NAMES[name]
        verdict_zh, verdict_en = verdict(passed)
        return Details(
            figures=(
                (f"{name}_share_total", text(held)),
                ("member_count", str(members)),
                ("limit_per_capita", text(limit)),
            ),
            value=text(held),
            threshold=text(line),
            explanation=Explanation(
                zh_cn=(
                    f"家庭所占{zh} {text(held)} {zh_unit}，须不超过人均 {text(limit)} {zh_unit}"
                    f" × {members} 人 = {text(line)} {zh_unit}：{verdict_zh}。"
                ),
                en=(
                    f"The household's share of {en} {text(held)} {en_unit} must be at most "
                    f"{text(limit)} {en_unit} per person × {members} = {text(line)} {en_unit}: "
                    f"{verdict_en}."
                ),
            ),
        )

    return RuleResult(f"assets_{name}_per_capita", Comparison.at_most, passed, describe)


def _count(name: str, held: int, limit: int) -> RuleResult:
    """Held at most `limit` (any share of an asset counts it whole)."""
    passed = held <= limit

    def describe() -> Details:
        zh, en, zh_unit, _ = _NAMES[name]
        verdict_zh, verdict_en = verdict(passed)
        return Details(
            figures=((name, str(held)), ("limit", str(limit))),
            value=str(held),
            threshold=str(limit),
            explanation=Explanation(
                zh_cn=(
                    f"家庭拥有（含共有）{zh} {held} {zh_unit}，须不超过 {limit} {zh_unit}："
                    f"{verdict_zh}。"
                ),
                en=(
                    f"The household owns (wholly or in part) {held} {en}; at most {limit}: "
                    f"{verdict_en}."
                ),
            ),
        )

    return RuleResult(f"assets_{name}", Comparison.at_most, passed, describe)
