"""Errors of the ledger, each with a stable code and messages in both languages."""

import uuid

from app.core.errors import AppError
from app.core.i18n import Message, register_messages


class PersonInAnotherHousehold(AppError):
    """409: the ID number is already an active member of a household (DOMAIN 4).

    The other household is named (`household_id`, `region_code`) only when the
    caller may see it; otherwise the body does not carry those members at all.
    """

    status = 409
    code = "person_already_in_household"

    def __init__(
        self, household_id: uuid.UUID | None = None, region_code: str | None = None
    ) -> None:
        visible = household_id is not None
        super().__init__(
            params={
                "where_zh": f"（{region_code}）" if visible else "",
                "where_en": f" ({region_code})" if visible else "",
            },
            extra={"household_id": str(household_id), "region_code": region_code}
            if visible
            else {},
        )


class InvalidTransition(AppError):
    """409: the household's state does not allow this action; `allowed` lists what does."""

    status = 409
    code = "invalid_transition"

    def __init__(self, state: str, allowed: list[str]) -> None:
        super().__init__(params={"state": state}, extra={"allowed": allowed})


class TooManyLookups(AppError):
    """429: the account has used its lookups by ID number for this minute; `Retry-After` says
    when the next one is allowed (`person_lookups_per_minute`)."""

    status = 429
    code = "too_many_person_lookups"

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})


register_messages(
    {
        "too_many_person_lookups": Message(
            "查询过于频繁",
            "Too many person lookups",
            "本账号本分钟按身份证号查询或登记的次数已用完；请按 Retry-After 所示秒数后再试。",
            "This account has used its lookups by ID number for this minute; "
            "try again after the seconds in Retry-After.",
        ),
        "person_already_in_household": Message(
            "此人已在其他家庭中",
            "Person already in a household",
            "该身份证号已是台账中一户家庭的在册成员{where}；请使用迁移（transfer）而不是重复登记。",
            "This ID number is already an active member of a household{where}; transfer the person instead of adding a copy.",
        ),
        "invalid_transition": Message(
            "当前状态不允许此操作",
            "Action not allowed in this state",
            "对象当前状态为 {state}，不允许此操作；允许的操作见 allowed。",
            "The object is {state}; this action is not allowed. See `allowed`.",
        ),
    }
)
