"""What other parts of the app may use of eligibility: creating and publishing policy
versions, running assessments (the demo data)."""

from app.eligibility.assessments.schemas import AssessmentIn
from app.eligibility.assessments.service import count as count_assessments
from app.eligibility.assessments.service import create as create_assessment
from app.eligibility.policies.schemas import PolicyIn
from app.eligibility.policies.service import act as take_policy_step
from app.eligibility.policies.service import count as count_policy_versions
from app.eligibility.policies.service import create as create_policy_version
from app.eligibility.policies.states import Step as PolicyStep

__all__ = [
    "AssessmentIn",
    "PolicyIn",
    "PolicyStep",
    "count_assessments",
    "count_policy_versions",
    "create_assessment",
    "create_policy_version",
    "take_policy_step",
]
