"""Who may do what: the permission table (DOMAIN 1), in one place.

A route names the action it performs; `require(action)` refuses a role that
may never perform it with 403. *Which* objects a permitted role may touch is
the scope's business (core/scope.py), answered with 404.
"""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    district_officer = "district_officer"
    street_officer = "street_officer"
    community_worker = "community_worker"
    grid_worker = "grid_worker"
    social_worker = "social_worker"
    department_officer = "department_officer"
    partner = "partner"
    auditor = "auditor"


class Action(StrEnum):
    reference_read = "reference:read"
    reference_write = "reference:write"
    users_manage = "users:manage"
    own_account = "account:self"
    api_clients_manage = "api_clients:manage"
    lockouts_manage = "lockouts:manage"
    audit_read = "audit:read"
    auditor_grants_issue = "auditor_grants:issue"
    auditor_grants_read = "auditor_grants:read"
    confidentiality_manage = "confidentiality:manage"
    households_read = "households:read"
    households_create = "households:create"
    households_write = "households:write"
    households_exit = "households:exit"
    households_assign = "households:assign"
    households_pair = "households:pair"
    ledger_quality_read = "ledger_quality:read"
    imports_run = "imports:run"
    staff_read = "staff:read"


PEOPLE = frozenset(Role) - {Role.partner}
"""Roles held by people (users); `partner` is a system using client credentials."""

REGION_ROLES = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.grid_worker}
)
"""Roles whose scope is a region subtree."""

_LEDGER_READERS = REGION_ROLES | {Role.social_worker}
"""Who works with ledger records: region staff in their subtree, social workers
on assigned households. District officers read and spot-check; they do not edit."""

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.reference_read: frozenset(Role),
    Action.reference_write: frozenset({Role.admin}),
    Action.users_manage: frozenset({Role.admin}),
    Action.own_account: PEOPLE,
    Action.api_clients_manage: frozenset({Role.admin}),
    Action.lockouts_manage: frozenset({Role.admin}),
    Action.audit_read: frozenset({Role.auditor, Role.district_officer}),
    Action.auditor_grants_issue: frozenset({Role.district_officer}),
    Action.auditor_grants_read: frozenset({Role.district_officer, Role.auditor}),
    Action.confidentiality_manage: frozenset({Role.district_officer, Role.street_officer}),
    # Auditors read only what a live grant opens to them (core.reach), and never write.
    Action.households_read: _LEDGER_READERS | {Role.auditor},
    # Grid workers read their grid masked and enter no one into the ledger
    # (DOMAIN 4), by form or by file: entering a person takes an ID number,
    # and a role that sees ID numbers masked may not give one (core.masking).
    Action.households_create: frozenset({Role.street_officer, Role.community_worker}),
    Action.households_write: _LEDGER_READERS - {Role.district_officer},
    Action.households_exit: frozenset({Role.street_officer, Role.community_worker}),
    Action.households_assign: frozenset({Role.street_officer}),
    Action.households_pair: frozenset({Role.street_officer, Role.community_worker}),
    Action.ledger_quality_read: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
    ),
    Action.imports_run: frozenset({Role.street_officer, Role.community_worker}),
    # The staff directory: who works within one's reach (identity.directory decides the
    # reach); admins manage users at /users instead, auditors and partners have no use for it.
    Action.staff_read: REGION_ROLES | {Role.social_worker, Role.department_officer},
}


def is_allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]
