"""The masking policy (DOMAIN 1, 4; Beijing 7), defined once for every schema.

ID numbers keep their first 6 and last 4 characters, phone numbers their
first 3 and last 4, names their first character; every other character
becomes `*`. Free text that may hold names and phone numbers (what was
written about a guardian or caregiver before they had structure) is hidden
whole from anyone who may not see both. Full values go only to roles whose
work needs them; auditors see them only under a live grant from a district
officer.

The same policy says who may *give* a value: a role that sees a field
masked could confirm a guess of it by submitting it (a search by ID number,
a member entered with one, a file of them), so routes that take a field's
value refuse such roles (`core.auth.actor_for(..., takes=...)`).
"""

from dataclasses import dataclass
from enum import StrEnum

from app.core.permissions import Role


class PersonalField(StrEnum):
    id_number = "id_number"
    phone = "phone"
    name = "name"
    text = "text"
    """Free text that may name people and give their phone numbers."""


def mask_id_number(value: str) -> str:
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1)


def mask_text(value: str) -> str:
    """Every character: any of them may belong to a name or a phone number."""
    return "*" * len(value)


_MASKS = {
    PersonalField.id_number: mask_id_number,
    PersonalField.phone: mask_phone,
    PersonalField.name: mask_name,
    PersonalField.text: mask_text,
}

_CASEWORK = {Role.district_officer, Role.street_officer, Role.community_worker, Role.social_worker}
_NAMES = frozenset(_CASEWORK | {Role.department_officer, Role.partner})
_PHONES = frozenset(_CASEWORK | {Role.department_officer, Role.partner})
FULL_VIEW: dict[PersonalField, frozenset[Role]] = {
    PersonalField.id_number: frozenset(_CASEWORK),
    PersonalField.phone: _PHONES,
    PersonalField.name: _NAMES,
    PersonalField.text: _NAMES & _PHONES,
}
"""Who sees each field whole. Grid workers never do, even for what they entered
(DOMAIN 1); departments and partners get names and phones to deliver help but
not ID numbers; administrators see none. Free text goes whole only to those
who may see both names and phones."""


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role
    auditor_grant: bool = False

    def sees_full(self, field: PersonalField) -> bool:
        if self.role is Role.auditor:
            return self.auditor_grant
        return self.role in FULL_VIEW[field]


def shown(value: str | None, field: PersonalField, viewer: Viewer) -> str | None:
    """The value as this viewer may see it."""
    if value is None or viewer.sees_full(field):
        return value
    return _MASKS[field](value)
