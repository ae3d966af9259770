"""Pure identity rules: password policy and the scope a role needs."""

import re
from functools import cache
from pathlib import Path

from app.core.permissions import Role
from app.core.region_codes import RegionLevel, level_of

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
USERNAME_PATTERN = r"^[a-z][a-z0-9_.-]{2,63}$"
_USERNAME = re.compile(USERNAME_PATTERN)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, *, username: str, min_length: int) -> list[str]:
    """The code of each reason a password is refused; empty when acceptable."""
    problems: list[str] = []
    if len(password) < min_length:
        problems.append("password_too_short")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("!@#.") in common_passwords():
        problems.append("password_common")
    if username and username.lower() in lowered:
        problems.append("password_contains_username")
    if len(set(password)) < 4:
        problems.append("password_too_simple")
    return problems


def is_valid_username(username: str) -> bool:
    return bool(_USERNAME.fullmatch(username))


REQUIRED_SCOPE_LEVEL: dict[Role, RegionLevel] = {
    Role.district_officer: RegionLevel.district,
    Role.street_officer: RegionLevel.street,
    Role.community_worker: RegionLevel.community,
    Role.grid_worker: RegionLevel.grid,
}
"""Region roles work on a subtree rooted at a node of exactly this level (DOMAIN 1)."""

ORGANIZATION_ROLES = frozenset({Role.social_worker, Role.department_officer})
"""Roles that act for an organization, which their user must name."""


def scope_problems(role: Role, scope_region_code: str | None, has_organization: bool) -> list[str]:
    """The fields that do not fit the role: a scope of the wrong level or none, a missing
    organization, or the role itself (partner is for API clients, not users)."""
    problems: list[str] = []
    required = REQUIRED_SCOPE_LEVEL.get(role)
    if required is not None and (
        scope_region_code is None or level_of(scope_region_code) is not required
    ):
        problems.append("scope_region_code")
    if role in ORGANIZATION_ROLES and not has_organization:
        problems.append("organization_id")
    if role is Role.partner:
        problems.append("role")
    return problems
