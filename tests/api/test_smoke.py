import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import GRID_A1_1, create_demo_district


async def test_region_resolves_to_its_path(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_demo_district(session)
    response = await client.get(f"/api/v1/regions/{GRID_A1_1}")
    assert response.status_code == 200
    body = response.json()
    assert [p["code"] for p in body["path"]] == ["500112", "500112001", "500112001001", GRID_A1_1]
    assert body["level"] == "grid"
