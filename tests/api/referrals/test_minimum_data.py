"""The minimum household data a referral carries (DOMAIN 7; PIPL art. 6, 23): the list of
the receiver's kind, whole for a government department, else what the household's consent
in force covers, the rest de-identified; masked for the reader's role; staff see what the
receiver sees; a read showing personal data is audited as a read of the household."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.consents.public import AGE_BANDS, FULL_SCOPE
from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.referrals.minimum_data import MINIMUM, SCOPES, granted, listed_for
from app.referrals.minimum_schemas import AgeBand, Item
from tests.api.households.ledger_http import bearer, fetch
from tests.api.referrals.referrals_http import (
    MEDICAL_SECURITY,
    RED_CROSS,
    REFERRALS,
    consent,
    refer,
)
from tests.factories import create_demo_district, create_household, id_number

EDUCATION = "渝北区教育委员会"
HEAD_PHONE = "13800001234"
ADDRESS = "双龙湖街道金港路 12 号 3-2"
PERSONAL = ("head_name", "contact_phone", "address", "members", "health_disability")


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
def http(anonymous: httpx.AsyncClient) -> httpx.AsyncClient:
    """The client, logging in per request as the test says."""
    return anonymous


async def _household(app: FastAPI, need: str = "medical") -> Any:
    """A head of 70 with a major illness and a phone, a healthy spouse, and a child of 10."""
    return await create_household(
        app,
        needs=[need],
        address=ADDRESS,
        members=[
            {
                "name": "张秀英",
                "relation_to_head": "self",
                "id_number": id_number(birth="1956-01-02"),
                "phone": HEAD_PHONE,
                "health": "major_illness",
            },
            {
                "name": "李建国",
                "relation_to_head": "spouse",
                "id_number": id_number(birth="1955-05-05", sex="male"),
                "health": "healthy",
            },
            {
                "name": "李小明",
                "relation_to_head": "grandchild",
                "id_number": id_number(birth="2016-03-03", sex="male"),
                "schooling": "in_school",
            },
        ],
    )


async def _refer(
    app: FastAPI, http: httpx.AsyncClient, household: Any, receiver: str, need: str = "medical"
) -> dict[str, Any]:
    return await refer(app, http, household, receiver, need)


async def _read(http: httpx.AsyncClient, referral: dict[str, Any], username: str) -> Any:
    response = await http.get(f"{REFERRALS}/{referral['id']}", headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    return response.json()["household_data"]


def _deidentified(data: Any) -> None:
    """Only the street, the need and the head's age band."""
    assert data["street_code"] == "500112001"
    assert data["head_age_band"] == "60-79"
    for item in (*PERSONAL, "school_age_children"):
        assert data[item] is None


async def test_a_government_department_gets_its_whole_list_and_staff_see_the_same(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app)
    referral = await _refer(app, http, household, MEDICAL_SECURITY)
    data = await _read(http, referral, "street_officer")
    assert data["basis"] == "government"
    assert data["consent_id"] is None
    assert data["listed"] == ["head_name", "contact_phone", "address", "health_disability"]
    assert data["withheld"] == []
    assert (data["head_name"], data["contact_phone"], data["address"]) == (
        "张秀英",
        HEAD_PHONE,
        ADDRESS,
    )
    # Only the illness goes: the healthy spouse and the child are no health facts.
    assert data["health_disability"] == [
        {
            "relation_to_head": "self",
            "age_band": "60-79",
            "health": "major_illness",
            "disability_type": None,
            "disability_grade": None,
        }
    ]
    # Never more than the list: no composition, no children for the health side.
    assert data["members"] is None
    assert data["school_age_children"] is None
    assert data["need_code"] == "medical"


async def test_a_grid_worker_reads_the_block_masked(app: FastAPI, http: httpx.AsyncClient) -> None:
    household = await _household(app)
    referral = await _refer(app, http, household, MEDICAL_SECURITY)
    data = await _read(http, referral, "grid_worker")
    assert data["head_name"] == "张**"
    assert data["contact_phone"] == "138****1234"
    assert data["address"] == "*" * len(ADDRESS)


async def test_without_consent_the_red_cross_gets_de_identified_data_only(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app)
    referral = await _refer(app, http, household, RED_CROSS)
    for reader in ("department_officer", "street_officer"):
        data = await _read(http, referral, reader)
        assert data["basis"] == "no_consent"
        assert data["withheld"] == data["listed"]
        _deidentified(data)
    events = await fetch(
        app,
        select(AuditEvent.object_id).where(AuditEvent.action == "referral.household_data.read"),
    )
    assert events == []


async def test_a_consent_gives_the_items_its_scope_covers_and_is_audited(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app)
    given = await consent(app, http, household, ["identity_contact"])
    referral = await _refer(app, http, household, RED_CROSS)
    data = await _read(http, referral, "department_officer")
    assert data["basis"] == "consent"
    assert data["consent_id"] == given["id"]
    assert data["withheld"] == ["health_disability"]
    assert (data["head_name"], data["contact_phone"], data["address"]) == (
        "张秀英",
        HEAD_PHONE,
        ADDRESS,
    )
    assert data["health_disability"] is None
    events = await fetch(
        app,
        select(AuditEvent.object_type, AuditEvent.object_id).where(
            AuditEvent.action == "referral.household_data.read"
        ),
    )
    # The sender's answer to the POST showed the block too: two reads of the household.
    assert events == [("household", str(household.id))] * 2


async def test_a_full_consent_gives_the_whole_list(app: FastAPI, http: httpx.AsyncClient) -> None:
    household = await _household(app)
    await consent(app, http, household, sorted(FULL_SCOPE))
    referral = await _refer(app, http, household, RED_CROSS)
    data = await _read(http, referral, "department_officer")
    assert data["withheld"] == []
    assert data["health_disability"][0]["health"] == "major_illness"


async def test_a_withdrawn_consent_stops_the_sharing(app: FastAPI, http: httpx.AsyncClient) -> None:
    household = await _household(app)
    given = await consent(app, http, household, sorted(FULL_SCOPE))
    referral = await _refer(app, http, household, RED_CROSS)
    response = await http.post(
        f"/api/v1/consents/{given['id']}/withdraw",
        json={"reason": "户主不再同意"},
        headers={**await bearer(http, "street_officer"), "If-Match": f'W/"{given["version"]}"'},
    )
    assert response.status_code == 200, response.text
    data = await _read(http, referral, "department_officer")
    assert data["basis"] == "no_consent"
    assert data["consent_id"] is None
    _deidentified(data)


async def test_a_consent_shares_up_to_its_end_day_and_not_the_day_after(
    app: FastAPI, http: httpx.AsyncClient, today_is: Callable[[date], None]
) -> None:
    household = await _household(app)
    until = business_today() + timedelta(days=2)
    given = await consent(app, http, household, sorted(FULL_SCOPE), valid_until=until.isoformat())
    referral = await _refer(app, http, household, RED_CROSS)
    today_is(until)
    data = await _read(http, referral, "department_officer")
    assert (data["basis"], data["consent_id"], data["withheld"]) == ("consent", given["id"], [])
    assert (data["head_name"], data["contact_phone"]) == ("张秀英", HEAD_PHONE)
    today_is(until + timedelta(days=1))
    for reader in ("department_officer", "street_officer"):
        data = await _read(http, referral, reader)
        assert (data["basis"], data["consent_id"]) == ("no_consent", None)
        assert data["withheld"] == data["listed"]
        _deidentified(data)


async def test_education_gets_the_school_age_children_by_name_and_age(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app, need="education")
    referral = await _refer(app, http, household, EDUCATION, need="education")
    data = await _read(http, referral, "street_officer")
    assert data["basis"] == "government"
    [child] = data["school_age_children"]
    assert child["name"] == "李小明"
    assert child["schooling"] == "in_school"
    assert 9 <= child["age"] <= 10
    assert data["address"] is None
    assert data["health_disability"] is None


def test_every_item_needs_a_scope_and_no_consent_grants_nothing() -> None:
    assert set(SCOPES) == set(Item)
    assert all(SCOPES[i] <= FULL_SCOPE for i in Item)
    for listed in MINIMUM.values():
        assert granted(listed, frozenset()) == ()
        assert granted(listed, FULL_SCOPE) == listed
        assert granted(listed, None) == listed
    assert listed_for("a_kind_added_later") == (Item.head_name, Item.contact_phone)
    assert get_args(AgeBand) == tuple(label for *_, label in AGE_BANDS)


async def test_housing_gets_the_composition_and_no_health_facts(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app, need="housing")
    referral = await _refer(app, http, household, "渝北区住房和城乡建设委员会", need="housing")
    data = await _read(http, referral, "street_officer")
    assert data["listed"] == ["head_name", "contact_phone", "address", "members"]
    assert [(m["relation_to_head"], m["sex"]) for m in data["members"]] == [
        ("self", "female"),
        ("spouse", "male"),
        ("grandchild", "male"),
    ]
    assert data["members"][1]["age"] >= 70
    assert "name" not in data["members"][0]
    assert data["health_disability"] is None


async def test_a_consent_to_another_organisation_grants_nothing_and_a_full_one_its_list_only(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await _household(app)
    await consent(app, http, household, sorted(FULL_SCOPE), organization="渝北区慈善会")
    to_red_cross = await _refer(app, http, household, RED_CROSS)
    assert (await _read(http, to_red_cross, "street_officer"))["basis"] == "no_consent"
    to_charity = await _refer(app, http, household, "渝北区慈善会")
    data = await _read(http, to_charity, "street_officer")
    assert data["basis"] == "consent"
    assert data["withheld"] == []
    assert data["head_name"] == "张秀英"
    # Everything consented, yet the charity federation's list is contact data only.
    assert (data["members"], data["health_disability"], data["school_age_children"]) == (
        None,
        None,
        None,
    )
