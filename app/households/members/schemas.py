"""Members of a household as the API shows and accepts them (DOMAIN 4)."""

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.dates import Day
from app.core.examples import EXAMPLE_ID_NUMBER
from app.core.id_numbers import IdNumberText
from app.core.masking import mask_id_number
from app.dictionaries.public import CodeOf

Relation = Annotated[str, CodeOf("relation_to_head")]
Employment = Annotated[str, CodeOf("employment_status")]
Education = Annotated[str, CodeOf("education_level")]
Health = Annotated[str, CodeOf("health_status")]
DisabilityType = Annotated[str, CodeOf("disability_type")]
DisabilityGrade = Annotated[str, CodeOf("disability_grade")]
ParentsSituation = Annotated[str, CodeOf("parents_situation")]
Schooling = Annotated[str, CodeOf("schooling_status")]
SexCode = Annotated[str, CodeOf("sex")]
Category = Annotated[str, CodeOf("vulnerability_category")]
Subtype = Annotated[str, CodeOf("vulnerability_subtype")]
Kinship = Annotated[str, CodeOf("kinship")]
LeftReason = Literal["deceased", "moved_out", "entered_in_error", "other", "transferred"]
"""Why a membership ended: a removal's reason, or `transferred` by a transfer."""
PHONE_PATTERN = r"^\+?[0-9][0-9-]{4,19}$"

_PERSON_EXAMPLE: dict[str, Any] = {
    "name": "张秀英",
    "id_number": EXAMPLE_ID_NUMBER,
    "relation_to_head": "parent",
    "phone": "13800000000",
    "employment": "retired",
    "education": "primary",
    "health": "chronic_illness",
    "caregiver": {"name": "张丽", "relation": "daughter", "phone": "13900000000"},
    "categories": [{"category": "elderly_in_distress", "subtype": "elderly_living_alone"}],
}


class PersonCategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category = Field(
        description="Vulnerability category (dictionary `vulnerability_category`)."
    )
    subtype: Subtype | None = Field(
        default=None, description="Subtype of that category (dictionary `vulnerability_subtype`)."
    )


class ContactIn(BaseModel):
    """A guardian or caregiver: who, how related to the member, and a phone."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "张丽", "relation": "daughter", "phone": "13900000000"}]
        },
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] = (
        Field(description="Full name (a person, or the organisation that is the guardian).")
    )
    relation: Kinship = Field(description="Relation to the member (dictionary `kinship`).")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="Phone number.")


class ContactOut(BaseModel):
    """A guardian or caregiver as this caller may see it: masked per role (DOMAIN 1, 4)."""

    name: str | None = Field(description="Name; masked for roles that may not see it.")
    relation: Kinship | None = Field(description="Dictionary `kinship`.")
    phone: str | None = Field(description="Phone; masked for roles that may not see it.")
    note: str | None = Field(
        description="What was written before guardians and caregivers had structure, when it "
        "could not be read as name, relation and phone; all asterisks for roles that may not "
        "see names and phones."
    )


class PersonDetails(BaseModel):
    """What staff record about a person besides name and ID number (DOMAIN 4)."""

    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="Phone number.")
    employment: Employment | None = Field(
        default=None, description="Dictionary `employment_status`."
    )
    education: Education | None = Field(default=None, description="Dictionary `education_level`.")
    health: Health | None = Field(default=None, description="Dictionary `health_status`.")
    disability_type: DisabilityType | None = Field(
        default=None, description="Dictionary `disability_type`."
    )
    disability_grade: DisabilityGrade | None = Field(
        default=None, description="Dictionary `disability_grade`."
    )
    guardian: ContactIn | None = Field(default=None, description="Guardian (监护人).")
    caregiver: ContactIn | None = Field(default=None, description="Caregiver (照料人).")
    parents_situation: ParentsSituation | None = Field(
        default=None,
        description="Parents' situation, for children (dictionary `parents_situation`).",
    )
    schooling: Schooling | None = Field(default=None, description="Dictionary `schooling_status`.")
    school: str | None = Field(default=None, max_length=100, description="School attended.")

    def stored(self, names: Iterable[str]) -> dict[str, Any]:
        """The named details as a person row stores them (a contact as a JSON object)."""
        values = {name: getattr(self, name) for name in names}
        return {
            name: value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value
            for name, value in values.items()
        }


DETAIL_FIELDS = tuple(PersonDetails.model_fields)
"""A person's details besides name and ID number, as staff record them."""


class MemberIn(PersonDetails):
    """A person joining a household; sex and birth date, if given, must match the ID number."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_PERSON_EXAMPLE]})

    name: str = Field(min_length=1, max_length=50, description="Full name.")
    id_number: IdNumberText = Field(description="National ID number (GB 11643, 18 characters).")
    sex: SexCode | None = Field(default=None, description="Checked against the ID number if given.")
    birth_date: Day | None = Field(
        default=None, description="Checked against the ID number if given."
    )
    relation_to_head: Relation = Field(description="Relation to the head (`self` for the head).")
    joined_on: Day | None = Field(
        default=None,
        description=(
            "Day the person joined (began living in) this household; default today, not in "
            "the future (422 `date_in_future`). Household size on a past date counts it."
        ),
    )
    categories: list[PersonCategoryIn] = Field(
        default_factory=list, max_length=10, description="Vulnerability categories of this person."
    )


class MemberPatch(PersonDetails):
    """Changes to a member; fields left out stay as they are, `null` clears one."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"health": "major_illness", "phone": None}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=50, description="Full name.")
    relation_to_head: Relation | None = Field(default=None, description="Relation to the head.")


class MembershipPatch(BaseModel):
    """A correction of when the person joined or left this household (back-dating allowed)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"joined_on": "2019-03-01", "reason": "户口簿记载 2019 年 3 月迁入"}]
        },
    )

    joined_on: Day | None = Field(
        default=None,
        description="Day the person joined (began living in) the household; not in the future.",
    )
    left_on: Day | None = Field(
        default=None,
        description=(
            "Day the person left, from which they no longer count; only for an ended "
            "membership (422 `membership_active`), on or after `joined_on` (422 "
            "`left_before_joined`), not in the future (422 `date_in_future`)."
        ),
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Why the dates are corrected (the evidence); kept in the household's history.",
    )


class MembershipOut(BaseModel):
    """A person's membership of a household: the days on which they count in it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "person_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "active": True,
                    "joined_on": "2019-03-01",
                    "left_on": None,
                    "left_reason": None,
                    "household_version": 8,
                }
            ]
        }
    )

    household_id: uuid.UUID = Field(description="Household id.")
    person_id: uuid.UUID = Field(description="Person id.")
    active: bool = Field(description="Whether the membership lasts.")
    joined_on: date = Field(description="First day the person counts in the household.")
    left_on: date | None = Field(
        description="First day the person no longer counts; null while the membership lasts."
    )
    left_reason: LeftReason | None = Field(description="Why the person left, once they did.")
    household_version: int = Field(
        description="The household's new version, also the response's ETag: the next write's If-Match."
    )


class MemberOut(BaseModel):
    """A member as this caller may see it: masked per role (DOMAIN 1, 4)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **{k: v for k, v in _PERSON_EXAMPLE.items() if k != "categories"},
                    "person_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "id_number": mask_id_number(EXAMPLE_ID_NUMBER),
                    "relation_to_head": "self",
                    "name": "张**",
                    "phone": "138****0000",
                    "sex": "female",
                    "birth_date": None,
                    "age": 74,
                    "is_head": True,
                    "joined_on": "2026-11-23",
                    "disability_type": None,
                    "disability_grade": None,
                    "guardian": None,
                    "caregiver": {
                        "name": "张*",
                        "relation": "daughter",
                        "phone": "139****0000",
                        "note": None,
                    },
                    "parents_situation": None,
                    "schooling": None,
                    "school": None,
                    "version": 1,
                }
            ]
        }
    )

    person_id: uuid.UUID = Field(description="Person id (stable across households).")
    name: str = Field(description="Name; masked for roles that may not see it.")
    id_number: str = Field(
        description="ID number; first 6 and last 4 only for roles that may not see it whole."
    )
    sex: SexCode = Field(description="Derived from the ID number (dictionary `sex`).")
    birth_date: date | None = Field(
        description="Derived from the ID number; null for roles that see the ID number masked."
    )
    age: int = Field(description="Age in whole years today (Asia/Shanghai).")
    phone: str | None = Field(description="Phone; masked for roles that may not see it.")
    relation_to_head: Relation = Field(
        description="Relation to the head (dictionary `relation_to_head`)."
    )
    is_head: bool = Field(description="Whether this member is the head of household.")
    joined_on: date = Field(description="Day the person joined this household.")
    employment: Employment | None = Field(description="Dictionary `employment_status`.")
    education: Education | None = Field(description="Dictionary `education_level`.")
    health: Health | None = Field(description="Dictionary `health_status`.")
    disability_type: DisabilityType | None = Field(description="Dictionary `disability_type`.")
    disability_grade: DisabilityGrade | None = Field(description="Dictionary `disability_grade`.")
    guardian: ContactOut | None = Field(description="Guardian (监护人).")
    caregiver: ContactOut | None = Field(description="Caregiver (照料人).")
    parents_situation: ParentsSituation | None = Field(
        description="Dictionary `parents_situation`."
    )
    schooling: Schooling | None = Field(description="Dictionary `schooling_status`.")
    school: str | None = Field(description="School attended.")
    version: int = Field(description="Version of the person record, for If-Match.")


class TransferIn(BaseModel):
    """Move a person to another household (人随户走)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "from_household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e10",
                    "to_household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "relation_to_head": "child",
                    "new_head_person_id": None,
                }
            ]
        },
    )

    from_household_id: uuid.UUID = Field(
        description="The household the person leaves, as the caller last saw it: if the person "
        "is no longer an active member of it (moved meanwhile), 409 `person_moved` with where "
        "the person is now, when the caller may see that household."
    )
    to_household_id: uuid.UUID = Field(description="The household the person moves to.")
    relation_to_head: Relation = Field(description="Relation to the head of the new household.")
    new_head_person_id: uuid.UUID | None = Field(
        default=None,
        description="When the person heads the old household: the member who takes over "
        "(their relation becomes `self`). Without it the old household is flagged `head_left`.",
    )


class PersonSearchIn(BaseModel):
    """Exact search by ID number (through the blind index; the number never goes in a URL)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"id_number": EXAMPLE_ID_NUMBER}]}
    )

    id_number: IdNumberText = Field(description="National ID number.")


class PersonMatch(BaseModel):
    """Where a person with that ID number is an active member, within the caller's scope."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "region_code": "500112001001001",
                    "name": "张秀英",
                }
            ]
        }
    )

    person_id: uuid.UUID = Field(description="Person id.")
    household_id: uuid.UUID = Field(description="The household the person is an active member of.")
    region_code: str = Field(description="That household's region.")
    name: str = Field(description="Name, masked for roles that may not see it.")
