"""GET /api/v1/calendar: working days and holidays over a range (DOMAIN 6 deadlines)."""

from datetime import date, timedelta

import chinese_calendar
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import load_calendar_year, set_calendar_day
from tests.problems import assert_invalid

URL = "/api/v1/calendar"


def days_between(start: str, end: str) -> list[date]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class TestCalendarRange:
    async def test_national_day_2026_follows_the_official_calendar(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL, params={"start": "2026-09-26", "end": "2026-10-10"})

        assert response.status_code == 200
        body = response.json()
        assert (body["start"], body["end"], body["missing_years"]) == (
            "2026-09-26",
            "2026-10-10",
            [],
        )
        expected_days = days_between("2026-09-26", "2026-10-10")
        assert [d["date"] for d in body["days"]] == [d.isoformat() for d in expected_days]
        for served, day in zip(body["days"], expected_days, strict=True):
            assert served["is_working_day"] is chinese_calendar.is_workday(day), day
            assert served["provisional"] is False
            assert served["source"] == "package"
        by_date = {d["date"]: d for d in body["days"]}
        assert all(not by_date[f"2026-10-0{d}"]["is_working_day"] for d in range(1, 8))
        assert by_date["2026-10-08"]["is_working_day"] is True
        # 10 October 2026 is a Saturday worked in exchange (调休).
        assert by_date["2026-10-10"]["is_working_day"] is True

    async def test_package_days_carry_the_holiday_name(self, client: httpx.AsyncClient) -> None:
        """The schema promises `name` ("National Day") for holidays and exchanged days."""
        response = await client.get(URL, params={"start": "2026-10-01", "end": "2026-10-10"})

        by_date = {d["date"]: d for d in response.json()["days"]}
        assert by_date["2026-10-01"]["name"] == "National Day"
        assert by_date["2026-10-10"]["name"] == "National Day"
        assert by_date["2026-10-08"]["name"] is None

    async def test_unknown_year_is_provisional_monday_to_friday(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL, params={"start": "2027-09-25", "end": "2027-10-10"})

        assert response.status_code == 200
        body = response.json()
        assert body["missing_years"] == [2027]
        for served in body["days"]:
            day = date.fromisoformat(served["date"])
            assert served["is_working_day"] is (day.weekday() < 5), day
            assert served["provisional"] is True
            assert served["source"] == "weekday_rule"
            assert served["name"] is None
        saturdays = [d for d in body["days"] if date.fromisoformat(d["date"]).weekday() == 5]
        assert len(saturdays) == 3
        assert not any(d["is_working_day"] for d in saturdays)

    async def test_range_across_new_year_marks_only_the_unknown_year(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(URL, params={"start": "2026-12-28", "end": "2027-01-04"})

        body = response.json()
        assert body["missing_years"] == [2027]
        provisional: dict[str, set[bool]] = {}
        for served in body["days"]:
            provisional.setdefault(served["date"][:4], set()).add(served["provisional"])
        assert provisional == {"2026": {False}, "2027": {True}}

    @pytest.mark.usefixtures("loaded_2027")
    async def test_loaded_year_is_no_longer_provisional(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2027-09-25", "end": "2027-10-10"})

        assert response.status_code == 200
        body = response.json()
        assert body["missing_years"] == []
        assert {d["provisional"] for d in body["days"]} == {False}
        by_date = {d["date"]: d for d in body["days"]}
        holiday = by_date["2027-10-04"]  # a Monday
        assert (holiday["is_working_day"], holiday["name"]) == (False, "国庆节")
        assert holiday["source"] == "loaded_year"
        exchanged = by_date["2027-10-09"]  # a Saturday
        assert (exchanged["is_working_day"], exchanged["name"]) == (True, "国庆节调休")
        assert exchanged["source"] == "loaded_year"
        assert by_date["2027-09-25"]["is_working_day"] is True
        ordinary_sunday = by_date["2027-09-26"]
        assert ordinary_sunday["is_working_day"] is False
        assert ordinary_sunday["source"] == "loaded_year"
        ordinary_monday = by_date["2027-09-27"]
        assert (ordinary_monday["is_working_day"], ordinary_monday["source"]) == (
            True,
            "loaded_year",
        )

    @pytest.mark.usefixtures("loaded_2027")
    async def test_reloading_a_year_drops_the_days_no_longer_listed(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await load_calendar_year(session, 2027, holidays={"2027-10-01": "国庆节"})

        response = await client.get(URL, params={"start": "2027-10-01", "end": "2027-10-09"})

        days = response.json()["days"]
        assert [d["is_working_day"] for d in days] == [
            False,  # Fri 1st, still listed
            False,  # Sat
            False,  # Sun
            True,  # Mon 4th, no longer a holiday
            True,
            True,
            True,
            True,
            False,  # Sat 9th, no longer an exchanged working day
        ]
        assert {d["provisional"] for d in days} == {False}

    async def test_a_corrected_day_overrides_the_package(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await set_calendar_day(session, "2026-10-09", is_working_day=False, name="临时放假")

        response = await client.get(URL, params={"start": "2026-10-08", "end": "2026-10-09"})

        assert response.json()["days"][1] == {
            "date": "2026-10-09",
            "is_working_day": False,
            "provisional": False,
            "source": "override",
            "name": "临时放假",
        }
        assert response.json()["days"][0]["source"] == "package"

    async def test_single_day_range(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-11-20", "end": "2026-11-20"})

        assert response.status_code == 200
        assert response.json()["days"] == [
            {
                "date": "2026-11-20",
                "is_working_day": True,
                "provisional": False,
                "source": "package",
                "name": None,
            }
        ]

    async def test_366_days_are_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2027-01-01", "end": "2028-01-01"})

        assert response.status_code == 200
        assert len(response.json()["days"]) == 366
        assert response.json()["missing_years"] == [2027, 2028]

    async def test_367_days_are_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-01-01", "end": "2027-01-02"})

        assert_invalid(response, ["query", "end"], "range_too_long")

    async def test_end_before_start_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL, params={"start": "2026-10-10", "end": "2026-10-09"})

        assert_invalid(response, ["query", "end"], "too_early")

    async def test_missing_parameters_are_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        body = assert_invalid(response, ["query", "start"], "missing")
        assert [(e["loc"], e["code"]) for e in body["errors"]] == [
            (["query", "start"], "missing"),
            (["query", "end"], "missing"),
        ]

    @pytest.mark.parametrize("value", ["2026-02-30", "20261001", "tomorrow"])
    async def test_invalid_date_is_422(self, client: httpx.AsyncClient, value: str) -> None:
        response = await client.get(URL, params={"start": value, "end": "2026-10-10"})

        assert_invalid(response, ["query", "start"])
