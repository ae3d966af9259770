"""Rules of a ledger record that need no database (DOMAIN 3-4; Yubei 3(1)).

Shared by the API (service, members) and the bulk import, so a record is
held to the same rules whichever way it enters the ledger. Each rule raises
the same 422 field error the API reports, at the `loc` the caller gives.
"""

from collections.abc import Sequence
from datetime import date

from app.core.errors import ValidationFailed
from app.core.field_messages import object_named
from app.core.id_numbers import IdNumber, InvalidIdNumber, parse_id_number
from app.core.region_codes import RegionLevel, is_division_code, is_within, level_of
from app.dictionaries import public as dictionaries
from app.households.members.schemas import MemberIn
from app.households.record.schemas import HouseholdFields

Loc = list[str | int]


def check_region(code: str, scope: str | None, *, exists: bool, loc: Loc) -> None:
    """A household lives in an existing community or grid within the caller's jurisdiction
    (DOMAIN 2); one outside it is a refusal, audited (`core.refusals`)."""
    if level_of(code) not in (RegionLevel.community, RegionLevel.grid):
        raise ValidationFailed.at(loc, "region_level")
    if not exists:
        raise ValidationFailed.at(loc, "not_found", **object_named("区划", "region"))
    if scope is None or not is_within(code, scope):
        raise ValidationFailed.at(loc, "region_out_of_scope").refusing(region_code=code)


def check_subtype(category: str, subtype: str | None, loc: Loc) -> None:
    """A subtype belongs to the category it is given with (Beijing 1)."""
    if subtype is not None and dictionaries.group_of("vulnerability_subtype", subtype) != category:
        raise ValidationFailed.at(loc, "subtype_mismatch")


def check_head_count(relations: Sequence[str], loc: Loc) -> None:
    """A household entered with its members has exactly one head (`self`) (DOMAIN 4)."""
    if relations and sum(1 for r in relations if r == "self") != 1:
        raise ValidationFailed.at(loc, "head_count")


def parse_id(raw: str, today: date, loc: Loc) -> IdNumber:
    """An ID number per GB 11643; the error's code names the rule that failed (DOMAIN 4)."""
    try:
        return parse_id_number(raw, today=today)
    except InvalidIdNumber as exc:
        raise ValidationFailed.at([*loc, "id_number"], exc.code) from None


def parse_member_id(data: MemberIn, today: date, loc: Loc) -> IdNumber:
    """The member's ID number per GB 11643; a sex or birth date given must match it (DOMAIN 4)."""
    parsed = parse_id(data.id_number, today, loc)
    check_not_future(data.joined_on, today, [*loc, "joined_on"])
    if data.sex is not None and data.sex != parsed.sex.value:
        raise ValidationFailed.at([*loc, "sex"], "sex_mismatch")
    if data.birth_date is not None and data.birth_date != parsed.birth_date:
        raise ValidationFailed.at([*loc, "birth_date"], "birth_date_mismatch")
    return parsed


def check_not_future(day: date | None, today: date, loc: Loc) -> None:
    """A date that records what happened (settled since, joined, left) is not after today."""
    if day is not None and day > today:
        raise ValidationFailed.at(loc, "date_in_future")


def check_record_fields(fields: HouseholdFields, today: date, loc: Loc) -> None:
    """The record's inputs the eligibility rules read (DOMAIN 4-5): a hukou place that is a
    real national division code, and a settled-since date not after today."""
    code = fields.hukou_region_code
    if code is not None and not is_division_code(code):
        raise ValidationFailed.at([*loc, "hukou_region_code"], "division_code_invalid")
    check_not_future(fields.settled_since, today, [*loc, "settled_since"])
