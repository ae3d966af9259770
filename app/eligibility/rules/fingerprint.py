"""fingerprint(): a digest of every input of an assessment, so that a later edit of the ledger
shows as "inputs changed since" (DOMAIN 5).

The digest is of a canonical JSON: members sorted by person id, assets sorted by their own
canonical form, mappings by key, sets sorted, amounts as `exact.text` (equal values, equal
strings). The order the ledger returned rows in never changes it.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal

from app.eligibility.rules.exact import text
from app.eligibility.rules.inputs import AssetFacts, HouseholdInputs, Member

VERSION = 1
"""Part of the digest: a change of the canonical form changes every fingerprint."""


def canonical(inputs: HouseholdInputs) -> str:
    """The canonical JSON the fingerprint digests."""
    assets = None if inputs.assets is None else sorted(map(_asset, inputs.assets), key=_json)
    document = {
        "version": VERSION,
        "reference_date": inputs.reference_date.isoformat(),
        "members": sorted((_member(m) for m in inputs.members), key=_json),
        "income_by_month": {
            m.isoformat(): text(a) for m, a in sorted(inputs.income_by_month.items())
        },
        "rigid_by_kind": {k: text(a) for k, a in sorted(inputs.rigid_by_kind.items())},
        "assets": assets,
        "hukou_region_code": inputs.hukou_region_code,
        "district_code": inputs.district_code,
        "lived_in_city_since": _date(inputs.lived_in_city_since),
        "registered_types": sorted(inputs.registered_types),
    }
    return _json(document)


def fingerprint(inputs: HouseholdInputs) -> str:
    """sha256 hex of `canonical(inputs)`."""
    return hashlib.sha256(canonical(inputs).encode()).hexdigest()


def _member(member: Member) -> dict[str, str | None]:
    return {
        "person_id": str(member.person_id),
        "birth_date": member.birth_date.isoformat(),
        "health": member.health,
        "disability_grade": member.disability_grade,
        "employment": member.employment,
    }


def _asset(asset: AssetFacts) -> dict[str, str | int | None]:
    return {
        "kind": str(asset.kind),
        "ownership_share": text(asset.ownership_share),
        "value": _amount(asset.value),
        "area_m2": _amount(asset.area_m2),
        "vehicle_type": asset.vehicle_type,
        "count": asset.count,
    }


def _amount(amount: Decimal | None) -> str | None:
    return None if amount is None else text(amount)


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
