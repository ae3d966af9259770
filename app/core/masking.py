"""The masking policy (DOMAIN 1, 4; Beijing 7), defined once for every schema.

ID numbers keep their first 6 and last 4 characters, phone numbers their
first 3 and last 4, names their first character; every other character
becomes `*`. Full values go only to roles whose work needs them; auditors
see them only under a live grant from a district officer.

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


_MASKS = {
    PersonalField.id_number: mask_id_number,
    PersonalField.phone: mask_phone,
    PersonalField.name: mask_name,
}

_CASEWORK = {Role.district_officer, Role.street_officer, Role.community_worker, Role.social_worker}
FULL_VIEW: dict[PersonalField, frozenset[Role]] = {
    PersonalField.id_number: frozenset(_CASEWORK),
    PersonalField.phone: frozenset(_CASEWORK | {Role.department_officer, Role.partner}),
    PersonalField.name: frozenset(_CASEWORK | {Role.department_officer, Role.partner}),
}
"""Who sees each field whole. Grid workers never do, even for what they entered
(DOMAIN 1); departments and partners get names and phones to deliver help but
not ID numbers; administrators see none."""


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
