"""Demo organisations: district departments and partners, and each street's and community's own."""

from app.core.db import WriteSession
from app.core.services import Services
from app.demo.regions import DISTRICT, STREETS
from app.organizations.public import ensure_organization

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


async def save_all(session: WriteSession) -> int:
    """The demo organisations in the caller's transaction; how many there are."""
    district = DISTRICT[0]
    count = 0
    bureau = None
    for kind, name in DISTRICT_ORGANIZATIONS:
        parent = bureau.id if bureau is not None and kind == "assistance_guidance_center" else None
        organization = await ensure_organization(
            session, kind=kind, name=name, region_code=district, parent_id=parent
        )
        bureau = organization if kind == "civil_affairs_bureau" else bureau
        count += 1
    for street_code, (street_name, communities) in STREETS.items():
        office = await ensure_organization(
            session, kind="street_office", name=f"{street_name}办事处", region_code=street_code
        )
        await ensure_organization(
            session,
            kind="street_assistance_station",
            name=f"{street_name}困难群众救助服务所",
            region_code=street_code,
            parent_id=office.id,
        )
        count += 2
        for community_code, community_name in communities.items():
            await ensure_organization(
                session,
                kind="residents_committee",
                name=f"{community_name}居民委员会",
                region_code=community_code,
            )
            count += 1
    return count


async def seed(services: Services, _password: str) -> str:
    async with services.database.sessionmaker() as session, session.begin():
        return f"{await save_all(session)} organizations"
