"""What other parts of the app may use of eligibility: creating and publishing policy
versions (the demo data)."""

from app.eligibility.policies.schemas import PolicyIn
from app.eligibility.policies.service import act as take_policy_step
from app.eligibility.policies.service import count as count_policy_versions
from app.eligibility.policies.service import create as create_policy_version
from app.eligibility.policies.states import Step as PolicyStep

__all__ = [
    "PolicyIn",
    "PolicyStep",
    "count_policy_versions",
    "create_policy_version",
    "take_policy_step",
]
