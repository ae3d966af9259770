"""Shaping a member for an actor: masked per role (DOMAIN 1, 4)."""

import uuid
from typing import Any

from sqlalchemy import Row

from app.core.auth import Actor
from app.core.masking import PersonalField, Viewer, shown
from app.households.contacts import shown_contact
from app.households.members.schemas import ContactOut, MemberOut
from app.households.plausibility import age_on


def _contact_out(value: Any, viewer: Viewer) -> ContactOut | None:
    contact = shown_contact(value, viewer)
    return None if contact is None else ContactOut(**contact)


def member_out(actor: Actor, head_person_id: uuid.UUID | None, member: Row[Any]) -> MemberOut:
    """A member for this actor, from a row of `MEMBER_ROWS`: its membership's relation and
    joining date with its person's columns."""
    viewer = actor.viewer
    id_number = actor.services.vault.open(member.id_number_cipher)
    full_id = viewer.sees_full(PersonalField.id_number)
    return MemberOut(
        person_id=member.id,
        name=shown(member.name, PersonalField.name, viewer) or "",
        id_number=shown(id_number, PersonalField.id_number, viewer) or "",
        sex=member.sex,
        birth_date=member.birth_date if full_id else None,
        age=age_on(member.birth_date, actor.today),
        phone=shown(member.phone, PersonalField.phone, viewer),
        relation_to_head=member.relation_to_head,
        is_head=head_person_id == member.id,
        joined_on=member.joined_on,
        employment=member.employment,
        education=member.education,
        health=member.health,
        disability_type=member.disability_type,
        disability_grade=member.disability_grade,
        guardian=_contact_out(member.guardian, viewer),
        caregiver=_contact_out(member.caregiver, viewer),
        parents_situation=member.parents_situation,
        schooling=member.schooling,
        school=member.school,
        version=member.version,
    )
