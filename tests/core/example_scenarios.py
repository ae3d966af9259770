"""What each operation with a request example needs before its example can be sent.

A scenario arranges the data an operation works on (through the factories and the API,
signed in as real demo users) and says who sends the example, to which objects (path
parameters, `If-Match`) and which real ids stand for the placeholder ids of the example's
body (`refs`, by field name). Everything else of the example is sent as the contract
states it. tests/core/test_contract_examples.py sends the examples.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from app.core.clock import business_today
from app.core.examples import EXAMPLE_ID_NUMBER
from app.households.record import repository
from tests.api.eligibility.policies_http import create_policy, published
from tests.api.households.ledger_http import (
    PDF,
    bearer,
    exit_household,
    open_to_social_worker,
    organization_id,
    user_id,
)
from tests.api.households.records import agency_id
from tests.api.households.transfer_http import family, filed
from tests.api.referrals.referrals_http import need_instances
from tests.api.webhooks.flow import URL as WEBHOOK_SUBSCRIPTIONS
from tests.factories import GRID_A1_2, GRID_B1_1, assign_household, create_household


@dataclass(frozen=True)
class Call:
    """How the example of one operation is sent."""

    username: str
    """A demo user, or a demo partner client when `client` is set."""
    path: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    """Real ids for the example body's placeholder ids, by field name."""
    if_match: int | None = None
    client: bool = False
    """`username` is a partner client (client credentials)."""
    idempotency_key: str | None = None
    """Sent as `Idempotency-Key` (the routes that require one)."""


Scenario = Callable[[FastAPI, httpx.AsyncClient], Awaitable[Call]]
HOUSEHOLDS = "/api/v1/households"
OFFICER = "street_officer"


async def _sent(response: Awaitable[httpx.Response]) -> dict[str, Any]:
    """The body of a setup step's response, which must have succeeded."""
    answered = await response
    assert answered.is_success, answered.text
    body: dict[str, Any] = answered.json()
    return body


async def _version(http: httpx.AsyncClient, household_id: Any) -> int:
    body = await _sent(
        http.get(f"{HOUSEHOLDS}/{household_id}", headers=await bearer(http, OFFICER))
    )
    return int(body["version"])


async def _home(app: FastAPI) -> tuple[str, str]:
    """A household of street A with its head, a member since 2020 (before the months the
    examples name): (household id, head's person id)."""
    created = await create_household(
        app, members=[{"name": "李建国", "relation_to_head": "self", "joined_on": "2020-01-01"}]
    )
    return str(created.id), str(created.head_person_id)


async def _on_household(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    return Call(OFFICER, {"household_id": household_id})


async def _versioned(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, head = await _home(app)
    return Call(
        OFFICER,
        {"household_id": household_id},
        {"person_id": head},
        if_match=await _version(http, household_id),
    )


async def _created(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call(OFFICER)


async def _assignment(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    return Call(OFFICER, {"household_id": household_id}, {"agency_id": str(await agency_id(app))})


async def _document(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    uploaded = await _sent(
        http.post(
            f"{HOUSEHOLDS}/{household_id}/documents",
            files={"file": ("授权委托书.pdf", PDF, "application/pdf")},
            data={"kind": "authorisation"},
            headers=await bearer(http, OFFICER),
        )
    )
    return Call(OFFICER, {"household_id": household_id, "document_id": uploaded["id"]})


async def _exit_proposal(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    proposed = await _sent(
        http.post(
            f"{HOUSEHOLDS}/{household_id}/exit-proposals",
            json={
                "reason": "out_of_hardship",
                "basis": {"code": "follow_up_visit", "on": business_today().isoformat()},
            },
            headers=await bearer(http, "community_worker"),
        )
    )
    return Call(OFFICER, {"household_id": household_id, "proposal_id": proposed["id"]})


async def _plan(http: httpx.AsyncClient, household_id: str) -> dict[str, Any]:
    """The household's first plan, with one item."""
    return await _sent(
        http.put(
            f"{HOUSEHOLDS}/{household_id}/plan",
            json={"goals": "稳定基本生活", "items": [{"text": "申请医疗救助"}]},
            headers=await bearer(http, OFFICER),
        )
    )


async def _measure(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    plan = await _plan(http, household_id)
    organization = str(await agency_id(app))
    return Call(
        OFFICER,
        {"household_id": household_id},
        {"organization_id": organization, "plan_item_id": plan["items"][0]["id"]},
    )


async def _measure_given(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    given = await _sent(
        http.post(
            f"{HOUSEHOLDS}/{household_id}/measures",
            json={
                "code": "temporary_assistance_cash",
                "amount": "800.00",
                "given_on": business_today().isoformat(),
                "organization_id": str(await agency_id(app)),
            },
            headers=await bearer(http, OFFICER),
        )
    )
    return Call(OFFICER, {"household_id": household_id, "measure_id": given["id"]})


async def _member(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """The head of a household, with the version of the person."""
    household_id, head = await _home(app)
    members = await _sent(
        http.get(f"{HOUSEHOLDS}/{household_id}/members", headers=await bearer(http, OFFICER))
    )
    [found] = [m for m in members["items"] if m["person_id"] == head]
    return Call(
        OFFICER, {"household_id": household_id, "person_id": head}, if_match=found["version"]
    )


async def _membership(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, head = await _home(app)
    return Call(
        OFFICER,
        {"household_id": household_id, "person_id": head},
        if_match=await _version(http, household_id),
    )


async def _pairing(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    return Call(
        OFFICER,
        {"household_id": household_id},
        {"worker_id": str(await user_id(app, "community_worker"))},
        if_match=await _version(http, household_id),
    )


async def _plan_revision(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    plan = await _plan(http, household_id)
    return Call(
        OFFICER,
        {"household_id": household_id},
        {"id": plan["items"][0]["id"], "responsible_organization_id": str(await agency_id(app))},
        if_match=plan["revision"],
    )


async def _exited(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, _ = await _home(app)
    confirmed = await exit_household(http, household_id)
    assert confirmed.is_success, confirmed.text
    return Call(OFFICER, {"household_id": household_id})


async def _decision(app: FastAPI, http: httpx.AsyncClient) -> Call:
    created = await create_household(app, hukou_type="urban")
    return Call(OFFICER, {"household_id": str(created.id)})


async def _decided(app: FastAPI, http: httpx.AsyncClient) -> Call:
    created = await create_household(app, target_types=["dibao"])
    decisions = await _sent(
        http.get(
            f"{HOUSEHOLDS}/{created.id}/target-type-decisions",
            headers=await bearer(http, OFFICER),
        )
    )
    [found] = decisions["items"]
    return Call(OFFICER, {"household_id": str(created.id), "decision_id": found["id"]})


async def _example_person(app: FastAPI) -> None:
    """The person of the examples' ID number: a member of a household of street B."""
    await create_household(
        app,
        region=GRID_B1_1,
        members=[
            {"name": "李建国", "relation_to_head": "self"},
            {"name": "张秀英", "relation_to_head": "spouse", "id_number": EXAMPLE_ID_NUMBER},
        ],
    )


async def _search(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """The district officer looks for the example person, whom it reaches."""
    await _example_person(app)
    return Call("district_officer")


async def _transfer(app: FastAPI, http: httpx.AsyncClient) -> Call:
    source = await create_household(
        app,
        members=[
            {"name": "张秀英", "relation_to_head": "self"},
            {"name": "李明", "relation_to_head": "child"},
        ],
    )
    target = await create_household(app, region=GRID_A1_2)
    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, source.id)
    [child] = [p.id for m, p in rows if m.relation_to_head == "child"]
    return Call(
        OFFICER,
        {"person_id": str(child)},
        {"from_household_id": str(source.id), "to_household_id": str(target.id)},
    )


async def _transfer_request(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """Street A asks street B for the example person."""
    await _example_person(app)
    target = await create_household(app, region=GRID_A1_2)
    return Call(OFFICER, refs={"to_household_id": str(target.id)})


def _answered_by(username: str) -> Scenario:
    """A pending request of street A for a person of street B, answered by `username`."""

    async def scenario(app: FastAPI, http: httpx.AsyncClient) -> Call:
        source = await family(app)
        target = await create_household(app, region=GRID_A1_2)
        request = await filed(http, await bearer(http, OFFICER), source.spouse_id_number, target)
        return Call(username, {"request_id": request["id"]})

    return scenario


async def _on_nothing(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A street officer of street A files the example (the grid is in its street)."""
    return Call(OFFICER)


async def _report(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A submitted report of street A, learned of before the example's investigation day,
    and an active household of street A to link it to."""
    household_id, _ = await _home(app)
    filed = await _sent(
        http.post(
            "/api/v1/discovery-reports",
            json={
                "region_code": GRID_A1_2,
                "noticed_on": "2026-11-30",
                "address": "百果园小区 3 栋 2 单元 501",
                "situation": "独居老人，近日摔伤卧床。",
                "urgency": "urgent",
                "category_guesses": ["elderly_in_distress"],
            },
            headers=await bearer(http, OFFICER),
        )
    )
    return Call(OFFICER, {"report_id": filed["id"]}, {"household_id": household_id}, if_match=1)


async def _visit_home(app: FastAPI) -> str:
    """A household of street A assigned to the agency's social worker."""
    household = await create_household(app)
    await assign_household(app, household.id)
    return str(household.id)


async def _home_visit_scheduled(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call(
        OFFICER,
        refs={
            "household_id": await _visit_home(app),
            "visitor_id": str(await user_id(app, "social_worker")),
            "scheduled_on": business_today().isoformat(),
        },
    )


async def _home_visit(http: httpx.AsyncClient, household_id: str, visitor: str) -> str:
    scheduled = await _sent(
        http.post(
            "/api/v1/home-visits",
            json={
                "household_id": household_id,
                "visitor_id": visitor,
                "scheduled_on": business_today().isoformat(),
            },
            headers=await bearer(http, OFFICER),
        )
    )
    return str(scheduled["id"])


async def _home_visit_recorded(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """The social worker, under the street's agreement, records the visit assigned to it."""
    household_id = await _visit_home(app)
    visit = await _home_visit(http, household_id, str(await user_id(app, "social_worker")))
    await open_to_social_worker(app, http)
    return Call(
        "social_worker",
        {"visit_id": visit},
        {"visited_on": business_today().isoformat()},
        if_match=1,
    )


async def _home_visit_cancelled(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id = await _visit_home(app)
    visit = await _home_visit(http, household_id, str(await user_id(app, "social_worker")))
    return Call(OFFICER, {"visit_id": visit}, if_match=1)


APPLIED_ON = "2026-12-01"
"""The day of the examples' application (its steps' example is a day after it)."""


def _application(*steps: str) -> Scenario:
    """An application of street A filed on `APPLIED_ON` by the community worker and taken
    through `steps` on that day; the street officer sends the example step."""

    async def scenario(app: FastAPI, http: httpx.AsyncClient) -> Call:
        household = await create_household(app)
        worker = await bearer(http, "community_worker")
        officer = await bearer(http, OFFICER)
        body = {"household_id": str(household.id), "mode": "self", "needs": ["medical"]}
        current = await _sent(
            http.post(
                "/api/v1/applications", json={**body, "applied_on": APPLIED_ON}, headers=worker
            )
        )
        for step in steps:
            current = await _sent(
                http.post(
                    f"/api/v1/applications/{current['id']}/{step}",
                    json={"effective_on": APPLIED_ON},
                    headers={**officer, "If-Match": f'W/"{current["version"]}"'},
                )
            )
        return Call(OFFICER, {"application_id": current["id"]}, if_match=current["version"])

    return scenario


async def _application_filed(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household = await create_household(app)
    return Call("community_worker", refs={"household_id": str(household.id)})


async def _policy_officer(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call("district_officer")


async def _policy_draft(app: FastAPI, http: httpx.AsyncClient) -> Call:
    draft = await create_policy(http)
    return Call("district_officer", {"policy_id": draft["id"]}, if_match=draft["version"])


async def _simulation_draft(app: FastAPI, http: httpx.AsyncClient) -> Call:
    draft = await create_policy(http)
    return Call("district_officer", refs={"policy_version_id": draft["id"]})


async def _assessed_household(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A household of street A under the district's published policy (from 2026-01-01), so
    the example's re-check date has a policy in force."""
    await published(http)
    household_id, _ = await _home(app)
    return Call(OFFICER, {"household_id": household_id})


async def _webhook_organization(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """An admin subscribes for the Red Cross."""
    return Call(
        "admin", refs={"organization_id": str(await organization_id(app, "渝北区红十字会"))}
    )


async def _webhook_subscription(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """The Red Cross's subscription, changed by an admin."""
    body = {
        "url": "https://hooks.redcross.example.cn/sanzhu",
        "event_types": ["referral.created"],
        "organization_id": str(await organization_id(app, "渝北区红十字会")),
    }
    created = await _sent(
        http.post(WEBHOOK_SUBSCRIPTIONS, json=body, headers=await bearer(http, "admin"))
    )
    return Call("admin", {"subscription_id": created["id"]}, if_match=created["version"])


async def _red_cross_terms(http: httpx.AsyncClient) -> dict[str, Any]:
    """The district's Red Cross aid terms for 2027, set by the district officer."""
    return await _sent(
        http.post(
            "/api/v1/red-cross/aid-terms",
            json={
                "district_code": "500112",
                "rate_percent": "50.00",
                "yearly_cap": "20000.00",
                "effective_from": "2027-01-01",
            },
            headers=await bearer(http, "district_officer"),
        )
    )


async def _red_cross_terms_set(app: FastAPI, http: httpx.AsyncClient) -> Call:
    terms = await _red_cross_terms(http)
    return Call("district_officer", {"terms_id": terms["id"]}, if_match=terms["version"])


async def _red_cross_quote(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A household of street A with its head, the 2026 terms, and the designated hospital."""
    await _sent(
        http.post(
            "/api/v1/red-cross/aid-terms",
            json={
                "district_code": "500112",
                "rate_percent": "50.00",
                "yearly_cap": "20000.00",
                "effective_from": "2026-01-01",
                "effective_to": "2026-12-31",
            },
            headers=await bearer(http, "district_officer"),
        )
    )
    household_id, head = await _home(app)
    hospital = await organization_id(app, "渝北区人民医院")
    return Call(
        OFFICER,
        refs={"household_id": household_id, "person_id": head, "institution_id": str(hospital)},
    )


REFERRALS = "/api/v1/referrals"
RED_CROSS = "渝北区红十字会"


async def _route_keeper(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call("admin")


async def _route(app: FastAPI, http: httpx.AsyncClient) -> Call:
    added = await _sent(
        http.post(
            "/api/v1/referral-routes",
            json={"need_code": "medical", "organization_kind": "red_cross", "due_working_days": 5},
            headers=await bearer(http, "admin"),
        )
    )
    return Call("admin", {"route_id": added["id"]}, if_match=added["version"])


async def _default_receiver(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call("admin", refs={"organization_id": str(await organization_id(app, RED_CROSS))})


async def _referable_need(app: FastAPI) -> dict[str, str]:
    """A household of street A with an open medical need: the ids a referral names."""
    household = await create_household(app, needs=["medical"])
    [need] = await need_instances(app, household.id)
    return {
        "need_id": str(need),
        "receiver_organization_id": str(await organization_id(app, RED_CROSS)),
    }


async def _referable(app: FastAPI, http: httpx.AsyncClient) -> Call:
    return Call(OFFICER, refs=await _referable_need(app))


def _referral(*actions: str, username: str = "department_officer") -> Scenario:
    """A referral to the Red Cross sent by the street officer, taken through `actions` by
    the Red Cross's officer."""

    async def scenario(app: FastAPI, http: httpx.AsyncClient) -> Call:
        current = await _sent(
            http.post(
                REFERRALS, json=await _referable_need(app), headers=await bearer(http, OFFICER)
            )
        )
        receiver = await bearer(http, "department_officer")
        for action in actions:
            current = await _sent(
                http.post(
                    f"{REFERRALS}/{current['id']}/{action}",
                    json={},
                    headers={**receiver, "If-Match": f'W/"{current["version"]}"'},
                )
            )
        return Call(username, {"referral_id": current["id"]}, if_match=current["version"])

    return scenario


async def _consenting_household(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A household of street A whose head (a member since 2020) consents to the Red Cross."""
    household_id, head = await _home(app)
    red_cross = await organization_id(app, "渝北区红十字会")
    return Call(
        OFFICER,
        {"household_id": household_id},
        {"organization_id": str(red_cross), "person_id": head},
    )


async def _consent(app: FastAPI, http: httpx.AsyncClient) -> Call:
    household_id, head = await _home(app)
    recorded = await _sent(
        http.post(
            f"{HOUSEHOLDS}/{household_id}/consents",
            json={
                "organization_id": str(await organization_id(app, "渝北区红十字会")),
                "person_id": head,
                "given_on": business_today().isoformat(),
                "scope": ["identity_contact"],
                "purpose": "大病救助核实",
                "method": "written",
            },
            headers=await bearer(http, OFFICER),
        )
    )
    return Call(OFFICER, {"consent_id": recorded["id"]}, if_match=recorded["version"])


async def _partner_known_household(app: FastAPI, http: httpx.AsyncClient) -> Call:
    """A household the Red Cross knows through the street officer's referral, whose street
    has a one window (the default street assistance station): the Red Cross's partner
    client pushes a need of it in."""
    await _sent(
        http.put(
            "/api/v1/referral-routes/defaults",
            json={
                "organization_kind": "street_assistance_station",
                "region_code": "500112001",
                "organization_id": str(await organization_id(app, "双龙湖街道困难群众救助服务所")),
            },
            headers=await bearer(http, "admin"),
        )
    )
    sent = await _sent(
        http.post(REFERRALS, json=await _referable_need(app), headers=await bearer(http, OFFICER))
    )
    return Call(
        "red-cross",
        refs={"household_id": sent["household_id"]},
        client=True,
        idempotency_key="example-push-1",
    )


SCENARIOS: dict[str, Scenario] = {
    "applications_create": _application_filed,
    "applications_accept": _application(),
    "applications_withdraw": _application(),
    "applications_investigate": _application("accept"),
    "applications_assess": _application("accept", "investigate"),
    "applications_approve": _application("accept", "investigate", "assess"),
    "applications_close": _application("accept", "investigate", "assess", "approve"),
    "discovery_reports_create": _on_nothing,
    "discovery_reports_dismiss": _report,
    "discovery_reports_investigate": _report,
    "discovery_reports_link": _report,
    "households_create": _created,
    "households_update": _versioned,
    "household_assets_replace": _versioned,
    "household_assignments_create": _assignment,
    "household_documents_void": _document,
    "household_exit_proposals_create": _on_household,
    "household_exit_proposals_reject": _exit_proposal,
    "household_expenditures_replace": _versioned,
    "household_incomes_replace": _versioned,
    "household_measures_create": _measure,
    "household_measures_void": _measure_given,
    "household_members_create": _on_household,
    "household_members_update": _member,
    "household_memberships_update": _membership,
    "household_paired_worker_set": _pairing,
    "household_plan_revise": _plan_revision,
    "households_reenter": _exited,
    "household_target_type_decisions_create": _decision,
    "household_target_type_decisions_end": _decided,
    "persons_search": _search,
    "persons_transfer": _transfer,
    "transfer_requests_create": _transfer_request,
    "transfer_requests_accept": _answered_by("street_officer_2"),
    "transfer_requests_cancel": _answered_by(OFFICER),
    "transfer_requests_decide": _answered_by("district_officer"),
    "transfer_requests_refuse": _answered_by("street_officer_2"),
    "home_visits_create": _home_visit_scheduled,
    "home_visits_record": _home_visit_recorded,
    "home_visits_cancel": _home_visit_cancelled,
    "policies_create": _policy_officer,
    "policies_update": _policy_draft,
    "eligibility_simulations_create": _simulation_draft,
    "household_assessments_create": _assessed_household,
    "webhook_subscriptions_create": _webhook_organization,
    "webhook_subscriptions_update": _webhook_subscription,
    "red_cross_aid_terms_create": _policy_officer,
    "red_cross_aid_terms_update": _red_cross_terms_set,
    "red_cross_aid_quotes_create": _red_cross_quote,
    "charity_reports_create": _on_nothing,
    "referral_routes_create": _route_keeper,
    "referral_routes_update": _route,
    "referral_routes_defaults_set": _default_receiver,
    "referrals_create": _referable,
    "referrals_receive": _referral(),
    "referrals_accept": _referral("receive"),
    "referrals_start": _referral("receive", "accept"),
    "referrals_cancel": _referral("receive", username=OFFICER),
    "partner_referrals_create": _partner_known_household,
    "household_consents_create": _consenting_household,
    "consents_withdraw": _consent,
}
"""Operation id -> its scenario."""

UNCOVERED: dict[str, str] = {
    "applications_reject": "the steps share one example, without a reason; a rejection needs "
    "one (tests/api/intake/test_applications.py sends it)",
    "applications_not_approve": "the steps share one example, without a reason; a decision "
    "not to approve needs one (tests/api/intake/test_applications.py sends it)",
    "referrals_reject": "the actions share one example, without a reason; a rejection needs "
    "one (tests/api/referrals/test_actions.py sends it)",
    "referrals_fail": "the actions share one example, without a reason; a failure needs one "
    "(tests/api/referrals/test_actions.py sends it)",
    "referrals_complete": "the actions share one example, without an outcome; completing "
    "needs one (tests/api/referrals/test_actions.py sends it)",
}
"""Operation id -> why its example cannot be sent by this test."""
