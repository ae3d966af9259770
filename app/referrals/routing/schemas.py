"""The routing table as the API shows and takes it."""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.region_codes import CODE_PATTERN
from app.dictionaries.public import CodeOf

NeedCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A code of the extensible table `need` (checked against it, 422 `unknown_code`)."""
Kind = Annotated[str, CodeOf("organization_kind")]
DueDays = Annotated[int, Field(strict=True, ge=1, le=60)]

_ROUTE = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31"
_DEFAULT = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e32"
_ORGANIZATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e33"


class RouteIn(BaseModel):
    """A rule: the needs of a code go to organisations of a kind, due in working days."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"need_code": "legal_aid", "organization_kind": "deputies", "due_working_days": 10}
            ]
        },
    )

    need_code: NeedCode = Field(description="A code of dictionary `need`.")
    organization_kind: Kind = Field(description="A code of dictionary `organization_kind`.")
    due_working_days: DueDays = Field(
        description="Working days (official calendar) the receiver has, counted from the day "
        "the referral is sent."
    )


class RoutePatch(BaseModel):
    """A rule's new due period (the need and kind are what the rule is; change them by
    adding a rule and deleting this one)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"due_working_days": 7}]}
    )

    due_working_days: DueDays = Field(
        description="Working days the receiver has, from the day the referral is sent."
    )


class RouteOut(BaseModel):
    """A rule of the routing table (DOMAIN 7)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": _ROUTE,
                    "version": 1,
                    "need_code": "medical",
                    "organization_kind": "red_cross",
                    "due_working_days": 10,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Rule id.")
    version: int = Field(description="Changes with every edit (ETag).")
    need_code: str = Field(description="A code of dictionary `need`.")
    organization_kind: Kind = Field(description="A code of dictionary `organization_kind`.")
    due_working_days: int = Field(description="Working days the receiver has.")


class DefaultIn(BaseModel):
    """The organisation that receives a kind's referrals for a region's households."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organization_kind": "red_cross",
                    "region_code": "500112001",
                    "organization_id": _ORGANIZATION,
                }
            ]
        },
    )

    organization_kind: Kind = Field(description="A code of dictionary `organization_kind`.")
    region_code: str = Field(
        pattern=CODE_PATTERN,
        description="The region whose households it serves (district, street, community or "
        "grid); a household's most specific region with a default wins.",
    )
    organization_id: uuid.UUID = Field(description="An organisation of that kind.")


class DefaultOut(BaseModel):
    """A default receiving organisation (DOMAIN 7)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": _DEFAULT,
                    "version": 1,
                    "organization_kind": "red_cross",
                    "region_code": "500112",
                    "organization_id": _ORGANIZATION,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Default id.")
    version: int = Field(description="Changes with every edit (ETag).")
    organization_kind: Kind = Field(description="A code of dictionary `organization_kind`.")
    region_code: str = Field(description="The region whose households it serves.")
    organization_id: uuid.UUID = Field(description="The receiving organisation.")
