"""Target types are decisions (DOMAIN 3-4; Yubei 3(1), 3(2); issue 13 item 2), through HTTP.

Dibao, tekun and registered hardship are recorded with the deciding body, date
and reference by street or district officers; they need urban hukou; dibao and
tekun exclude each other; the new types come only from an assessment and only
for households holding none of the three. The household's target types are
those of its decisions in force, one shape (codes) in summaries and records.
"""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.core.errors import ValidationFailed
from app.households import public
from app.households.decisions.expiry import lapse_decisions
from app.households.models import TargetTypeDecision
from tests.api.eligibility.assessments_http import assessed
from tests.api.eligibility.policies_http import published
from tests.api.households.ledger_http import exit_household, history
from tests.api.households.records import (
    HOUSEHOLDS,
    bearer,
    create,
    household_body,
    patch,
    user_id,
)
from tests.factories import (
    GRID_B1_1,
    create_demo_district,
    create_household,
    decision,
    ledger_actor,
)
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _decisions(household_id: Any) -> str:
    return f"{HOUSEHOLDS}/{household_id}/target-type-decisions"


async def _urban(app: FastAPI, **fields: Any) -> Any:
    return await create_household(app, hukou_type="urban", **fields)


async def _record(
    http: httpx.AsyncClient, household_id: Any, username: str = "street_officer", **fields: Any
) -> httpx.Response:
    body = decision(**fields)
    return await http.post(
        _decisions(household_id), json=body, headers=await bearer(http, username)
    )


async def _get(http: httpx.AsyncClient, household_id: Any) -> dict[str, Any]:
    response = await http.get(
        f"{HOUSEHOLDS}/{household_id}", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


class TestRecord:
    async def test_a_street_officer_records_a_decision_that_gives_the_type(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        response = await _record(
            anonymous,
            home.id,
            target_type="dibao",
            deciding_body=" 双龙湖街道办事处 ",
            decided_on="2026-03-15",
            reference="双龙湖街低保〔2026〕12号",
            ends_on="2099-03-14",
        )
        assert response.status_code == 201, response.text
        made = response.json()
        assert response.headers["location"] == f"{_decisions(home.id)}/{made['id']}"
        officer = str(await user_id(app, "street_officer"))
        assert {k: v for k, v in made.items() if k not in ("id", "recorded_at")} == {
            "household_id": str(home.id),
            "target_type": "dibao",
            "source": "recorded_by_staff",
            "deciding_body": "双龙湖街道办事处",
            "decided_on": "2026-03-15",
            "reference": "双龙湖街低保〔2026〕12号",
            "ends_on": "2099-03-14",
            "assessment_id": None,
            "recorded_by": officer,
            "ended_on": None,
            "end_reason": None,
            "end_note": None,
            "ended_by": None,
            "ended_at": None,
            "in_force": True,
        }
        record = await _get(anonymous, home.id)
        assert record["target_types"] == ["dibao"]
        assert [d["id"] for d in record["target_type_decisions"]] == [made["id"]]
        assert record["target_type_decisions"][0] == {**made, "recorded_at": made["recorded_at"]}
        assert record["version"] == 2
        entries = await history(anonymous, await bearer(anonymous, "street_officer"), home.id)
        assert entries[-1]["action"] == "target_type_decision.record"
        assert entries[-1]["changes"]["target_types"] == {"before": [], "after": ["dibao"]}

    async def test_a_district_officer_records_in_its_district(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app, region=GRID_B1_1)
        response = await _record(anonymous, home.id, "district_officer", target_type="tekun")
        assert response.status_code == 201, response.text
        assert (await _get_as(anonymous, home.id, "street_officer_2"))["target_types"] == ["tekun"]

    @pytest.mark.parametrize("username", ["community_worker", "grid_worker", "social_worker"])
    async def test_other_roles_may_not_record(
        self, app: FastAPI, anonymous: httpx.AsyncClient, username: str
    ) -> None:
        home = await _urban(app)
        assert_problem(await _record(anonymous, home.id, username), 403, "forbidden")

    async def test_another_streets_household_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app, region=GRID_B1_1)
        assert_problem(await _record(anonymous, home.id), 404, "not_found")

    async def test_a_household_that_left_the_ledger_takes_no_decision(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        exited = await exit_household(anonymous, home.id)
        assert exited.status_code == 200, exited.text
        refused = await _record(anonymous, home.id, target_type="dibao")
        assert assert_problem(refused, 409, "household_exited")["household_id"] == str(home.id)
        assert (await _get(anonymous, home.id))["target_types"] == []

    @pytest.mark.parametrize("target_type", ["income_poverty", "expenditure_poverty", "rich"])
    async def test_only_the_three_registered_types(
        self, app: FastAPI, anonymous: httpx.AsyncClient, target_type: str
    ) -> None:
        home = await _urban(app)
        response = await _record(anonymous, home.id, target_type=target_type)
        assert_invalid(response, ["body", "target_type"], "unknown_code")
        assert (await _get(anonymous, home.id))["target_types"] == []

    @pytest.mark.parametrize("field", ["deciding_body", "reference"])
    async def test_body_and_reference_are_required(
        self, app: FastAPI, anonymous: httpx.AsyncClient, field: str
    ) -> None:
        home = await _urban(app)
        body = {k: v for k, v in decision().items() if k != field}
        response = await anonymous.post(
            _decisions(home.id), json=body, headers=await bearer(anonymous, "street_officer")
        )
        assert_invalid(response, ["body", field], "missing")
        blank = await _record(anonymous, home.id, **{field: "   "})
        assert_invalid(blank, ["body", field], "too_short")


class TestUrbanHukou:
    """Yubei 3(1): 在现有的具有城市户籍的低保对象、特困人员和民政特殊困难建档家庭基础上."""

    @pytest.mark.parametrize("target_type", ["dibao", "tekun", "registered_hardship"])
    @pytest.mark.parametrize("hukou_type", ["rural", None])
    async def test_each_registered_type_needs_urban_hukou(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        target_type: str,
        hukou_type: str | None,
    ) -> None:
        home = await create_household(app, hukou_type=hukou_type)
        response = await _record(anonymous, home.id, target_type=target_type)
        body = assert_invalid(response, ["body", "target_type"], "urban_hukou_required")
        assert body["errors"][0]["msg"] == f"{target_type} 要求城镇户籍（渝北 3(1)）"

    async def test_hukou_may_not_turn_rural_under_a_decision(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(anonymous, headers, target_types=["dibao"])
        response = await patch(anonymous, headers, created, {"hukou_type": "rural"})
        assert_invalid(response, ["body", "hukou_type"], "urban_hukou_required")
        cleared = await patch(anonymous, headers, created, {"hukou_type": None})
        assert_invalid(cleared, ["body", "hukou_type"], "urban_hukou_required")

    async def test_hukou_may_turn_rural_once_the_decision_ended(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(anonymous, headers, target_types=["dibao"])
        decided = created["target_type_decisions"][0]["id"]
        ended = await anonymous.post(
            f"{_decisions(created['id'])}/{decided}/end",
            json={"ended_on": business_today().isoformat(), "reason": "terminated"},
            headers=headers,
        )
        assert ended.status_code == 200, ended.text
        current = await _get(anonymous, created["id"])
        response = await patch(anonymous, headers, current, {"hukou_type": "rural"})
        assert response.status_code == 200, response.text
        assert response.json()["hukou_type"] == "rural"


class TestTypesHeldTogether:
    @pytest.mark.parametrize(("held", "new"), [("dibao", "tekun"), ("tekun", "dibao")])
    async def test_dibao_and_tekun_exclude_each_other(
        self, app: FastAPI, anonymous: httpx.AsyncClient, held: str, new: str
    ) -> None:
        home = await _urban(app, target_types=[held])
        response = await _record(anonymous, home.id, target_type=new)
        assert_invalid(response, ["body", "target_type"], "target_types_exclusive")
        assert (await _get(anonymous, home.id))["target_types"] == [held]

    async def test_registered_hardship_goes_with_either(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app, target_types=["tekun"])
        response = await _record(anonymous, home.id, target_type="registered_hardship")
        assert response.status_code == 201, response.text
        assert (await _get(anonymous, home.id))["target_types"] == ["registered_hardship", "tekun"]

    async def test_a_type_in_force_is_not_recorded_twice(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app, target_types=["dibao"])
        response = await _record(anonymous, home.id, target_type="dibao")
        assert_invalid(response, ["body", "target_type"], "target_type_in_force")

    async def test_after_the_end_the_other_type_may_be_recorded(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app, target_types=["dibao"])
        [held] = (await _get(anonymous, home.id))["target_type_decisions"]
        headers = await bearer(anonymous, "street_officer")
        ended = await anonymous.post(
            f"{_decisions(home.id)}/{held['id']}/end",
            json={"ended_on": business_today().isoformat(), "reason": "superseded"},
            headers=headers,
        )
        assert ended.json()["in_force"] is False
        assert (await _record(anonymous, home.id, target_type="tekun")).status_code == 201
        assert (await _get(anonymous, home.id))["target_types"] == ["tekun"]

    async def test_creation_refuses_dibao_with_tekun(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(target_types=["dibao", "tekun"]),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(
            response, ["body", "target_type_decisions", 1, "target_type"], "target_types_exclusive"
        )

    async def test_creation_refuses_rural_hukou(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(target_types=["registered_hardship"], hukou_type="rural"),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(
            response, ["body", "target_type_decisions", 0, "target_type"], "urban_hukou_required"
        )

    async def test_a_community_worker_creates_without_decisions_only(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "community_worker")
        refused = await anonymous.post(
            HOUSEHOLDS, json=household_body(target_types=["dibao"]), headers=headers
        )
        assert_problem(refused, 403, "forbidden")
        created = await create(anonymous, headers)
        assert (created["target_types"], created["target_type_decisions"]) == ([], [])


class TestDates:
    async def test_decided_today_is_in_force_tomorrow_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        today = business_today()
        tomorrow = await _record(anonymous, home.id, decided_on=str(today + timedelta(days=1)))
        assert_invalid(tomorrow, ["body", "decided_on"], "date_in_future")
        response = await _record(anonymous, home.id, decided_on=today.isoformat())
        assert response.json()["in_force"] is True

    async def test_the_term_ends_on_or_after_the_decision(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        day = date(2026, 3, 15)
        before = await _record(
            anonymous, home.id, decided_on=day.isoformat(), ends_on=str(day - timedelta(days=1))
        )
        assert_invalid(before, ["body", "ends_on"], "too_early")
        same = await _record(anonymous, home.id, decided_on=day.isoformat(), ends_on=str(day))
        assert same.status_code == 201, same.text

    async def test_a_term_over_is_history_and_gives_no_type(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        today = business_today()
        over = await _record(anonymous, home.id, ends_on=str(today - timedelta(days=1)))
        assert over.status_code == 201, over.text
        assert over.json()["in_force"] is False
        assert (await _get(anonymous, home.id))["target_types"] == []
        last_day = await _record(anonymous, home.id, target_type="tekun", ends_on=str(today))
        assert last_day.json()["in_force"] is True
        assert (await _get(anonymous, home.id))["target_types"] == ["tekun"]


class TestEnd:
    async def _held(self, app: FastAPI, anonymous: httpx.AsyncClient) -> tuple[Any, str]:
        home = await _urban(app, target_types=["dibao"])
        [held] = (await _get(anonymous, home.id))["target_type_decisions"]
        return home, held["id"]

    async def _end(
        self,
        http: httpx.AsyncClient,
        home: Any,
        decision_id: str,
        username: str = "street_officer",
        **body: Any,
    ) -> httpx.Response:
        return await http.post(
            f"{_decisions(home.id)}/{decision_id}/end",
            json={"ended_on": business_today().isoformat(), "reason": "terminated", **body},
            headers=await bearer(http, username),
        )

    async def test_ending_keeps_the_decision_and_drops_the_type(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home, held = await self._held(app, anonymous)
        response = await self._end(anonymous, home, held, note="收入超标停保")
        assert response.status_code == 200, response.text
        ended = response.json()
        assert (ended["ended_on"], ended["end_reason"], ended["end_note"], ended["in_force"]) == (
            business_today().isoformat(),
            "terminated",
            "收入超标停保",
            False,
        )
        assert ended["ended_by"] == str(await user_id(app, "street_officer"))
        record = await _get(anonymous, home.id)
        assert (record["target_types"], record["target_type_decisions"]) == ([], [])
        listed = await anonymous.get(
            _decisions(home.id), headers=await bearer(anonymous, "grid_worker")
        )
        assert listed.json() == {"items": [ended], "next_cursor": None}

    async def test_ending_twice_is_a_conflict(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home, held = await self._held(app, anonymous)
        assert (await self._end(anonymous, home, held)).status_code == 200
        again = await self._end(anonymous, home, held)
        body = assert_problem(again, 409, "invalid_transition")
        assert body["allowed"] == []

    async def test_end_dates_are_checked(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        home, held = await self._held(app, anonymous)
        tomorrow = str(business_today() + timedelta(days=1))
        future = await self._end(anonymous, home, held, ended_on=tomorrow)
        assert_invalid(future, ["body", "ended_on"], "date_in_future")
        early = await self._end(anonymous, home, held, ended_on="2026-03-14")
        assert_invalid(early, ["body", "ended_on"], "too_early")
        on_the_day = await self._end(anonymous, home, held, ended_on="2026-03-15")
        assert on_the_day.status_code == 200, on_the_day.text

    async def test_an_unknown_reason_and_an_unknown_decision(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home, held = await self._held(app, anonymous)
        bad = await self._end(anonymous, home, held, reason="bored")
        assert_invalid(bad, ["body", "reason"])
        missing = await self._end(anonymous, home, str(uuid.uuid4()))
        assert_problem(missing, 404, "not_found")

    async def test_a_community_worker_may_not_end(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home, held = await self._held(app, anonymous)
        refused = await self._end(anonymous, home, held, "community_worker")
        assert_problem(refused, 403, "forbidden")


class TestAssessedTypes:
    """`households.public.record_assessed_types`: the new types are for 非建档家庭 only."""

    @pytest.fixture(autouse=True)
    async def _policy(self, anonymous: httpx.AsyncClient) -> None:
        await published(anonymous)

    async def _assess(
        self, app: FastAPI, http: httpx.AsyncClient, household: Any, types: list[str]
    ) -> None:
        """Record `types` as decided by a real assessment of the household (its id is a
        foreign key), as the assessment's acceptance does."""
        assessment = uuid.UUID((await assessed(http, household))["id"])
        actor = await ledger_actor(app, "street_officer")
        async with app.state.services.database.sessionmaker() as session, session.begin():
            await public.record_assessed_types(session, actor, household.id, types, assessment)

    async def test_an_assessment_gives_a_new_type_as_its_decision(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        await self._assess(app, anonymous, home, ["income_poverty"])
        record = await _get(anonymous, home.id)
        assert record["target_types"] == ["income_poverty"]
        [made] = record["target_type_decisions"]
        assert (made["source"], made["deciding_body"], made["assessment_id"] is not None) == (
            "assessment",
            None,
            True,
        )
        await self._assess(app, anonymous, home, ["expenditure_poverty"])
        assert (await _get(anonymous, home.id))["target_types"] == ["expenditure_poverty"]
        listed = await anonymous.get(
            _decisions(home.id), headers=await bearer(anonymous, "street_officer")
        )
        assert [(d["target_type"], d["end_reason"]) for d in listed.json()["items"]] == [
            ("income_poverty", "superseded"),
            ("expenditure_poverty", None),
        ]

    @pytest.mark.parametrize("registered", ["dibao", "tekun", "registered_hardship"])
    async def test_not_for_a_household_with_a_registered_type(
        self, app: FastAPI, anonymous: httpx.AsyncClient, registered: str
    ) -> None:
        home = await _urban(app, target_types=[registered])
        with pytest.raises(ValidationFailed) as refused:
            await self._assess(app, anonymous, home, ["income_poverty"])
        assert refused.value.errors[0].code == "registered_type_held"
        assert (await _get(anonymous, home.id))["target_types"] == [registered]

    async def test_a_registered_decision_ends_the_assessed_type(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        home = await _urban(app)
        await self._assess(app, anonymous, home, ["expenditure_poverty"])
        assert (await _record(anonymous, home.id, target_type="registered_hardship")).is_success
        assert (await _get(anonymous, home.id))["target_types"] == ["registered_hardship"]
        listed = await anonymous.get(
            _decisions(home.id), headers=await bearer(anonymous, "street_officer")
        )
        assert [(d["target_type"], d["in_force"]) for d in listed.json()["items"]] == [
            ("expenditure_poverty", False),
            ("registered_hardship", True),
        ]

    async def test_one_new_type_at_most(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        home = await _urban(app)
        with pytest.raises(ValueError, match="one new target type"):
            await self._assess(app, anonymous, home, ["income_poverty", "expenditure_poverty"])
        with pytest.raises(ValueError, match="not decided by an assessment"):
            await self._assess(app, anonymous, home, ["dibao"])


async def test_summaries_and_records_show_target_types_in_one_shape(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    home = await _urban(app, target_types=["tekun", "registered_hardship"])
    listed = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "street_officer"))
    [summary] = listed.json()["items"]
    record = await _get(anonymous, home.id)
    assert summary["target_types"] == record["target_types"] == ["registered_hardship", "tekun"]
    assert [d["target_type"] for d in record["target_type_decisions"]] == record["target_types"]


async def _get_as(http: httpx.AsyncClient, household_id: Any, username: str) -> dict[str, Any]:
    response = await http.get(f"{HOUSEHOLDS}/{household_id}", headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_a_decision_whose_term_is_over_stops_giving_its_type(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    home = await _urban(app)
    today = business_today()
    made = (await _record(anonymous, home.id, ends_on=today.isoformat())).json()
    services = app.state.services
    async with services.database.sessionmaker() as session, session.begin():
        assert await lapse_decisions(session, services) == 0
        found = await session.get(TargetTypeDecision, uuid.UUID(made["id"]))
        assert found is not None
        found.ends_on = today - timedelta(days=1)  # as if a day had passed
    async with services.database.sessionmaker() as session, session.begin():
        assert await lapse_decisions(session, services) == 1
    record = await _get(anonymous, home.id)
    assert (record["target_types"], record["version"]) == ([], 3)
    entries = await history(anonymous, await bearer(anonymous, "street_officer"), home.id)
    assert (entries[-1]["action"], entries[-1]["actor"]) == (
        "target_type_decision.lapse",
        {"type": "system", "id": None, "display_name": None},
    )
    assert entries[-1]["changes"] == {"target_types": {"before": ["dibao"], "after": []}}
    async with services.database.sessionmaker() as session, session.begin():
        assert await lapse_decisions(session, services) == 0
