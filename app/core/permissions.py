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


PEOPLE = frozenset(Role) - {Role.partner}
"""Roles held by people (users); `partner` is a system using client credentials."""

REGION_ROLES = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.grid_worker}
)
"""Roles whose scope is a region subtree."""

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
}


def is_allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]
