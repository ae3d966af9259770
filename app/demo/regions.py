"""Demo regions: Yubei district 500112, two streets, two communities in each, two grids in each."""

from app.core.db import WriteSession
from app.core.services import Services
from app.regions.public import save_region

DISTRICT = ("500112", "渝北区")
STREETS = {
    "500112001": ("双龙湖街道", {"500112001001": "百果园社区", "500112001002": "双湖社区"}),
    "500112002": ("双凤桥街道", {"500112002001": "空港社区", "500112002002": "双凤社区"}),
}
GRIDS = ("第一网格", "第二网格")


async def save_all(session: WriteSession) -> int:
    """The demo tree in the caller's transaction; how many regions it holds."""
    count = 0
    await save_region(session, *DISTRICT)
    count += 1
    for street_code, (street_name, communities) in STREETS.items():
        await save_region(session, street_code, street_name)
        count += 1
        for community_code, community_name in communities.items():
            await save_region(session, community_code, community_name)
            count += 1
            for index, grid_name in enumerate(GRIDS, start=1):
                await save_region(
                    session, f"{community_code}{index:03d}", f"{community_name}{grid_name}"
                )
                count += 1
    return count


async def seed(services: Services, _password: str) -> str:
    async with services.database.sessionmaker() as session, session.begin():
        return f"{await save_all(session)} regions"
