"""GET /api/v1/calendar/years: years whose official calendar is known."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.calendar.conftest import SOURCE_2027
from tests.factories import load_calendar_year

URL = "/api/v1/calendar/years"


class TestCalendarYears:
    async def test_lists_the_package_years(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        assert response.status_code == 200
        assert response.json()["next_cursor"] is None
        assert response.json()["items"] == [
            {"year": year, "source": "package", "loaded": False} for year in range(2004, 2027)
        ]

    @pytest.mark.usefixtures("loaded_2027")
    async def test_a_loaded_year_is_listed_as_loaded(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        years = response.json()["items"]
        assert years[-1] == {"year": 2027, "source": SOURCE_2027, "loaded": True}
        assert [y["year"] for y in years] == list(range(2004, 2028))
        assert {y["loaded"] for y in years[:-1]} == {False}

    async def test_reloading_a_package_year_marks_it_loaded(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await load_calendar_year(
            session, 2026, holidays={"2026-10-01": "国庆节"}, source="国办发明电〔2025〕7号"
        )

        response = await client.get(URL)

        by_year = {y["year"]: y for y in response.json()["items"]}
        assert by_year[2026] == {"year": 2026, "source": "国办发明电〔2025〕7号", "loaded": True}
        assert len(by_year) == 23

    async def test_loading_a_year_again_replaces_its_source(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await load_calendar_year(session, 2028, holidays={"2028-01-03": "元旦"}, source="first")
        await load_calendar_year(session, 2028, holidays={"2028-01-03": "元旦"}, source="second")

        response = await client.get(URL)

        assert response.json()["items"][-1] == {"year": 2028, "source": "second", "loaded": True}
