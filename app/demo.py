"""`sanzhu seed-demo`: Yubei district with streets, communities, grids and organizations.

Idempotent: running it again changes nothing. Later domains add their demo
data here, through their own services.
"""

from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditContext
from app.core.config import ConfigurationError, Environment, Settings
from app.core.permissions import Role
from app.core.security import PasswordHasher
from app.identity import clients, users
from app.identity.schemas import UserCreate
from app.organizations import service as organizations
from app.regions import service as regions

DISTRICT = ("500112", "渝北区")
STREETS = {
    "500112001": ("双龙湖街道", {"500112001001": "百果园社区", "500112001002": "双湖社区"}),
    "500112002": ("双凤桥街道", {"500112002001": "空港社区", "500112002002": "双凤社区"}),
}
GRIDS = ("第一网格", "第二网格")

DISTRICT_ORGANIZATIONS = (
    ("civil_affairs_bureau", "渝北区民政局"),
    ("assistance_guidance_center", "渝北区困难群众救助服务指导中心"),
    ("finance", "渝北区财政局"),
    ("hr_social_security", "渝北区人力资源和社会保障局"),
    ("health", "渝北区卫生健康委员会"),
    ("housing", "渝北区住房和城乡建设委员会"),
    ("education", "渝北区教育委员会"),
    ("medical_security", "渝北区医疗保障局"),
    ("rural_affairs", "渝北区农业农村委员会"),
    ("red_cross", "渝北区红十字会"),
    ("charity_federation", "渝北区慈善会"),
    ("foundation", "渝北区扶贫济困基金会"),
    ("enterprise_institution", "渝北区供水有限公司"),
    ("social_service_organization", "渝北区邻里互助服务中心"),
    ("deputies", "渝北区两代表一委员工作室"),
    ("designated_hospital", "渝北区人民医院"),
    ("social_work_agency", "渝北区同心社会工作服务中心"),
    ("social_work_agency", "渝北区暖阳社会工作服务社"),
)


DEFAULT_DEMO_PASSWORD = "Sanzhu-Demo-2026"  # noqa: S105 - documented, development only


def demo_password(settings: Settings) -> str:
    """SANZHU_DEMO_PASSWORD, or in development a documented default; production must set it."""
    if settings.demo_password is not None:
        return settings.demo_password.get_secret_value()
    if settings.environment is Environment.production:
        raise ConfigurationError("seed-demo in production needs SANZHU_DEMO_PASSWORD")
    return DEFAULT_DEMO_PASSWORD


DEMO_USERS = (
    ("admin", "系统管理员", Role.admin, None, None),
    ("district_officer", "区民政局干部", Role.district_officer, "500112", None),
    ("street_officer", "双龙湖街道干部", Role.street_officer, "500112001", None),
    ("street_officer_2", "双凤桥街道干部", Role.street_officer, "500112002", None),
    ("community_worker", "百果园社区工作者", Role.community_worker, "500112001001", None),
    ("grid_worker", "百果园第一网格员", Role.grid_worker, "500112001001001", None),
    ("social_worker", "同心社工", Role.social_worker, None, "渝北区同心社会工作服务中心"),
    ("social_worker_2", "暖阳社工", Role.social_worker, None, "渝北区暖阳社会工作服务社"),
    ("department_officer", "区红十字会工作人员", Role.department_officer, None, "渝北区红十字会"),
    ("auditor", "监督审计员", Role.auditor, None, None),
)
DEMO_CLIENTS = (
    ("red-cross", "区红十字会救助系统", "渝北区红十字会"),
    ("charity-federation", "区慈善会救助系统", "渝北区慈善会"),
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    regions: int
    organizations: int
    users: int
    clients: int


async def seed_demo(session: AsyncSession, hasher: PasswordHasher, password: str) -> DemoSummary:
    region_count = 0
    await regions.save_region(session, *DISTRICT)
    region_count += 1
    district_code = DISTRICT[0]
    for street_code, (street_name, communities) in STREETS.items():
        await regions.save_region(session, street_code, street_name)
        region_count += 1
        for community_code, community_name in communities.items():
            await regions.save_region(session, community_code, community_name)
            region_count += 1
            for index, grid_name in enumerate(GRIDS, start=1):
                await regions.save_region(
                    session, f"{community_code}{index:03d}", f"{community_name}{grid_name}"
                )
                region_count += 1

    bureau = None
    organization_count = 0
    for kind, name in DISTRICT_ORGANIZATIONS:
        parent = bureau.id if bureau is not None and kind == "assistance_guidance_center" else None
        organization = await organizations.ensure(
            session, kind=kind, name=name, region_code=district_code, parent_id=parent
        )
        bureau = organization if kind == "civil_affairs_bureau" else bureau
        organization_count += 1
    for street_code, (street_name, communities) in STREETS.items():
        office = await organizations.ensure(
            session, kind="street_office", name=f"{street_name}办事处", region_code=street_code
        )
        await organizations.ensure(
            session,
            kind="street_assistance_station",
            name=f"{street_name}困难群众救助服务所",
            region_code=street_code,
            parent_id=office.id,
        )
        organization_count += 2
        for community_code, community_name in communities.items():
            await organizations.ensure(
                session,
                kind="residents_committee",
                name=f"{community_name}居民委员会",
                region_code=community_code,
            )
            organization_count += 1
    context = AuditContext(actor="cli", role=None, address=None, user_agent="sanzhu seed-demo")
    district_orgs = {
        name: await organizations.ensure(session, kind=kind, name=name, region_code=district_code)
        for kind, name in DISTRICT_ORGANIZATIONS
    }
    for username, name, role, scope, org_name in DEMO_USERS:
        if await users.find(session, username) is None:
            organization_id = district_orgs[org_name].id if org_name else None
            data = UserCreate(
                username=username,
                display_name=name,
                role=role,
                scope_region_code=scope,
                organization_id=organization_id,
                password=SecretStr(password),
            )
            await users.create(session, context, hasher, data, min_length=1)
    for client_id, name, org_name in DEMO_CLIENTS:
        await clients.ensure_with_secret(
            session, context, client_id, name, district_orgs[org_name].id, password
        )
    return DemoSummary(
        regions=region_count,
        organizations=organization_count,
        users=len(DEMO_USERS),
        clients=len(DEMO_CLIENTS),
    )
