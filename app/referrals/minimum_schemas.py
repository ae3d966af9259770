"""The household data a referral carries to its receiver, as the API shows it
(`referrals.minimum_data`)."""

import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.dictionaries.public import CodeOf

Relation = Annotated[str, CodeOf("relation_to_head")]
Sex = Annotated[str, CodeOf("sex")]
Health = Annotated[str, CodeOf("health_status")]
DisabilityType = Annotated[str, CodeOf("disability_type")]
DisabilityGrade = Annotated[str, CodeOf("disability_grade")]
Schooling = Annotated[str, CodeOf("schooling_status")]
AgeBand = Literal["0-5", "6-17", "18-59", "60-79", "80+"]
"""`consents.public.AGE_BANDS`."""


class SharingBasis(StrEnum):
    """Why the receiver gets what it gets (PIPL art. 23)."""

    government = "government"
    """A government department, for its statutory duty: its whole list."""
    consent = "consent"
    """The household's consent in force: the items of the list its scope covers."""
    no_consent = "no_consent"
    """No consent in force: de-identified data only."""
    not_receiver = "not_receiver"
    """Read by an organisation that is not the receiver (a partner that pushed the referral
    in): de-identified data only, the receiver's grounds are not the reader's."""
    closed = "closed"
    """Read by an organisation after the referral closed: de-identified data only, the
    household's data went to it for the work, which is over."""


class Item(StrEnum):
    """An item of an organisation kind's minimum data list."""

    head_name = "head_name"
    contact_phone = "contact_phone"
    address = "address"
    members = "members"
    health_disability = "health_disability"
    school_age_children = "school_age_children"


class MemberShared(BaseModel):
    """A member as the household's composition shows them: no name."""

    relation_to_head: Relation = Field(
        description="Relation to the head (dictionary `relation_to_head`)."
    )
    sex: Sex = Field(description="Sex (dictionary `sex`).")
    age: int = Field(description="Age in full years today.")


class HealthShared(BaseModel):
    """A member with an illness or a disability, known by relation and age band only."""

    relation_to_head: Relation = Field(
        description="Relation to the head (dictionary `relation_to_head`)."
    )
    age_band: AgeBand = Field(description="Age band (`0-5`, `6-17`, `18-59`, `60-79`, `80+`).")
    health: Health | None = Field(description="Health status (dictionary `health_status`).")
    disability_type: DisabilityType | None = Field(
        description="Disability type (dictionary `disability_type`), if any."
    )
    disability_grade: DisabilityGrade | None = Field(
        description="Disability grade (dictionary `disability_grade`), if any."
    )


class ChildShared(BaseModel):
    """A school-age member (6 to 17 full years)."""

    name: str = Field(description="Name (masked for roles that see names masked).")
    age: int = Field(description="Age in full years today.")
    schooling: Schooling | None = Field(
        description="Schooling status (dictionary `schooling_status`)."
    )


class HouseholdDataOut(BaseModel):
    """The minimum household data the referral carries to its receiver (DOMAIN 7): the list
    of the receiver's kind, whole for a government department, else only what the
    household's consent in force covers, the rest de-identified; masked for your role.
    Staff see what the receiver sees."""

    basis: SharingBasis = Field(
        description="`government`: the whole list; `consent`: the items the consent's scope "
        "covers; `no_consent`: de-identified data only."
    )
    consent_id: uuid.UUID | None = Field(description="The consent relied on, when `consent`.")
    listed: list[Item] = Field(description="The items the receiver's kind needs.")
    withheld: list[Item] = Field(
        description="Items of the list not given: no consent, or outside its scope."
    )
    street_code: str = Field(description="The household's street (9-digit region code).")
    need_code: str = Field(description="The need referred (dictionary `need`).")
    head_age_band: AgeBand | None = Field(description="The head's age band.")
    head_name: str | None = Field(description="The head's name, when given.")
    contact_phone: str | None = Field(description="The head's phone, when given.")
    address: str | None = Field(description="The household's address, when given.")
    members: list[MemberShared] | None = Field(
        description="Every member's relation, sex and age, when given."
    )
    health_disability: list[HealthShared] | None = Field(
        description="The members with an illness or a disability, when given."
    )
    school_age_children: list[ChildShared] | None = Field(
        description="The members of 6 to 17 full years, when given."
    )
