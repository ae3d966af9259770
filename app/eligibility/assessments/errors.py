"""Errors of assessments, each with a stable code and messages in both languages."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages
from app.intake.public import ApplicationStatus


class RegionAndDay(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"region_code": "500112001001", "reference_date": "2026-11-15"}]
        }
    )

    region_code: str = Field(description="The household's region.")
    reference_date: date = Field(description="The reference date D of the assessment.")


class NoPolicyInForce(AppError):
    """409: no published policy version applies to the household's region on D; nothing
    can be decided without one (the rules never hard-code a figure)."""

    status = 409
    code = "no_policy_in_force"
    members_model = RegionAndDay

    def __init__(self, region_code: str, reference_date: date) -> None:
        super().__init__(
            params={"region_code": region_code, "day": reference_date.isoformat()},
            members=RegionAndDay(region_code=region_code, reference_date=reference_date),
        )


class ApplicationState(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"state": "accepted"}]})

    state: str = Field(
        description="The application's state now (code table `application_status`).",
        json_schema_extra={"enum": [status.value for status in ApplicationStatus]},
    )


class ApplicationNotAssessable(AppError):
    """409: only an application under investigation (or already assessed, for a new look)
    is assessed; `state` says where it stands."""

    status = 409
    code = "application_not_assessable"
    members_model = ApplicationState

    def __init__(self, state: str) -> None:
        super().__init__(params={"state": state}, members=ApplicationState(state=state))


class AssessmentSuperseded(AppError):
    """409: a newer assessment of the household exists; accept that one (or assess again)."""

    status = 409
    code = "assessment_superseded"


class AssessmentInputsChanged(AppError):
    """409: the ledger's inputs for the household on D differ now from those the assessment
    read; assess again before setting a finding."""

    status = 409
    code = "assessment_inputs_changed"


class AssessmentInconclusive(AppError):
    """409: `cannot_assess` and `already_registered` decide no type to set on the ledger."""

    status = 409
    code = "assessment_inconclusive"


class AssessmentAlreadyAccepted(AppError):
    """409: the assessment's finding is on the ledger already."""

    status = 409
    code = "assessment_already_accepted"


register_messages(
    {
        "no_policy_in_force": Message(
            "无适用的政策版本",
            "No policy in force",
            "区划 {region_code} 在 {day} 没有已发布的政策版本，无法评估。",
            "No published policy version applies to region {region_code} on {day}; nothing can be "
            "assessed without one.",
        ),
        "application_not_assessable": Message(
            "申请当前不能评估",
            "Application cannot be assessed",
            "申请状态为 {state}；只有调查核实中（或已评估）的申请可以评估。",
            "The application is {state}; only an application under investigation (or already "
            "assessed) is assessed.",
        ),
        "assessment_superseded": Message(
            "评估已被更新的评估取代",
            "Assessment superseded",
            "该家庭已有更新的评估；请采纳最新的评估，或重新评估。",
            "A newer assessment of the household exists; accept that one or assess again.",
        ),
        "assessment_inputs_changed": Message(
            "评估依据已变化",
            "Assessment inputs changed",
            "台账中该家庭在评估基准日的数据已与评估时不同；请重新评估后再采纳。",
            "The ledger's data of the household on the reference date differs from what the "
            "assessment read; assess again before accepting.",
        ),
        "assessment_inconclusive": Message(
            "评估未作认定",
            "Assessment inconclusive",
            "无法评估或已是建档对象的评估不认定类型，不能采纳。",
            "An assessment that could not assess, or found an already registered household, "
            "decides no type to accept.",
        ),
        "assessment_already_accepted": Message(
            "评估已采纳",
            "Assessment already accepted",
            "该评估的结论已记入台账。",
            "The assessment's finding is on the ledger already.",
        ),
    }
)

register_field_messages(
    {
        "application_or_date": FieldMessage(
            "application_id 与 reference_date 须且只能填写一项",
            "give either application_id or reference_date, not both",
        ),
        "other_household": FieldMessage(
            "该申请不属于此家庭", "the application is not of this household"
        ),
    }
)
