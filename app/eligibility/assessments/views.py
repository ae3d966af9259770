"""A stored assessment as the API shows it."""

from app.eligibility.assessments.schemas import AssessmentOut, AssessmentSummary
from app.eligibility.assessments.service import Detail
from app.eligibility.assessments.summary import summary
from app.eligibility.models import Assessment
from app.eligibility.rules import Outcome

_SUMMARY_COLUMNS = frozenset(AssessmentSummary.model_fields) - {"current", "summary"}
_DETAIL_COLUMNS = frozenset(AssessmentOut.model_fields) - {
    "current",
    "summary",
    "policy_version_name",
    "policy_version_version",
    "inputs_changed_since",
}
"""Fields of the answers that are columns of the row."""


def _derived(assessment: Assessment) -> dict[str, object]:
    return {
        "current": assessment.superseded_by is None,
        "summary": summary(Outcome(assessment.outcome), assessment.rules, assessment.missing),
    }


def assessment_summary(assessment: Assessment) -> AssessmentSummary:
    return AssessmentSummary.model_validate(
        {
            **{name: getattr(assessment, name) for name in _SUMMARY_COLUMNS},
            **_derived(assessment),
        }
    )


def assessment_out(found: Detail) -> AssessmentOut:
    assessment = found.assessment
    return AssessmentOut.model_validate(
        {
            **{name: getattr(assessment, name) for name in _DETAIL_COLUMNS},
            **_derived(assessment),
            "policy_version_name": found.policy.name,
            "policy_version_version": found.policy.version,
            "inputs_changed_since": found.inputs_changed_since,
        }
    )
