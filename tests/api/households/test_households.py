"""The household record over HTTP: create, read, change (DOMAIN 3-4; Beijing 1, 3)."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.core.id_numbers import check_character
from app.households.models import (
    Household,
    HouseholdChange,
    Membership,
    Person,
)
from app.households.plausibility import age_on
from tests.api.households.ledger_http import history, household
from tests.api.households.records import (
    HOUSEHOLDS,
    audit_events,
    bearer,
    beyond_core,
    create,
    household_body,
    member,
    patch,
    user_id,
)
from tests.factories import GRID_A1_2, add_dictionary_code, create_demo_district, id_number
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _count(
    app: FastAPI, model: type[Household] | type[Person] | type[HouseholdChange]
) -> int:
    async with app.state.services.database.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _by_name(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in body["members"]}


class TestCreate:
    async def test_answers_201_with_location_etag_and_the_whole_record(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        head_id = id_number(birth="1950-03-15", sex="female")
        spouse_id = id_number(birth="1948-06-01", sex="male")
        body = household_body(
            members=[
                member(
                    "张秀英",
                    id_number=head_id,
                    phone="13800138000",
                    employment="retired",
                    education="primary",
                    health="chronic_illness",
                    caregiver={"name": "张丽", "relation": "daughter", "phone": "13900139000"},
                    guardian={"name": " 李强 ", "relation": "son"},
                    categories=[
                        {"category": "elderly_in_distress", "subtype": "elderly_living_alone"}
                    ],
                ),
                member(
                    "李建国", "spouse", id_number=spouse_id, sex="male", birth_date="1948-06-01"
                ),
            ],
            hukou_place="重庆市渝北区",
            hukou_type="urban",
            settled_since="2008-05-01",
            target_types=["dibao"],
            categories=[{"category": "social_assistance", "subtype": "assistance_dibao"}],
            causes=["illness", "old_age"],
            needs=["medical", "care"],
        )
        response = await anonymous.post(
            HOUSEHOLDS, json=body, headers=await bearer(anonymous, "street_officer")
        )

        assert response.status_code == 201, response.text
        created = response.json()
        assert response.headers["location"] == f"/api/v1/households/{created['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert created["version"] == 1
        assert {k: created[k] for k in ("region_code", "address", "hukou_place")} == {
            k: body[k] for k in ("region_code", "address", "hukou_place")
        }
        assert created["district_code"] == "500112"
        assert (created["hukou_type"], created["settled_since"]) == ("urban", "2008-05-01")
        assert (created["causes"], created["needs"]) == (
            ["illness", "old_age"],
            ["care", "medical"],
        )
        assert created["status"] == "active"
        people = _by_name(created)
        head, spouse = people["张秀英"], people["李建国"]
        assert created["head_person_id"] == head["person_id"]
        assert (head["is_head"], spouse["is_head"]) == (True, False)
        today = business_today()
        assert head | {"person_id": None, "joined_on": None} == {
            "person_id": None,
            "name": "张秀英",
            "id_number": head_id,
            "sex": "female",
            "birth_date": "1950-03-15",
            "age": age_on(date(1950, 3, 15), today),
            "phone": "13800138000",
            "relation_to_head": "self",
            "is_head": True,
            "joined_on": None,
            "employment": "retired",
            "education": "primary",
            "health": "chronic_illness",
            "disability_type": None,
            "disability_grade": None,
            "guardian": {"name": "李强", "relation": "son", "phone": None, "note": None},
            "caregiver": {
                "name": "张丽",
                "relation": "daughter",
                "phone": "13900139000",
                "note": None,
            },
            "parents_situation": None,
            "schooling": None,
            "school": None,
            "version": 1,
        }
        assert head["joined_on"] == today.isoformat()
        assert (spouse["sex"], spouse["birth_date"], spouse["id_number"]) == (
            "male",
            "1948-06-01",
            spouse_id,
        )
        assert created["target_types"] == ["dibao"]
        (decided,) = created["target_type_decisions"]
        assert {k: decided[k] for k in ("target_type", "source", "deciding_body", "in_force")} == {
            "target_type": "dibao",
            "source": "recorded_by_staff",
            "deciding_body": "重庆市渝北区民政局",
            "in_force": True,
        }
        assert decided["recorded_at"].endswith("Z")
        assert sorted(
            (c["category"], c["subtype"], c["person_id"]) for c in created["categories"]
        ) == [
            ("elderly_in_distress", "elderly_living_alone", head["person_id"]),
            ("social_assistance", "assistance_dibao", None),
        ]
        assert created["complete"] is False
        assert beyond_core(created["missing_fields"]) == sorted(
            [
                "benefits",
                "measures_or_no_help_reason",
                f"members.{spouse['person_id']}.education",
                f"members.{spouse['person_id']}.employment",
            ]
        )

    async def test_a_record_with_every_required_field_is_complete(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(
            anonymous,
            await bearer(anonymous, "community_worker"),
            categories=[{"category": "major_illness_or_incident"}],
            basic_situation="户主突发脑溢血",
            emergency_situation="急需住院费用",
            needs=["medical"],
            no_help_reason="pending_review",
        )
        assert beyond_core(created["missing_fields"]) == []

    async def test_a_household_without_members_is_allowed_and_incomplete(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "community_worker"), members=[])
        assert (created["members"], created["head_person_id"]) == ([], None)
        assert beyond_core(created["missing_fields"]) == [
            "categories",
            "head",
            "measures_or_no_help_reason",
            "members",
            "needs",
        ]

    async def test_address_is_stored_without_surrounding_blanks(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(
            anonymous, await bearer(anonymous, "street_officer"), address="  百果园 3 栋  "
        )
        assert created["address"] == "百果园 3 栋"

    async def test_a_blank_address_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(address="   "),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "address"], "too_short")

    async def test_the_create_is_audited(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        events = await audit_events(app, "household.create")
        assert [(e.object_id, e.region_code, e.outcome, e.actor) for e in events] == [
            (
                created["id"],
                created["region_code"],
                "success",
                f"user:{await user_id(app, 'street_officer')}",
            )
        ]


class TestCreateRefusals:
    """Each rule answers 422 at the field that broke it, and nothing is written."""

    async def _refused(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        body: dict[str, Any],
        user: str = "street_officer",
    ) -> httpx.Response:
        response = await http.post(HOUSEHOLDS, json=body, headers=await bearer(http, user))
        assert await _count(app, Household) == 0
        assert await _count(app, Person) == 0
        return response

    @pytest.mark.parametrize(
        ("region", "code"),
        [
            ("500112001", "region_level"),
            ("500112", "region_level"),
            ("500112001009", "not_found"),
            ("500112001001009", "not_found"),
            ("500112002001001", "region_out_of_scope"),
        ],
    )
    async def test_region(
        self, app: FastAPI, anonymous: httpx.AsyncClient, region: str, code: str
    ) -> None:
        response = await self._refused(app, anonymous, household_body(region=region))
        assert_invalid(response, ["body", "region_code"], code)

    async def test_a_community_worker_may_not_create_outside_its_community(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await self._refused(
            app, anonymous, household_body(region="500112001002001"), user="community_worker"
        )
        assert_invalid(response, ["body", "region_code"], "region_out_of_scope")

    @pytest.mark.parametrize("target_type", ["income_poverty", "expenditure_poverty"])
    async def test_staff_may_not_record_the_assessed_target_types(
        self, app: FastAPI, anonymous: httpx.AsyncClient, target_type: str
    ) -> None:
        body = household_body(target_types=["dibao", target_type])
        response = await self._refused(app, anonymous, body)
        assert_invalid(
            response, ["body", "target_type_decisions", 1, "target_type"], "unknown_code"
        )

    async def test_target_types_are_not_ticked(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = {**household_body(), "target_types": ["dibao"]}
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "target_types"], "unknown_field")

    async def test_subtype_of_another_category(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(
            categories=[
                {"category": "other"},
                {"category": "social_assistance", "subtype": "elderly_living_alone"},
            ]
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "categories", 1, "subtype"], "subtype_mismatch")

    async def test_subtype_of_another_category_on_a_member(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(
            categories=[{"category": "other"}],
            members=[
                member(),
                member(
                    "张小明",
                    "grandchild",
                    categories=[
                        {"category": "severe_disability"},
                        {"category": "child_in_distress", "subtype": "elderly_disabled"},
                    ],
                ),
            ],
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(
            response, ["body", "members", 1, "categories", 1, "subtype"], "subtype_mismatch"
        )

    async def test_a_household_category_may_not_name_a_person(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(
            categories=[{"category": "severe_disability", "person_id": str(uuid.uuid4())}]
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "categories", 0, "person_id"], "not_a_member")

    @pytest.mark.parametrize("field", ["causes", "needs"])
    async def test_unknown_open_code(
        self, app: FastAPI, anonymous: httpx.AsyncClient, field: str
    ) -> None:
        body = {**household_body(), field: ["other", "made_up_code"]}
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", field], "unknown_code")

    async def test_unknown_no_help_reason(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        response = await self._refused(app, anonymous, household_body(no_help_reason="made_up"))
        assert_invalid(response, ["body", "no_help_reason"], "unknown_code")

    @pytest.mark.parametrize(
        "relations", [["self", "self"], ["spouse", "child"]], ids=["two_heads", "no_head"]
    )
    async def test_exactly_one_head(
        self, app: FastAPI, anonymous: httpx.AsyncClient, relations: list[str]
    ) -> None:
        body = household_body(members=[member(f"成员{i}", r) for i, r in enumerate(relations)])
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members"], "head_count")

    @pytest.mark.parametrize(
        ("bad", "code"),
        [
            ("50011219500315002", "id_number_length"),
            ("5001121950031500270", "id_number_length"),
            ("50011219500315A027", "id_number_format"),
            ("011211950031500272", "id_number_format"),
            ("500112195003150028", "id_number_checksum"),
            ("500112195002300021", "id_number_birth_date"),
            ("500112209901010021", "id_number_birth_date"),
            ("500112189912310021", "id_number_birth_date"),
        ],
    )
    async def test_each_id_number_rule_is_named_at_the_member(
        self, app: FastAPI, anonymous: httpx.AsyncClient, bad: str, code: str
    ) -> None:
        if code != "id_number_checksum" and len(bad) == 18 and bad[:17].isdigit():
            bad = bad[:17] + check_character(bad[:17])
        body = household_body(members=[member(), member("李四", "spouse", id_number=bad)])
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 1, "id_number"], code)

    async def test_a_future_birth_date_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        born = (business_today() + timedelta(days=1)).isoformat()
        body = household_body(members=[member(id_number=id_number(birth=born))])
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 0, "id_number"], "id_number_birth_date")

    async def test_sex_must_match_the_id_number(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(members=[member(id_number=id_number(sex="female"), sex="male")])
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 0, "sex"], "sex_mismatch")

    async def test_birth_date_must_match_the_id_number(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(
            members=[member(id_number=id_number(birth="1950-03-15"), birth_date="1950-03-16")]
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 0, "birth_date"], "birth_date_mismatch")

    async def test_the_same_person_twice_in_one_request(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        number = id_number()
        body = household_body(
            members=[member(id_number=number), member("张秀英", "spouse", id_number=number.lower())]
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 1, "id_number"], "duplicate")

    @pytest.mark.parametrize(
        ("extra", "loc"),
        [
            ({"favourite_colour": "red"}, ["body", "favourite_colour"]),
            ({"status": "exited"}, ["body", "status"]),
            ({"version": 7}, ["body", "version"]),
        ],
    )
    async def test_unknown_fields(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        extra: dict[str, Any],
        loc: list[str | int],
    ) -> None:
        response = await self._refused(app, anonymous, {**household_body(), **extra})
        assert_invalid(response, loc, "unknown_field")

    async def test_unknown_fields_of_a_member(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        body = household_body(members=[member(nickname="老张")])
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 0, "nickname"], "unknown_field")

    async def test_a_late_failure_leaves_nothing_behind(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """The third member fails after the household and two persons were flushed."""
        body = household_body(
            members=[
                member(),
                member("李四", "spouse"),
                member("王五", "child", id_number="500112195003150028"),
            ],
            target_types=["dibao"],
            causes=["illness"],
        )
        response = await self._refused(app, anonymous, body)
        assert_invalid(response, ["body", "members", 2, "id_number"], "id_number_checksum")
        assert await _count(app, HouseholdChange) == 0
        assert await audit_events(app, "household.create") == []

    async def test_roles_that_may_not_create(self, anonymous: httpx.AsyncClient) -> None:
        for username in ("district_officer", "social_worker", "auditor", "admin"):
            response = await anonymous.post(
                HOUSEHOLDS, json=household_body(), headers=await bearer(anonymous, username)
            )
            assert_problem(response, 403, "forbidden")


async def test_locally_added_codes_are_accepted(
    session: AsyncSession, anonymous: httpx.AsyncClient
) -> None:
    cause = await add_dictionary_code(session, "hardship_cause")
    need = await add_dictionary_code(session, "need", label_zh="本地需求", label_en="Local need")
    created = await create(
        anonymous, await bearer(anonymous, "street_officer"), causes=[cause], needs=[need]
    )
    assert (created["causes"], created["needs"]) == ([cause], [need])


class TestRead:
    async def test_the_record_with_its_etag_and_the_read_is_audited(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await create(anonymous, headers)
        response = await anonymous.get(f"{HOUSEHOLDS}/{created['id']}", headers=headers)
        assert response.status_code == 200
        assert response.json() == created
        assert response.headers["etag"] == 'W/"1"'
        events = await audit_events(app, "household.read")
        assert [(e.object_id, e.region_code, e.outcome, e.actor) for e in events] == [
            (
                created["id"],
                created["region_code"],
                "success",
                f"user:{await user_id(app, 'street_officer')}",
            )
        ]

    async def test_another_streets_household_is_not_found_and_the_attempt_recorded(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{created['id']}", headers=await bearer(anonymous, "street_officer_2")
        )
        body = assert_problem(response, 404, "not_found")
        assert created["address"] not in response.text
        assert "household_id" not in body
        denied = await audit_events(app, "denied:household.read")
        assert [(e.object_id, e.outcome, e.actor) for e in denied] == [
            (created["id"], "denied", f"user:{await user_id(app, 'street_officer_2')}")
        ]
        assert await audit_events(app, "household.read") == []

    async def test_a_household_that_does_not_exist_is_not_found_without_a_denial(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{uuid.uuid4()}", headers=await bearer(anonymous, "street_officer")
        )
        assert_problem(response, 404, "not_found")
        assert await audit_events(app, "denied:household.read") == []

    async def test_a_malformed_id_matches_no_route(self, anonymous: httpx.AsyncClient) -> None:
        """Ids in paths are UUIDs by the route itself (Starlette's `uuid` converter): anything
        else names no resource, so nothing reaches a handler or its checks."""
        response = await anonymous.get(
            f"{HOUSEHOLDS}/not-a-uuid", headers=await bearer(anonymous, "street_officer")
        )
        assert_problem(response, 404, "route_not_found")

    async def test_roles_without_ledger_access_are_forbidden(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{created['id']}", headers=await bearer(anonymous, "admin")
        )
        assert_problem(response, 403, "forbidden")

    async def test_a_department_officer_finds_no_household_without_a_referral(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        """Department officers reach a household only through a referral to their
        organisation (tests/api/referrals/test_reach.py): without one it is not found."""
        created = await create(anonymous, await bearer(anonymous, "street_officer"))
        response = await anonymous.get(
            f"{HOUSEHOLDS}/{created['id']}", headers=await bearer(anonymous, "department_officer")
        )
        assert_problem(response, 404, "not_found")

    async def test_without_a_token(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(f"{HOUSEHOLDS}/{uuid.uuid4()}")
        assert_problem(response, 401, "unauthorized")


class TestPatch:
    async def _created(
        self, http: httpx.AsyncClient, **fields: Any
    ) -> tuple[dict[str, str], dict[str, Any]]:
        headers = await bearer(http, "street_officer")
        return headers, await create(http, headers, **fields)

    async def test_if_match_is_required(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous)
        response = await anonymous.patch(
            f"{HOUSEHOLDS}/{created['id']}", json={"needs": ["medical"]}, headers=headers
        )
        assert_problem(response, 428, "if_match_required")

    async def test_a_stale_version_is_refused_and_nothing_changes(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(anonymous)
        first = await patch(anonymous, headers, created, {"needs": ["medical"]})
        assert first.status_code == 200, first.text
        stale = await patch(anonymous, headers, created, {"needs": ["care"]})
        assert_problem(stale, 412, "version_mismatch")
        current = await anonymous.get(f"{HOUSEHOLDS}/{created['id']}", headers=headers)
        assert (current.json()["needs"], current.json()["version"]) == (["medical"], 2)

    async def test_a_change_bumps_the_version_and_etag(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(
            anonymous, headers, created, {"hukou_type": "rural", "address": " 新地址 8 号 "}
        )
        assert response.status_code == 200, response.text
        changed = response.json()
        assert (changed["hukou_type"], changed["address"], changed["version"]) == (
            "rural",
            "新地址 8 号",
            2,
        )
        assert response.headers["etag"] == 'W/"2"'
        assert changed["updated_at"] >= created["updated_at"]

    async def test_no_change_keeps_the_version(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(
            anonymous,
            target_types=["dibao"],
            needs=["care", "medical"],
            categories=[{"category": "other"}],
            members=[
                member(
                    id_number=id_number(birth="1940-01-01"),
                    categories=[
                        {"category": "elderly_in_distress", "subtype": "elderly_advanced_age"}
                    ],
                )
            ],
        )
        same = {
            "address": created["address"],
            "needs": ["medical", "care"],
            "categories": [
                {"category": c["category"], "subtype": c["subtype"], "person_id": c["person_id"]}
                for c in reversed(created["categories"])
            ],
        }
        response = await patch(anonymous, headers, created, same)
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 1
        assert response.headers["etag"] == 'W/"1"'

    async def test_lists_given_are_replaced_whole_and_omitted_ones_stay(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(
            anonymous,
            target_types=["dibao", "registered_hardship"],
            causes=["illness", "old_age"],
            needs=["care", "medical"],
            no_help_reason="pending_review",
            benefits=["dibao"],
            categories=[{"category": "social_assistance", "subtype": "assistance_dibao"}],
        )
        response = await patch(
            anonymous,
            headers,
            created,
            {
                "needs": ["housing"],
                "categories": [{"category": "other"}],
            },
        )
        assert response.status_code == 200, response.text
        changed = response.json()
        assert changed["target_types"] == ["dibao", "registered_hardship"]
        assert (changed["needs"], changed["no_help_reason"]) == (["housing"], "pending_review")
        assert [(c["category"], c["subtype"]) for c in changed["categories"]] == [("other", None)]
        assert (changed["causes"], changed["benefits"]) == (["illness", "old_age"], ["dibao"])

    async def test_an_empty_list_clears_and_null_unrecords(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(
            anonymous,
            members=[member(employment="retired", education="primary")],
            categories=[{"category": "social_assistance"}],
            needs=["care"],
            benefits=["dibao"],
            no_help_reason="pending_review",
        )
        assert beyond_core(created["missing_fields"]) == []
        response = await patch(anonymous, headers, created, {"needs": [], "benefits": None})
        changed = response.json()
        assert (changed["needs"], changed["benefits"]) == ([], None)
        assert beyond_core(changed["missing_fields"]) == ["benefits", "needs"]
        recorded_none = await patch(
            anonymous, headers, changed, {"needs": ["care"], "benefits": []}
        )
        assert recorded_none.json()["benefits"] == []
        assert beyond_core(recorded_none.json()["missing_fields"]) == []

    @pytest.mark.parametrize("target_types", [["dibao"], ["income_poverty"], []])
    async def test_target_types_may_not_be_patched(
        self, anonymous: httpx.AsyncClient, target_types: list[str]
    ) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(anonymous, headers, created, {"target_types": target_types})
        assert_invalid(response, ["body", "target_types"], "unknown_field")

    async def test_the_head_must_be_a_member(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous)
        other = await create(anonymous, headers)
        response = await patch(
            anonymous,
            headers,
            created,
            {"head_person_id": other["members"][0]["person_id"]},
        )
        assert_invalid(response, ["body", "head_person_id"], "not_a_member")

    async def test_another_member_becomes_the_head(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(
            anonymous, members=[member("张秀英"), member("李建国", "spouse")]
        )
        spouse = _by_name(created)["李建国"]
        response = await patch(anonymous, headers, created, {"head_person_id": spouse["person_id"]})
        assert response.status_code == 200, response.text
        changed = response.json()
        assert changed["head_person_id"] == spouse["person_id"]
        assert (_by_name(changed)["李建国"]["is_head"], _by_name(changed)["张秀英"]["is_head"]) == (
            True,
            False,
        )
        # One `self`: the new head's relation, and the former head's is `other` unless given.
        relations = {name: m["relation_to_head"] for name, m in _by_name(changed).items()}
        assert relations == {"李建国": "self", "张秀英": "other"}
        assert [m["version"] for m in changed["members"]] == [2, 2]
        entries = [
            (e["action"], e["person_id"], e["changes"])
            for e in await history(anonymous, headers, created["id"])
        ]
        assert entries[-3:] == [
            (
                "member.update",
                _by_name(created)["张秀英"]["person_id"],
                {"relation_to_head": {"before": "self", "after": "other"}},
            ),
            (
                "member.update",
                spouse["person_id"],
                {"relation_to_head": {"before": "spouse", "after": "self"}},
            ),
            (
                "household.update",
                None,
                {
                    "head_person_id": {
                        "before": _by_name(created)["张秀英"]["person_id"],
                        "after": spouse["person_id"],
                    }
                },
            ),
        ]

    async def test_the_former_head_takes_the_relation_given(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(
            anonymous, members=[member("张秀英"), member("李小明", "child")]
        )
        child = _by_name(created)["李小明"]
        response = await patch(
            anonymous,
            headers,
            created,
            {"head_person_id": child["person_id"], "former_head_relation": "parent"},
        )
        assert response.status_code == 200, response.text
        relations = {name: m["relation_to_head"] for name, m in _by_name(response.json()).items()}
        assert relations == {"李小明": "self", "张秀英": "parent"}

    async def test_every_former_head_relation_the_contract_offers_is_accepted(
        self, document: dict[str, Any], anonymous: httpx.AsyncClient
    ) -> None:
        schema = document["components"]["schemas"]["HouseholdPatch"]
        offered = schema["properties"]["former_head_relation"]["anyOf"][0]["enum"]
        headers, current = await self._created(
            anonymous, members=[member("张秀英"), member("李小明", "child")]
        )
        for relation in offered:
            former_head = current["head_person_id"]
            new_head = next(m for m in current["members"] if m["person_id"] != former_head)
            response = await patch(
                anonymous,
                headers,
                current,
                {"head_person_id": new_head["person_id"], "former_head_relation": relation},
            )

            assert response.status_code == 200, (relation, response.text)
            current = response.json()
            relations = {m["person_id"]: m["relation_to_head"] for m in current["members"]}
            assert relations == {new_head["person_id"]: "self", former_head: relation}
        assert "self" not in offered, "a household has one head"

    async def test_a_new_head_and_a_move_in_one_change_leave_every_row_in_the_new_region(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(
            anonymous, members=[member("张秀英"), member("李建国", "spouse")]
        )
        spouse = _by_name(created)["李建国"]
        response = await patch(
            anonymous,
            headers,
            created,
            {"head_person_id": spouse["person_id"], "region_code": GRID_A1_2},
        )
        assert response.status_code == 200, response.text
        async with app.state.services.database.sessionmaker() as session:
            history_regions = set(
                await session.scalars(
                    select(HouseholdChange.region_code).where(
                        HouseholdChange.household_id == uuid.UUID(created["id"])
                    )
                )
            )
        assert history_regions == {GRID_A1_2}
        member_events = await audit_events(app, "member.update")
        assert [(e.region_code, e.changed_fields) for e in member_events] == [
            (GRID_A1_2, ["relation_to_head"]),
            (GRID_A1_2, ["relation_to_head"]),
        ]

    async def test_naming_the_head_again_changes_nothing(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(anonymous, members=[member("张秀英")])
        head = created["members"][0]
        response = await patch(anonymous, headers, created, {"head_person_id": head["person_id"]})
        assert response.status_code == 200, response.text
        assert response.json()["members"] == created["members"]
        assert response.json()["version"] == created["version"]

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"former_head_relation": "spouse"}, "requires_head_change"),
            ({"head_person_id": "HEAD", "former_head_relation": "spouse"}, "requires_head_change"),
            ({"head_person_id": "SPOUSE", "former_head_relation": "self"}, "head_exists"),
        ],
    )
    async def test_a_former_head_relation_needs_a_new_head_and_is_not_self(
        self, anonymous: httpx.AsyncClient, body: dict[str, str], code: str
    ) -> None:
        headers, created = await self._created(
            anonymous, members=[member("张秀英"), member("李建国", "spouse")]
        )
        names = {"HEAD": "张秀英", "SPOUSE": "李建国"}
        if body.get("head_person_id") in names:
            chosen = _by_name(created)[names[body["head_person_id"]]]
            body = {**body, "head_person_id": chosen["person_id"]}
        response = await patch(anonymous, headers, created, body)
        assert_invalid(response, ["body", "former_head_relation"], code)
        unchanged = await household(anonymous, headers, created["id"])
        assert unchanged["head_person_id"] == created["head_person_id"]
        assert unchanged["members"] == created["members"]

    async def test_a_category_may_name_only_a_member(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(
            anonymous,
            headers,
            created,
            {"categories": [{"category": "severe_disability", "person_id": str(uuid.uuid4())}]},
        )
        assert_invalid(response, ["body", "categories", 0, "person_id"], "not_a_member")

    @pytest.mark.parametrize("field", ["region_code", "address", "head_person_id"])
    async def test_required_fields_may_not_be_cleared(
        self, anonymous: httpx.AsyncClient, field: str
    ) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(anonymous, headers, created, {field: None})
        assert_invalid(response, ["body", field], "missing")

    async def test_moving_updates_the_members_rows_too(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(
            anonymous, members=[member(), member("李建国", "spouse")]
        )
        response = await patch(anonymous, headers, created, {"region_code": "500112001002001"})
        assert response.status_code == 200, response.text
        assert (response.json()["region_code"], response.json()["version"]) == (
            "500112001002001",
            2,
        )
        async with app.state.services.database.sessionmaker() as session:
            rows = await session.execute(
                select(Membership.region_code, Membership.district_code).where(
                    Membership.household_id == uuid.UUID(created["id"])
                )
            )
            assert sorted(tuple(r) for r in rows) == [("500112001002001", "500112")] * 2

    @pytest.mark.parametrize(
        ("region", "code"),
        [
            ("500112002001001", "region_out_of_scope"),
            ("500112001", "region_level"),
            ("500112001009", "not_found"),
        ],
    )
    async def test_moving_is_checked_like_creating(
        self, anonymous: httpx.AsyncClient, region: str, code: str
    ) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(anonymous, headers, created, {"region_code": region})
        assert_invalid(response, ["body", "region_code"], code)

    async def test_completeness_follows_the_change(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous, categories=[{"category": "other"}])
        assert "basic_situation" in created["missing_fields"]
        response = await patch(
            anonymous,
            headers,
            created,
            {
                "basic_situation": "独居",
                "emergency_situation": "无",
                "needs": ["care"],
                "no_help_reason": "declined_by_household",
            },
        )
        assert beyond_core(response.json()["missing_fields"]) == []

    async def test_another_streets_officer_cannot_change_it(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        _, created = await self._created(anonymous)
        response = await patch(
            anonymous, await bearer(anonymous, "street_officer_2"), created, {"needs": ["care"]}
        )
        assert_problem(response, 404, "not_found")

    async def test_district_officers_read_but_do_not_edit(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        _, created = await self._created(anonymous)
        response = await patch(
            anonymous, await bearer(anonymous, "district_officer"), created, {"needs": ["care"]}
        )
        assert_problem(response, 403, "forbidden")

    async def test_unknown_fields_are_refused(self, anonymous: httpx.AsyncClient) -> None:
        headers, created = await self._created(anonymous)
        response = await patch(anonymous, headers, created, {"complete": True})
        assert_invalid(response, ["body", "complete"], "unknown_field")

    async def test_the_update_is_audited_with_the_changed_fields(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers, created = await self._created(anonymous)
        await patch(anonymous, headers, created, {"needs": ["care"], "address": created["address"]})
        events = await audit_events(app, "household.update")
        assert [(e.object_id, e.changed_fields) for e in events] == [(created["id"], ["needs"])]


class TestStructuredInputs:
    """Hukou as a national division code plus type; dates that record the past not in the
    future (DOMAIN 4-5)."""

    @pytest.mark.parametrize("code", ["500112", "500112001", "500112001001", "110105", "820000"])
    async def test_a_division_code_anywhere_in_the_country_is_kept(
        self, anonymous: httpx.AsyncClient, code: str
    ) -> None:
        created = await create(
            anonymous,
            await bearer(anonymous, "street_officer"),
            hukou_region_code=code,
            hukou_type="rural",
        )
        assert (created["hukou_region_code"], created["hukou_type"]) == (code, "rural")
        assert "hukou_region_code" not in created["missing_fields"]

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("50011", "pattern"),
            ("5001120", "pattern"),
            ("500112001001001", "pattern"),
            ("990000", "division_code_invalid"),
            ("000000", "division_code_invalid"),
            ("500112000", "division_code_invalid"),
            ("500000001", "division_code_invalid"),
        ],
    )
    async def test_a_code_that_names_no_division_is_422(
        self, anonymous: httpx.AsyncClient, code: str, error: str
    ) -> None:
        response = await anonymous.post(
            HOUSEHOLDS,
            json=household_body(hukou_region_code=code),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "hukou_region_code"], error)

    async def test_settled_since_today_is_accepted_and_tomorrow_is_422(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        today = business_today()
        created = await create(anonymous, headers, settled_since=today.isoformat())
        assert created["settled_since"] == today.isoformat()
        tomorrow = (today + timedelta(days=1)).isoformat()
        refused = await anonymous.post(
            HOUSEHOLDS, json=household_body(settled_since=tomorrow), headers=headers
        )
        assert_invalid(refused, ["body", "settled_since"], "date_in_future")
        changed = await patch(anonymous, headers, created, {"settled_since": tomorrow})
        assert_invalid(changed, ["body", "settled_since"], "date_in_future")
        assert (await household(anonymous, headers, created["id"]))["version"] == 1

    async def test_a_member_joined_on_today_is_accepted_and_tomorrow_is_422(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        today = business_today()
        created = await create(anonymous, headers, members=[member(joined_on="2019-03-01")])
        assert created["members"][0]["joined_on"] == "2019-03-01"
        tomorrow = (today + timedelta(days=1)).isoformat()
        refused = await anonymous.post(
            HOUSEHOLDS, json=household_body(members=[member(joined_on=tomorrow)]), headers=headers
        )
        assert_invalid(refused, ["body", "members", 0, "joined_on"], "date_in_future")
