"""GET /api/v1/calendar/add-working-days: deadline arithmetic (DOMAIN 6)."""

from datetime import date

import httpx
import pytest

from tests.api.calendar.conftest import expected_add
from tests.problems import assert_invalid, assert_problem

URL = "/api/v1/calendar/add-working-days"


class TestAddWorkingDays:
    async def test_friday_plus_one_is_monday(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-11-20", "days": 1})

        assert response.status_code == 200
        assert response.json() == {
            "start": "2026-11-20",
            "days": 1,
            "date": "2026-11-23",
            "provisional": False,
        }

    async def test_zero_days_is_the_start_itself(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-10-03", "days": 0})

        assert response.json()["date"] == "2026-10-03"

    @pytest.mark.parametrize("days", [1, 2, 3, 5, 10])
    async def test_across_national_day_2026(self, client: httpx.AsyncClient, days: int) -> None:
        start = date(2026, 9, 30)

        response = await client.get(URL, params={"start": start.isoformat(), "days": days})

        assert response.status_code == 200
        assert response.json()["date"] == expected_add(start, days).isoformat()
        assert response.json()["provisional"] is False

    async def test_from_inside_the_holiday(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-10-03", "days": 1})

        assert response.json()["date"] == "2026-10-08"

    async def test_long_span_within_known_years(self, client: httpx.AsyncClient) -> None:
        start = date(2025, 12, 1)

        response = await client.get(URL, params={"start": start.isoformat(), "days": 200})

        assert response.json()["date"] == expected_add(start, 200).isoformat()
        assert response.json()["provisional"] is False

    async def test_into_2027_is_provisional(self, client: httpx.AsyncClient) -> None:
        start = date(2026, 12, 30)

        response = await client.get(URL, params={"start": start.isoformat(), "days": 5})

        assert response.status_code == 200
        assert response.json()["date"] == expected_add(start, 5).isoformat()
        assert response.json()["provisional"] is True

    @pytest.mark.usefixtures("loaded_2027")
    async def test_into_a_loaded_2027_is_firm(self, client: httpx.AsyncClient) -> None:
        # 2027-01-01 (Friday) is a loaded holiday, so five working days end a day later.
        response = await client.get(URL, params={"start": "2026-12-30", "days": 5})

        assert response.json() == {
            "start": "2026-12-30",
            "days": 5,
            "date": "2027-01-07",
            "provisional": False,
        }

    @pytest.mark.usefixtures("loaded_2027")
    async def test_loaded_exchanged_saturday_counts(self, client: httpx.AsyncClient) -> None:
        # Thursday 30 September 2027 + 1: Friday 1 October is off ... 9 October is worked.
        response = await client.get(URL, params={"start": "2027-09-30", "days": 1})

        assert response.json()["date"] == "2027-10-08"
        second = await client.get(URL, params={"start": "2027-10-08", "days": 1})
        assert second.json()["date"] == "2027-10-09"

    async def test_366_days_is_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-01-05", "days": 366})

        assert response.status_code == 200
        assert response.json()["provisional"] is True

    @pytest.mark.parametrize("days", [-1, 367])
    async def test_days_out_of_range_is_422(self, client: httpx.AsyncClient, days: int) -> None:
        response = await client.get(URL, params={"start": "2026-11-20", "days": days})

        assert_invalid(response, ["query", "days"])

    @pytest.mark.parametrize("start", ["9999-12-31", "9999-12-20"])
    async def test_start_at_the_end_of_the_date_range_is_422_not_500(
        self, client: httpx.AsyncClient, start: str
    ) -> None:
        """Bad input is the client's error: never a 500 (the lookahead window overflowed)."""
        response = await client.get(URL, params={"start": start, "days": 1})

        body = assert_problem(response, 422, "validation_failed")
        assert body["errors"][0]["loc"] in (["query", "start"], ["query", "days"])

    async def test_schema_example_is_what_the_api_answers(self, client: httpx.AsyncClient) -> None:
        contract = (await client.get("/openapi.json")).json()
        (example,) = contract["components"]["schemas"]["WorkingDateOut"]["examples"]

        response = await client.get(
            URL, params={"start": example["start"], "days": example["days"]}
        )

        assert response.json() == example

    async def test_missing_parameters_are_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        body = assert_invalid(response, ["query", "start"], "missing")
        assert {tuple(e["loc"]) for e in body["errors"]} == {("query", "start"), ("query", "days")}
