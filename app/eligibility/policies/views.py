"""A stored policy version as the API shows it."""

from app.eligibility.models import PolicyVersion
from app.eligibility.policies.schemas import AssetLimits, PolicyOut, Weights
from app.eligibility.policies.states import MACHINE, PolicyVersionStatus
from app.eligibility.terms import Factor

_DERIVED = frozenset({"allowed", "weights", "asset_limits"})
"""Fields of the answer that are not columns of the row."""


def policy_out(version: PolicyVersion) -> PolicyOut:
    return PolicyOut.model_validate(
        {
            **{
                name: getattr(version, name)
                for name in PolicyOut.model_fields
                if name not in _DERIVED
            },
            "allowed": MACHINE.allowed(PolicyVersionStatus(version.status)),
            "weights": Weights.model_validate(
                {factor.value: getattr(version, f"weight_{factor.value}") for factor in Factor}
            ),
            "asset_limits": AssetLimits(
                financial_per_capita=version.asset_financial_per_capita,
                vehicles=version.asset_vehicles,
                exempt_vehicle_types=version.asset_exempt_vehicle_types,
                real_estate_units=version.asset_real_estate_units,
                real_estate_area_per_capita=version.asset_real_estate_area_per_capita,
            ),
        }
    )
