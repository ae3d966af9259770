"""Policy versions (DOMAIN 5): drafts edited by district officers in their jurisdiction,
published when final, retired when replaced.

A published version never changes again: only `retire` applies to it, and a retired one is
history. Assessments only ever use published versions (`in_force`), so a version that an
assessment used can no longer change, and the assessment's figures stay explainable.

Published versions of one region never share a day (409 `policy_overlap`, checked at
publishing under a per-region lock). Versions of nested regions may: the most specific
region's version wins where both apply (`in_force`).
"""

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

from app.core import audit, events
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.permissions import Role
from app.core.region_codes import ancestors_and_self, is_within
from app.dictionaries.public import unknown_codes
from app.eligibility.models import PolicyVersion
from app.eligibility.policies import repository
from app.eligibility.policies.errors import PolicyNotDraft, PolicyOverlap
from app.eligibility.policies.schemas import AssetLimits, PolicyIn, PolicyPatch, Weights
from app.eligibility.policies.states import MACHINE, PolicyVersionStatus, Step
from app.eligibility.terms import AssetLimits as TermsAssetLimits
from app.eligibility.terms import Factor, PolicyTerms
from app.regions.public import region_exists

OBJECT = "policy_version"
PUBLISHED = "policy_version.published"
RETIRED = "policy_version.retired"
"""Domain events: a version came into force or left it (thin payloads: ids, region, window)."""
_BODY = "body"
_READ_ALL = frozenset({Role.admin, Role.social_worker, Role.auditor})
_NO_REGION = "000000"
_WEIGHT_COLUMNS = {factor: f"weight_{factor.value}" for factor in Factor}
_LIMIT_COLUMNS = {
    "financial_per_capita": "asset_financial_per_capita",
    "vehicles": "asset_vehicles",
    "exempt_vehicle_types": "asset_exempt_vehicle_types",
    "real_estate_units": "asset_real_estate_units",
    "real_estate_area_per_capita": "asset_real_estate_area_per_capita",
}


def _by(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


def read_scope(actor: Actor) -> str | None:
    """Region staff read the versions that bear on their region (its own, its ancestors',
    its subtree's); the other roles that read policy (admin, social workers, auditors) read
    every version: policy is no personal data."""
    if actor.principal.role in _READ_ALL:
        return None
    # Identity gives every region role a scope; without one, a code that names no region.
    return actor.principal.scope_region or _NO_REGION


def _readable(actor: Actor, version: PolicyVersion) -> bool:
    scope = read_scope(actor)
    if scope is None:
        return True
    code = version.region_code
    return code in ancestors_and_self(scope) or is_within(code, scope)


def _writable(actor: Actor, code: str) -> bool:
    """A district officer writes the versions of its jurisdiction: its region's subtree."""
    scope = actor.principal.scope_region
    return scope is not None and is_within(code, scope)


async def visible(
    session: ReadSession,
    actor: Actor,
    version_id: uuid.UUID,
    *,
    for_update: bool = False,
    writing: bool = False,
) -> PolicyVersion:
    """The version if the actor may read it (or, `writing`, change it); 404 otherwise, a
    refusal when it exists."""
    found = await repository.get(session, version_id, for_update=for_update)
    allowed = found is not None and (
        _writable(actor, found.region_code) if writing else _readable(actor, found)
    )
    if found is None or not allowed:
        error = NotFound("政策版本", "policy version")
        if found is not None:
            raise error.refusing(
                object_type=OBJECT, object_id=str(version_id), region_code=found.region_code
            )
        raise error
    return found


def _loc(*names: str | int) -> list[str | int]:
    return [_BODY, *names]


async def _check(session: ReadSession, version: PolicyVersion) -> None:
    """The figures make sense together (DOMAIN 5): a window that ends on or after it starts;
    floor <= income ceiling <= expenditure ceiling; weights adding up to 100; rigid kinds that
    the dictionary knows, each once."""
    if version.effective_to is not None and version.effective_to < version.effective_from:
        raise ValidationFailed.at(
            _loc("effective_to"), "too_early", earliest=version.effective_from.isoformat()
        )
    if version.income_floor > version.income_ceiling:
        raise ValidationFailed.at(_loc("income_floor"), "multiplier_order")
    if version.income_ceiling > version.expenditure_ceiling:
        raise ValidationFailed.at(_loc("expenditure_ceiling"), "multiplier_order")
    total = sum(getattr(version, column) for column in _WEIGHT_COLUMNS.values())
    if total != 100:
        raise ValidationFailed.at(_loc("weights"), "weights_total", total=total)
    kinds = version.rigid_kinds
    for index, kind in enumerate(kinds):
        if kind in kinds[:index]:
            raise ValidationFailed.at(_loc("rigid_kinds", index), "duplicate")
    unknown = await unknown_codes(session, "rigid_expenditure_kind", kinds)
    if unknown:
        raise ValidationFailed.at(_loc("rigid_kinds", kinds.index(unknown[0])), "unknown_code")


def _assign(version: PolicyVersion, fields: dict[str, Any]) -> list[str]:
    """Set the given fields on the row; the names of those that changed."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "weights":
            values.update({_WEIGHT_COLUMNS[Factor(k)]: v for k, v in value.items()})
        elif name == "asset_limits":
            values.update({_LIMIT_COLUMNS[k]: v for k, v in value.items()})
        else:
            values[name] = value
    changed = []
    for column, value in values.items():
        if getattr(version, column, None) != value:
            setattr(version, column, value)
            changed.append(column)
    return sorted(changed)


def _fields(data: PolicyIn | PolicyPatch, names: set[str]) -> dict[str, Any]:
    """The given fields as the row takes them (weights and limits as plain dicts)."""
    found: dict[str, Any] = {}
    for name in names:
        value = getattr(data, name)
        if isinstance(value, Weights | AssetLimits):
            value = value.model_dump()
        found[name] = value
    return found


async def create(session: WriteSession, actor: Actor, data: PolicyIn) -> PolicyVersion:
    """A new draft in the actor's jurisdiction (an existing region within it)."""
    if not await region_exists(session, data.region_code):
        raise ValidationFailed.at(
            _loc("region_code"), "not_found", **object_named("区划", "region")
        )
    if not _writable(actor, data.region_code):
        raise ValidationFailed.at(_loc("region_code"), "region_out_of_scope").refusing(
            region_code=data.region_code
        )
    version = PolicyVersion(
        status=PolicyVersionStatus.draft.value, created_by=_by(actor), updated_by=_by(actor)
    )
    _assign(version, _fields(data, set(PolicyIn.model_fields)))
    await _check(session, version)
    session.add(version)
    await session.flush()
    await _audited(session, actor, version, "create", sorted(data.model_fields_set))
    return version


async def update(
    session: WriteSession,
    actor: Actor,
    version_id: uuid.UUID,
    data: PolicyPatch,
    expected_version: int,
) -> PolicyVersion:
    """Change a draft (If-Match); a published or retired version never changes (409)."""
    version = await visible(session, actor, version_id, for_update=True, writing=True)
    check_version(expected_version, version.version)
    if version.status != PolicyVersionStatus.draft.value:
        raise PolicyNotDraft(version.status, MACHINE.allowed(PolicyVersionStatus(version.status)))
    nulls = {name for name in data.model_fields_set if getattr(data, name) is None}
    nulls -= {"description", "effective_to"}
    if nulls:
        raise ValidationFailed.at(_loc(sorted(nulls)[0]), "missing")
    changed = _assign(version, _fields(data, data.model_fields_set))
    await _check(session, version)
    if changed:
        version.version += 1
        version.updated_by = _by(actor)
        await session.flush()
    await _audited(session, actor, version, "update", changed)
    return version


async def act(
    session: WriteSession, actor: Actor, version_id: uuid.UUID, step: Step, expected_version: int
) -> PolicyVersion:
    """Publish a draft (no overlap with a published version of its region) or retire a
    published version (If-Match)."""
    version = await visible(session, actor, version_id, for_update=True, writing=True)
    check_version(expected_version, version.version)
    after = MACHINE.next(PolicyVersionStatus(version.status), step)
    if step is Step.publish:
        await repository.lock_region(session, version.region_code)
        conflicting = await repository.first_overlapping(session, version)
        if conflicting is not None:
            raise PolicyOverlap(
                conflicting.id, conflicting.effective_from, conflicting.effective_to
            )
        version.published_at, version.published_by = utcnow(), _by(actor)
    else:
        version.retired_at, version.retired_by = utcnow(), _by(actor)
    version.status = after.value
    version.version += 1
    version.updated_by = _by(actor)
    await session.flush()
    await _audited(session, actor, version, step.value, ["status"])
    events.publish(session, PUBLISHED if step is Step.publish else RETIRED, _payload(version))
    return version


def _payload(version: PolicyVersion) -> dict[str, Any]:
    return {
        "policy_version_id": str(version.id),
        "region_code": version.region_code,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": None if version.effective_to is None else version.effective_to.isoformat(),
        "version": version.version,
    }


async def _audited(
    session: WriteSession, actor: Actor, version: PolicyVersion, step: str, changed: list[str]
) -> None:
    await audit.record(
        session,
        actor.context,
        f"policy_version.{step}",
        object_type=OBJECT,
        object_id=str(version.id),
        region_code=version.region_code,
        changed_fields=changed,
    )


async def in_force(session: ReadSession, region_code: str, day: date) -> PolicyVersion | None:
    """The policy in force on `day` in `region_code` (DOMAIN 5): of the published versions
    whose window holds the day, the one of the most specific region on the way from the
    district down to `region_code`; None when no version applies."""
    found = await repository.published_on(session, ancestors_and_self(region_code), day)
    return most_specific(found, region_code)


class Regional(Protocol):
    @property
    def region_code(self) -> str: ...


R = TypeVar("R", bound=Regional)


def most_specific(versions: Iterable[R], region_code: str) -> R | None:
    """Of `versions` (published, in force on one day), the one that applies in `region_code`:
    of its own region or an ancestor's, the most specific; None when none applies."""
    path = set(ancestors_and_self(region_code))
    applying = (version for version in versions if version.region_code in path)
    return max(applying, key=lambda version: len(version.region_code), default=None)


async def in_force_over(session: ReadSession, region_code: str, day: date) -> list[PolicyVersion]:
    """Every published version in force on `day` that may apply somewhere in the subtree of
    `region_code` (its own region's, its ancestors', its subregions'): with `most_specific`,
    the policy of each household of the subtree, read once for all of them."""
    return await repository.published_bearing_on(session, region_code, day)


def terms_of(version: PolicyVersion) -> PolicyTerms:
    """The figures of a stored version as the rules read them."""
    return PolicyTerms(
        dibao_standard=version.dibao_standard,
        income_floor=version.income_floor,
        income_ceiling=version.income_ceiling,
        expenditure_ceiling=version.expenditure_ceiling,
        expenditure_ratio=version.expenditure_ratio,
        residency_years=version.residency_years,
        rigid_kinds=frozenset(version.rigid_kinds),
        asset_limits=TermsAssetLimits(
            financial_per_capita=version.asset_financial_per_capita,
            vehicles=version.asset_vehicles,
            exempt_vehicle_types=frozenset(version.asset_exempt_vehicle_types),
            real_estate_units=version.asset_real_estate_units,
            real_estate_area_per_capita=version.asset_real_estate_area_per_capita,
        ),
        weights={factor: getattr(version, column) for factor, column in _WEIGHT_COLUMNS.items()},
    )


async def count(session: ReadSession) -> int:
    """How many versions there are, of any status (the demo seeds only into an empty table)."""
    return await repository.count(session)
