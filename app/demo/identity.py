"""Demo users, one per role, and the partner API clients (README's table of demo users)."""

import uuid

from pydantic import SecretStr

from app.core.audit import AuditContext
from app.core.config import ConfigurationError, Environment, Settings
from app.core.db import WriteSession
from app.core.permissions import Role
from app.core.security import PasswordHasher
from app.core.services import Services
from app.demo.regions import DISTRICT
from app.identity.public import UserCreate, create_user, ensure_client_with_secret, find_user
from app.organizations.public import ensure_organization

DEFAULT_DEMO_PASSWORD = "Sanzhu-Demo-2026"  # noqa: S105 - documented, development only

DEMO_USERS = (
    ("admin", "系统管理员", Role.admin, None, None),
    ("district_officer", "区民政局干部", Role.district_officer, "500112", None),
    ("street_officer", "双龙湖街道干部", Role.street_officer, "500112001", None),
    ("street_officer_2", "双凤桥街道干部", Role.street_officer, "500112002", None),
    ("community_worker", "百果园社区工作者", Role.community_worker, "500112001001", None),
    ("grid_worker", "百果园第一网格员", Role.grid_worker, "500112001001001", None),
    ("community_worker_2", "空港社区工作者", Role.community_worker, "500112002001", None),
    (
        "social_worker",
        "同心社工",
        Role.social_worker,
        None,
        ("social_work_agency", "渝北区同心社会工作服务中心"),
    ),
    (
        "social_worker_2",
        "暖阳社工",
        Role.social_worker,
        None,
        ("social_work_agency", "渝北区暖阳社会工作服务社"),
    ),
    (
        "department_officer",
        "区红十字会工作人员",
        Role.department_officer,
        None,
        ("red_cross", "渝北区红十字会"),
    ),
    ("auditor", "监督审计员", Role.auditor, None, None),
)
DEMO_CLIENTS = (
    ("red-cross", "区红十字会救助系统", ("red_cross", "渝北区红十字会")),
    ("charity-federation", "区慈善会救助系统", ("charity_federation", "渝北区慈善会")),
)


def demo_password(settings: Settings) -> str:
    """SANZHU_DEMO_PASSWORD, or in development a documented default; production must set it."""
    if settings.demo_password is not None:
        return settings.demo_password.get_secret_value()
    if settings.environment is Environment.production:
        raise ConfigurationError("seed-demo in production needs SANZHU_DEMO_PASSWORD")
    return DEFAULT_DEMO_PASSWORD


async def save_all(session: WriteSession, hasher: PasswordHasher, password: str) -> None:
    """The demo users and API clients in the caller's transaction (those missing)."""
    context = AuditContext(actor="cli", role=None, address=None, user_agent="sanzhu seed-demo")

    async def organization(kind_and_name: tuple[str, str]) -> uuid.UUID:
        kind, name = kind_and_name
        found = await ensure_organization(session, kind=kind, name=name, region_code=DISTRICT[0])
        return found.id

    for username, name, role, scope, org in DEMO_USERS:
        if await find_user(session, username) is not None:
            continue
        data = UserCreate(
            username=username,
            display_name=name,
            role=role,
            scope_region_code=scope,
            organization_id=await organization(org) if org else None,
            password=SecretStr(password),
        )
        await create_user(session, context, hasher, data, min_length=1)
    for client_id, name, org in DEMO_CLIENTS:
        await ensure_client_with_secret(
            session, context, client_id, name, await organization(org), password
        )


async def seed(services: Services, password: str) -> str:
    async with services.database.sessionmaker() as session, session.begin():
        await save_all(session, services.password_hasher, password)
    return f"{len(DEMO_USERS)} users and {len(DEMO_CLIENTS)} API clients"
