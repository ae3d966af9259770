"""GET /api/v1/calendar/working-days-between: counting working days in (start, end]."""

import httpx
import pytest

from tests.problems import assert_invalid

URL = "/api/v1/calendar/working-days-between"
ADD_URL = "/api/v1/calendar/add-working-days"


class TestWorkingDaysBetween:
    @pytest.mark.parametrize(
        ("start", "days"),
        [
            ("2026-11-20", 1),
            ("2026-09-30", 1),
            ("2026-09-25", 7),
            ("2026-01-15", 30),
            ("2026-12-20", 15),
            ("2026-06-01", 0),
        ],
    )
    async def test_is_the_inverse_of_add_working_days(
        self, client: httpx.AsyncClient, start: str, days: int
    ) -> None:
        added = (await client.get(ADD_URL, params={"start": start, "days": days})).json()

        response = await client.get(URL, params={"start": start, "end": added["date"]})

        assert response.status_code == 200
        assert response.json() == {
            "start": start,
            "end": added["date"],
            "working_days": days,
            "provisional": added["provisional"],
        }

    async def test_friday_to_monday_is_one(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-11-20", "end": "2026-11-23"})

        assert response.json()["working_days"] == 1

    async def test_national_day_week_has_no_working_day(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-09-30", "end": "2026-10-07"})

        assert response.json()["working_days"] == 0
        assert response.json()["provisional"] is False

    async def test_same_day_is_zero(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-11-20", "end": "2026-11-20"})

        assert response.json()["working_days"] == 0

    async def test_reversed_dates_give_a_negative_count(self, client: httpx.AsyncClient) -> None:
        forward = await client.get(URL, params={"start": "2026-09-01", "end": "2026-10-31"})
        backward = await client.get(URL, params={"start": "2026-10-31", "end": "2026-09-01"})

        assert forward.json()["working_days"] > 0
        assert backward.status_code == 200
        assert backward.json() == {
            "start": "2026-10-31",
            "end": "2026-09-01",
            "working_days": -forward.json()["working_days"],
            "provisional": False,
        }

    async def test_into_2027_is_provisional(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-12-31", "end": "2027-01-04"})

        # 2027 unknown: Friday 1 January and Monday 4 January are assumed working days.
        assert response.json()["working_days"] == 2
        assert response.json()["provisional"] is True

    @pytest.mark.usefixtures("loaded_2027")
    async def test_loaded_2027_is_firm(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-12-31", "end": "2027-01-04"})

        assert response.json()["working_days"] == 1
        assert response.json()["provisional"] is False

    async def test_ten_years_apart_is_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2016-01-01", "end": "2026-01-08"})

        assert response.status_code == 200
        assert response.json()["provisional"] is False

    @pytest.mark.parametrize(
        ("start", "end"), [("2016-01-01", "2026-01-09"), ("2026-01-09", "2016-01-01")]
    )
    async def test_more_than_ten_years_apart_is_422(
        self, client: httpx.AsyncClient, start: str, end: str
    ) -> None:
        response = await client.get(URL, params={"start": start, "end": end})

        assert_invalid(response, ["query", "end"], "range_too_long")

    async def test_schema_example_is_what_the_api_answers(self, client: httpx.AsyncClient) -> None:
        contract = (await client.get("/openapi.json")).json()
        (example,) = contract["components"]["schemas"]["WorkingDayCountOut"]["examples"]

        response = await client.get(URL, params={"start": example["start"], "end": example["end"]})

        assert response.json() == example

    async def test_missing_end_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-11-20"})

        assert_invalid(response, ["query", "end"], "missing")
