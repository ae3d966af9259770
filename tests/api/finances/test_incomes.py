"""Monthly incomes by member and source (DOMAIN 4): read a range, replace a range in bulk."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.finances.months import add_months, month_of
from tests.api.finances.conftest import Api
from tests.factories import GRID_B1_1, create_household
from tests.problems import assert_invalid, assert_problem

Q1 = {"from": "2026-01", "to": "2026-03"}


def url(household: Any) -> str:
    return f"/api/v1/households/{household.id}/incomes"


def income(month: str, amount: str, person: Any = None, source: str = "wages") -> dict[str, Any]:
    return {
        "person_id": None if person is None else str(person),
        "month": month,
        "source": source,
        "amount": amount,
    }


async def version_of(api: Api, household: Any) -> int:
    response = await api.get(f"/api/v1/households/{household.id}")
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


class TestReplaceIncomes:
    async def test_round_trip_keeps_exact_decimals(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        head, spouse = members
        items = [
            income("2026-01", "0.01", head),
            income("2026-01", "546.00", spouse, "transfer"),
            income("2026-02", "99999999.99", None, "family_support"),
            income("2026-03", "0.00", head),
        ]
        version = await version_of(api, household)

        put = await api.put(url(household), {"items": items}, version=version, **Q1)

        assert put.status_code == 200, put.text
        assert put.headers["etag"] == f'W/"{version + 1}"'
        expected = {
            "household_id": str(household.id),
            "from": "2026-01",
            "to": "2026-03",
            "items": items,
            "monthly_totals": [
                {"month": "2026-01", "amount": "546.01"},
                {"month": "2026-02", "amount": "99999999.99"},
                {"month": "2026-03", "amount": "0.00"},
            ],
            "total": "100000546.00",
            "version": version + 1,
        }
        assert put.json() == expected
        got = await api.get(url(household), **Q1)
        assert got.status_code == 200, got.text
        assert got.headers["etag"] == f'W/"{version + 1}"'
        assert got.json() == expected

    async def test_months_outside_the_range_are_untouched(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        head = members[0]
        months = ["2026-01", "2026-02", "2026-03", "2026-04"]
        first = [income(m, "1200.00", head) for m in months]
        version = await version_of(api, household)
        response = await api.put(
            url(household),
            {"items": first},
            version=version,
            **{"from": "2026-01", "to": "2026-04"},
        )
        assert response.status_code == 200, response.text

        replaced = [income("2026-02", "1300.00", head), income("2026-03", "0.50", None, "other")]
        response = await api.put(
            url(household),
            {"items": replaced},
            version=version + 1,
            **{"from": "2026-02", "to": "2026-03"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["items"] == replaced

        whole = await api.get(url(household), **{"from": "2025-12", "to": "2026-05"})
        assert whole.json()["items"] == [first[0], *replaced, first[3]]
        assert whole.json()["total"] == "3700.50"

    async def test_an_empty_list_clears_the_range(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        version = await version_of(api, household)
        await api.put(
            url(household),
            {"items": [income("2026-01", "10.00", members[0])]},
            version=version,
            **Q1,
        )

        response = await api.put(url(household), {"items": []}, version=version + 1, **Q1)

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["items"], body["monthly_totals"], body["total"]) == ([], [], "0.00")
        assert (await api.get(url(household), **Q1)).json()["items"] == []

    async def test_an_unchanged_list_keeps_the_version(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        items = [income("2026-01", "10.00", members[0]), income("2026-02", "20.00")]
        version = await version_of(api, household)
        await api.put(url(household), {"items": items}, version=version, **Q1)

        again = await api.put(url(household), {"items": items[::-1]}, version=version + 1, **Q1)

        assert again.status_code == 200, again.text
        assert again.headers["etag"] == f'W/"{version + 1}"'

    async def test_the_change_is_in_the_history(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        head = members[0]
        version = await version_of(api, household)
        await api.put(
            url(household), {"items": [income("2026-01", "10.00", head)]}, version=version, **Q1
        )
        await api.put(
            url(household),
            {"items": [income("2026-01", "12.50", head)]},
            version=version + 1,
            **Q1,
        )

        response = await api.get(f"/api/v1/households/{household.id}/history")

        entries = [
            e for e in response.json()["items"] if e["action"] == "household.incomes.replace"
        ]
        assert len(entries) == 2
        row = {"month": "2026-01-01", "person_id": str(head), "source": "wages"}
        assert entries[-1]["changes"] == {
            "incomes": {
                "before": [{**row, "amount": "10.00"}],
                "after": [{**row, "amount": "12.50"}],
            }
        }
        assert entries[-1]["actor_role"] == "street_officer"

    async def test_a_range_of_36_months_is_accepted(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [income("2026-12", "1.00")]},
            version=await version_of(api, household),
            **{"from": "2024-01", "to": "2026-12"},
        )

        assert response.status_code == 200, response.text
        assert (response.json()["from"], response.json()["to"]) == ("2024-01", "2026-12")


class TestReplaceIncomesRefusals:
    async def test_an_item_outside_the_range_is_422_and_nothing_changes(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        version = await version_of(api, household)
        await api.put(url(household), {"items": [income("2026-01", "5.00")]}, version=version, **Q1)
        items = [income("2026-03", "1.00"), income("2026-04", "1.00")]

        response = await api.put(url(household), {"items": items}, version=version + 1, **Q1)

        assert_invalid(response, ["body", "items", 1, "month"], "month_out_of_range")
        assert (await api.get(url(household), **Q1)).json()["items"] == [income("2026-01", "5.00")]

    async def test_an_item_before_the_range_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [income("2025-12", "1.00")]},
            version=await version_of(api, household),
            **Q1,
        )

        assert_invalid(response, ["body", "items", 0, "month"], "month_out_of_range")

    @pytest.mark.parametrize(
        ("amount", "code"),
        [
            (546.0, "amount_format"),
            (546, "amount_format"),
            ("-0.01", "amount_format"),
            ("0.001", "amount_format"),
            ("546.005", "amount_format"),
            ("100000000.00", "amount_format"),
            ("546.00\n", "amount_format"),
            ("1e3", "amount_format"),
            ("NaN", "amount_format"),
        ],
    )
    async def test_amounts_that_are_not_exact_yuan_in_range_are_refused(
        self, api: Api, household: Any, amount: Any, code: str
    ) -> None:
        item = {**income("2026-01", "0.00"), "amount": amount}

        response = await api.put(url(household), {"items": [item]}, version=1, **Q1)

        assert_invalid(response, ["body", "items", 0, "amount"], code)

    async def test_an_unknown_source_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [income("2026-01", "1.00", source="lottery")]},
            version=1,
            **Q1,
        )

        assert_invalid(response, ["body", "items", 0, "source"], "unknown_code")

    @pytest.mark.parametrize("month", ["2026-1", "2026-13", "2026-01-01", "26-01", 202601])
    async def test_a_malformed_month_is_422(self, api: Api, household: Any, month: Any) -> None:
        item = {**income("2026-01", "1.00"), "month": month}

        response = await api.put(url(household), {"items": [item]}, version=1, **Q1)

        assert_invalid(response, ["body", "items", 0, "month"])

    async def test_a_person_of_another_household_is_not_a_member(
        self, api: Api, app: FastAPI, household: Any
    ) -> None:
        other = await create_household(app)
        items = [income("2026-01", "1.00"), income("2026-01", "1.00", other.head_person_id)]

        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        assert_invalid(response, ["body", "items", 1, "person_id"], "not_a_member")

    async def test_an_unknown_person_is_not_a_member(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": [income("2026-01", "1.00", uuid.uuid4())]},
            version=await version_of(api, household),
            **Q1,
        )

        assert_invalid(response, ["body", "items", 0, "person_id"], "not_a_member")

    async def test_a_former_member_keeps_past_incomes(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        spouse = members[1]
        version = await version_of(api, household)
        items = [income("2026-01", "800.00", spouse)]
        await api.put(url(household), {"items": items}, version=version, **Q1)
        left = await api.http.delete(
            f"/api/v1/households/{household.id}/members/{spouse}",
            params={"reason": "moved_out"},
            headers=await api.headers("street_officer"),
        )
        assert left.status_code == 204, left.text

        items.append(income("2026-02", "810.00", spouse))
        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        assert response.status_code == 200, response.text
        assert response.json()["items"] == items

    async def test_a_duplicate_member_month_and_source_is_422(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        items = [
            income("2026-01", "1.00", members[0]),
            income("2026-01", "1.00", members[0], "other"),
            income("2026-01", "2.00", members[0]),
        ]

        response = await api.put(
            url(household), {"items": items}, version=await version_of(api, household), **Q1
        )

        assert_invalid(response, ["body", "items", 2], "duplicate")

    async def test_more_than_500_items_is_422(self, api: Api, household: Any) -> None:
        items = [income("2026-01", f"{n}.00", source="other") for n in range(501)]

        response = await api.put(url(household), {"items": items}, version=1, **Q1)

        assert_invalid(response, ["body", "items"], "too_long")

    async def test_a_range_of_37_months_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": []},
            version=await version_of(api, household),
            **{"from": "2024-01", "to": "2027-01"},
        )

        assert_invalid(response, ["query", "to"], "range_too_long")

    async def test_a_reversed_range_is_422(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": []},
            version=await version_of(api, household),
            **{"from": "2026-03", "to": "2026-02"},
        )

        assert_invalid(response, ["query", "from"], "too_early")

    async def test_the_range_is_required(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household), {"items": []}, version=await version_of(api, household), to="2026-03"
        )

        assert_invalid(response, ["query", "from"], "missing")

    async def test_a_stale_if_match_is_412(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        version = await version_of(api, household)
        await api.put(url(household), {"items": [income("2026-01", "1.00")]}, version=version, **Q1)

        response = await api.put(
            url(household), {"items": [income("2026-01", "2.00")]}, version=version, **Q1
        )

        body = assert_problem(response, 412, "version_mismatch")
        assert str(version + 1) in body["detail"]
        assert (await api.get(url(household), **Q1)).json()["total"] == "1.00"

    async def test_a_missing_if_match_is_428(self, api: Api, household: Any) -> None:
        response = await api.put(url(household), {"items": []}, version=None, **Q1)

        assert_problem(response, 428, "if_match_required")

    async def test_a_replacement_makes_the_household_etag_stale(
        self, api: Api, household: Any
    ) -> None:
        version = await version_of(api, household)
        await api.put(url(household), {"items": [income("2026-01", "1.00")]}, version=version, **Q1)

        response = await api.http.patch(
            f"/api/v1/households/{household.id}",
            json={"address": "新地址 1 号"},
            headers=await api.headers("street_officer", **{"If-Match": f'W/"{version}"'}),
        )

        assert_problem(response, 412, "version_mismatch")

    async def test_a_household_of_another_street_is_404(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household),
            {"items": []},
            version=await version_of(api, household),
            username="street_officer_2",
            **Q1,
        )

        assert_problem(response, 404, "not_found")

    async def test_district_officers_may_not_replace(self, api: Api, household: Any) -> None:
        response = await api.put(
            url(household), {"items": []}, version=1, username="district_officer", **Q1
        )

        assert_problem(response, 403, "forbidden")


class TestReadIncomes:
    async def test_the_default_range_is_the_last_12_months(
        self, api: Api, household: Any, members: list[Any]
    ) -> None:
        this_month = month_of(business_today())
        first = add_months(this_month, -11)
        months = [f"{first:%Y-%m}", f"{add_months(first, -1):%Y-%m}", f"{this_month:%Y-%m}"]
        await api.put(
            url(household),
            {"items": [income(m, "100.00", members[0]) for m in months]},
            version=await version_of(api, household),
            **{"from": months[1], "to": months[2]},
        )

        response = await api.get(url(household))

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["from"], body["to"]) == (months[0], months[2])
        assert [i["month"] for i in body["items"]] == [months[0], months[2]]
        assert body["total"] == "200.00"

    async def test_to_alone_reads_the_12_months_up_to_it(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), to="2026-06")

        assert response.status_code == 200, response.text
        assert (response.json()["from"], response.json()["to"]) == ("2025-07", "2026-06")

    async def test_a_range_of_37_months_is_422(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), **{"from": "2024-01", "to": "2027-01"})

        assert_invalid(response, ["query", "to"], "range_too_long")

    async def test_a_malformed_month_is_422(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), **{"from": "2024-1"})

        assert_invalid(response, ["query", "from"])

    async def test_the_read_is_audited(
        self, api: Api, household: Any, session: AsyncSession
    ) -> None:
        response = await api.get(url(household), username="community_worker", **Q1)
        assert response.status_code == 200, response.text

        events = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "household.incomes.read",
                    AuditEvent.object_id == str(household.id),
                )
            )
        ).all()
        assert [(e.role, e.outcome, e.region_code) for e in events] == [
            ("community_worker", "success", household.region_code)
        ]
        assert events[0].request_id == response.headers["x-request-id"]

    async def test_the_read_is_visible_to_district_officers_in_the_audit_trail(
        self, api: Api, household: Any
    ) -> None:
        await api.get(url(household), **Q1)

        response = await api.get(
            "/api/v1/audit-events",
            username="district_officer",
            action="household.incomes.read",
            object_id=str(household.id),
        )

        assert response.status_code == 200, response.text
        assert [e["role"] for e in response.json()["items"]] == ["street_officer"]

    async def test_district_officers_may_read(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), username="district_officer", **Q1)

        assert response.status_code == 200, response.text

    async def test_a_household_of_another_street_is_404(self, api: Api, household: Any) -> None:
        response = await api.get(url(household), username="street_officer_2", **Q1)

        assert_problem(response, 404, "not_found")

    async def test_an_unknown_household_is_404(self, api: Api, demo: None) -> None:
        response = await api.get(f"/api/v1/households/{uuid.uuid4()}/incomes")

        assert_problem(response, 404, "not_found")

    async def test_an_auditor_without_a_grant_does_not_find_it(
        self, api: Api, household: Any
    ) -> None:
        response = await api.get(url(household), username="auditor", **Q1)

        assert_problem(response, 404, "not_found")

    async def test_street_b_reads_its_own_household(self, api: Api, app: FastAPI) -> None:
        other = await create_household(app, region=GRID_B1_1)

        response = await api.get(url(other), username="street_officer_2", **Q1)

        assert response.status_code == 200, response.text
        assert response.json()["items"] == []


class TestMemberInTheMonth:
    """An income's member belongs to the household during its month, by the membership's
    joined and left dates: joined on or before the month's last day, not left by its first."""

    async def _member_since(self, app: FastAPI, joined_on: str) -> Any:
        return await create_household(
            app,
            members=[
                {"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"},
                {"name": "李建国", "relation_to_head": "spouse", "joined_on": joined_on},
            ],
        )

    async def _spouse(self, api: Api, household: Any) -> str:
        record = (await api.get(f"/api/v1/households/{household.id}")).json()
        return str(next(m["person_id"] for m in record["members"] if not m["is_head"]))

    @pytest.mark.parametrize(
        ("joined_on", "month", "accepted"),
        [
            ("2026-02-28", "2026-02", True),
            ("2026-02-01", "2026-02", True),
            ("2026-03-01", "2026-02", False),
            ("2026-02-15", "2026-01", False),
        ],
    )
    async def test_a_member_counts_from_the_month_they_joined(
        self, api: Api, app: FastAPI, joined_on: str, month: str, accepted: bool
    ) -> None:
        household = await self._member_since(app, joined_on)
        spouse = await self._spouse(api, household)

        response = await api.put(
            url(household),
            {"items": [income(month, "100.00", spouse)]},
            version=await version_of(api, household),
            **Q1,
        )

        if accepted:
            assert response.status_code == 200, response.text
            assert response.json()["items"] == [income(month, "100.00", spouse)]
        else:
            body = assert_invalid(
                response, ["body", "items", 0, "person_id"], "not_a_member_that_month"
            )
            assert month in body["errors"][0]["msg"]

    @pytest.mark.parametrize(("left_on", "accepted"), [("2026-03-01", False), ("2026-03-02", True)])
    async def test_a_member_who_left_counts_until_the_day_before_left_on(
        self, api: Api, app: FastAPI, left_on: str, accepted: bool
    ) -> None:
        household = await self._member_since(app, "2020-01-01")
        spouse = await self._spouse(api, household)
        headers = await api.headers("street_officer")
        left = await api.http.delete(
            f"/api/v1/households/{household.id}/members/{spouse}",
            params={"reason": "moved_out"},
            headers=headers,
        )
        assert left.status_code == 204, left.text
        version = await version_of(api, household)
        dated = await api.http.patch(
            f"/api/v1/households/{household.id}/members/{spouse}/membership",
            json={"left_on": left_on, "reason": "户口簿记载迁出日期"},
            headers={**headers, "If-Match": f'W/"{version}"'},
        )
        assert dated.status_code == 200, dated.text

        response = await api.put(
            url(household),
            {"items": [income("2026-03", "100.00", spouse)]},
            version=dated.json()["household_version"],
            **Q1,
        )

        if accepted:
            assert response.status_code == 200, response.text
        else:
            assert_invalid(response, ["body", "items", 0, "person_id"], "not_a_member_that_month")


class TestMonthBounds:
    """Months are years 1900 to 2999 (core.dates), as the contract states; a default range
    never starts before them, so an answer never breaks its own schema."""

    @pytest.mark.parametrize(
        ("param", "value"), [("to", "1000-01"), ("to", "1899-12"), ("from", "3000-01")]
    )
    async def test_a_month_outside_the_years_is_refused(
        self, api: Api, household: Any, param: str, value: str
    ) -> None:
        response = await api.get(url(household), **{param: value})

        assert_invalid(response, ["query", param], "month_format")

    @pytest.mark.parametrize(
        ("to", "first"), [("1900-01", "1900-01"), ("1900-11", "1900-01"), ("2999-12", "2999-01")]
    )
    async def test_the_default_range_starts_within_the_years(
        self, api: Api, household: Any, to: str, first: str
    ) -> None:
        response = await api.get(url(household), to=to)

        assert response.status_code == 200, response.text
        assert (response.json()["from"], response.json()["to"]) == (first, to)
