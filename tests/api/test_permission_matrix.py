"""Every route x every role (and anonymous), from one table (DOMAIN 1).

A route added without a row here fails `test_every_route_has_a_row`. For each
caller the table says whether the route is public, or which roles may call
it: anonymous callers of a protected route get 401, roles that may never
call it get 403, permitted roles get past both (any other status).
"""

import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.permissions import PEOPLE, Role
from app.core.routing import IDEMPOTENCY_KEY, Idempotency
from tests.conftest import sign_in
from tests.factories import DEMO_PASSWORD, create_demo_district
from tests.problems import PROBLEM_MEDIA_TYPE

PUBLIC = "public"
EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.admin})
AUDIT = frozenset({Role.auditor, Role.district_officer})
CONFIDENTIALITY = frozenset({Role.district_officer, Role.street_officer})
REGION_STAFF = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.grid_worker}
)
LEDGER_READ = REGION_STAFF | {Role.social_worker, Role.auditor}
# Grid workers read their grid masked and do not write the ledger (DOMAIN 4).
LEDGER_WRITE = frozenset({Role.street_officer, Role.community_worker, Role.social_worker})
DECIDE = frozenset({Role.district_officer, Role.street_officer})
LEDGER_CREATE = frozenset({Role.street_officer, Role.community_worker})
# Routes that take an ID number: only roles that see ID numbers whole (the auditor here
# has no grant, so it sees them masked).
BY_ID_NUMBER_READ = LEDGER_READ - {Role.grid_worker, Role.auditor}
BY_ID_NUMBER_WRITE = LEDGER_WRITE
STREET = frozenset({Role.street_officer})
STREET_AND_COMMUNITY = frozenset({Role.street_officer, Role.community_worker})
LEDGER_QUALITY = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
)
IMPORTS = frozenset({Role.street_officer, Role.community_worker})
DOCUMENTS_WRITE = frozenset({Role.street_officer, Role.community_worker, Role.social_worker})
TRANSFER = frozenset({Role.district_officer, Role.street_officer, Role.community_worker})
DISTRICT = frozenset({Role.district_officer})
# Measures given: those who give or arrange them; not grid workers, not district officers.
MEASURES = frozenset({Role.street_officer, Role.community_worker, Role.social_worker})
STAFF = REGION_STAFF | {Role.social_worker, Role.department_officer}
# Discovery reports: region staff and auditors read; the three-level network files (a grid
# worker without an ID number); street officers and community workers triage (DOMAIN 6).
REPORTS_READ = REGION_STAFF | {Role.auditor}
REPORTS_FILE = REGION_STAFF - {Role.district_officer}
# Home visits are recorded by the visitor: a social worker or a community worker (DOMAIN 6).
VISIT_RECORD = frozenset({Role.social_worker, Role.community_worker})
# Intake deadlines: region staff who act on them, and auditors; not grid workers (DOMAIN 6).
DEADLINES = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
)
# The one window (DOMAIN 6): staff of the network and social workers file; a grid worker
# too, for the households paired with it (the service checks the pairing).
APPLICATIONS_FILE = frozenset(
    {Role.street_officer, Role.community_worker, Role.social_worker, Role.grid_worker}
)
# Policy versions (DOMAIN 1, 5): the district sets them; those who apply them read them, as
# do admins (reference data) and auditors; grid workers, departments and partners do not.
POLICIES_READ = frozenset(
    {
        Role.admin,
        Role.district_officer,
        Role.street_officer,
        Role.community_worker,
        Role.social_worker,
        Role.auditor,
    }
)
# Assessments (DOMAIN 5): the network's officers and community workers run them; social
# workers and auditors read them too; accepting a finding is a decision (DECIDE).
ASSESSMENTS_RUN = frozenset({Role.district_officer, Role.street_officer, Role.community_worker})
ASSESSMENTS_READ = ASSESSMENTS_RUN | {Role.social_worker, Role.auditor}
# Webhook subscriptions (issue 16): partner systems for their own organisation, admins for all.
WEBHOOKS = frozenset({Role.admin, Role.partner})
_HOOKS = "/api/v1/webhook-subscriptions"
# Red Cross major-illness aid (Yubei 3(3)1(3)): the Red Cross's staff and systems quote, and
# the street and community preparing an application; the district (and admins) set the terms.
RED_CROSS_QUOTES = frozenset(
    {Role.department_officer, Role.partner, Role.street_officer, Role.community_worker}
)
RED_CROSS_TERMS_READ = RED_CROSS_QUOTES | {Role.admin, Role.district_officer, Role.auditor}
RED_CROSS_TERMS_WRITE = frozenset({Role.admin, Role.district_officer})
# Referrals (DOMAIN 7): region staff and social workers read the routing table that
# administrators keep; the sending side (street, community, social workers, the district)
# sends and cancels; the receiving organisation's department officers and partner systems
# take the other actions and read the referrals addressed to them (department officers also
# one household while a referral to them is open); partner systems push referrals in and
# cancel the ones they pushed.
ROUTES_READ = REGION_STAFF | {Role.admin, Role.social_worker}
REFERRAL_SENDERS = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.social_worker}
)
RECEIVERS = frozenset({Role.department_officer, Role.partner})
REFERRALS_READ = LEDGER_READ | RECEIVERS
REFERRED_HOUSEHOLD_READ = LEDGER_READ | {Role.department_officer}
REFERRAL_CANCELLERS = REFERRAL_SENDERS | {Role.partner}
PARTNER = frozenset({Role.partner})
# Consents to share (PIPL art. 23): recorded and withdrawn by those who meet the household;
# read by them, district officers and auditors; not grid workers (masked data only).
CONSENTS_RECORD = frozenset({Role.street_officer, Role.community_worker, Role.social_worker})
CONSENTS_READ = CONSENTS_RECORD | {Role.district_officer, Role.auditor}
# The charity federation's monthly report: the street, the district and admins generate it;
# they, auditors and partner systems (the charity federation's; others get 404) read it.
CHARITY_REPORTS_GENERATE = frozenset({Role.admin, Role.district_officer, Role.street_officer})
CHARITY_REPORTS_READ = CHARITY_REPORTS_GENERATE | {Role.auditor, Role.partner}

EXPECTED: dict[tuple[str, str], str | frozenset[Role]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("POST", "/api/v1/auth/refresh"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): PUBLIC,
    ("GET", "/api/v1/auth/jwks"): PUBLIC,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("GET", "/api/v1/users/me"): PEOPLE,
    ("PATCH", "/api/v1/users/me"): PEOPLE,
    ("POST", "/api/v1/users/me/password"): PEOPLE,
    ("GET", "/api/v1/users/{user_id}"): ADMIN,
    ("PATCH", "/api/v1/users/{user_id}"): ADMIN,
    ("GET", "/api/v1/staff"): STAFF,
    ("GET", "/api/v1/staff/{user_id}"): STAFF,
    ("GET", "/api/v1/api-clients"): ADMIN,
    ("POST", "/api/v1/api-clients"): ADMIN,
    ("PATCH", "/api/v1/api-clients/{client_id}"): ADMIN,
    ("GET", "/api/v1/login-locks"): ADMIN,
    ("DELETE", "/api/v1/login-locks/{subject}"): ADMIN,
    ("GET", "/api/v1/confidentiality-agreements"): CONFIDENTIALITY,
    ("POST", "/api/v1/confidentiality-agreements"): CONFIDENTIALITY,
    ("POST", "/api/v1/users/me/confidentiality-acknowledgement"): PEOPLE,
    ("GET", "/api/v1/auditor-grants"): AUDIT,
    ("POST", "/api/v1/auditor-grants"): frozenset({Role.district_officer}),
    ("POST", "/api/v1/auditor-grants/{grant_id}/revoke"): frozenset({Role.district_officer}),
    ("POST", "/api/v1/regions"): ADMIN,
    ("PATCH", "/api/v1/regions/{code}"): ADMIN,
    ("POST", "/api/v1/organizations"): ADMIN,
    ("PATCH", "/api/v1/organizations/{organization_id}"): ADMIN,
    ("POST", "/api/v1/dictionaries/{table}/codes"): ADMIN,
    ("PUT", "/api/v1/calendar/years/{year}"): ADMIN,
    ("PUT", "/api/v1/calendar/days/{day}"): ADMIN,
    ("GET", "/api/v1/regions"): EVERYONE,
    ("GET", "/api/v1/regions/{code}"): EVERYONE,
    ("GET", "/api/v1/regions/{code}/subtree"): EVERYONE,
    ("GET", "/api/v1/organizations"): EVERYONE,
    ("GET", "/api/v1/organizations/{organization_id}"): EVERYONE,
    ("GET", "/api/v1/dictionaries"): PUBLIC,
    ("GET", "/api/v1/calendar"): EVERYONE,
    ("GET", "/api/v1/calendar/years"): EVERYONE,
    ("GET", "/api/v1/calendar/add-working-days"): EVERYONE,
    ("GET", "/api/v1/calendar/working-days-between"): EVERYONE,
    ("GET", "/api/v1/audit-events"): AUDIT,
    ("GET", "/api/v1/households"): LEDGER_READ,
    ("POST", "/api/v1/households"): LEDGER_CREATE,
    ("GET", "/api/v1/households/completeness"): LEDGER_QUALITY,
    ("GET", "/api/v1/households/{household_id}"): REFERRED_HOUSEHOLD_READ,
    ("PATCH", "/api/v1/households/{household_id}"): LEDGER_WRITE,
    ("GET", "/api/v1/households/{household_id}/history"): LEDGER_READ,
    ("GET", "/api/v1/households/{household_id}/members"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/members"): BY_ID_NUMBER_WRITE,
    ("PATCH", "/api/v1/households/{household_id}/members/{person_id}"): LEDGER_WRITE,
    ("PATCH", "/api/v1/households/{household_id}/members/{person_id}/membership"): LEDGER_WRITE,
    ("DELETE", "/api/v1/households/{household_id}/members/{person_id}"): LEDGER_WRITE,
    ("POST", "/api/v1/persons/{person_id}/transfer"): TRANSFER,
    ("GET", "/api/v1/transfer-requests"): TRANSFER,
    ("POST", "/api/v1/transfer-requests"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/transfer-requests/{request_id}"): TRANSFER,
    ("POST", "/api/v1/transfer-requests/{request_id}/accept"): STREET,
    ("POST", "/api/v1/transfer-requests/{request_id}/refuse"): STREET,
    ("POST", "/api/v1/transfer-requests/{request_id}/decide"): DISTRICT,
    ("POST", "/api/v1/transfer-requests/{request_id}/cancel"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/worklists/transfer-requests"): DISTRICT,
    ("GET", "/api/v1/discovery-reports"): REPORTS_READ,
    ("POST", "/api/v1/discovery-reports"): REPORTS_FILE,
    ("GET", "/api/v1/discovery-reports/{report_id}"): REPORTS_READ,
    ("POST", "/api/v1/discovery-reports/{report_id}/link"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/discovery-reports/{report_id}/dismiss"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/discovery-reports/{report_id}/investigate"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/applications"): LEDGER_READ,
    ("POST", "/api/v1/applications"): APPLICATIONS_FILE,
    ("GET", "/api/v1/applications/{application_id}"): LEDGER_READ,
    ("POST", "/api/v1/applications/{application_id}/accept"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/applications/{application_id}/reject"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/applications/{application_id}/investigate"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/applications/{application_id}/assess"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/applications/{application_id}/approve"): DECIDE,
    ("POST", "/api/v1/applications/{application_id}/not_approve"): DECIDE,
    ("POST", "/api/v1/applications/{application_id}/close"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/applications/{application_id}/withdraw"): APPLICATIONS_FILE,
    ("POST", "/api/v1/persons/search"): BY_ID_NUMBER_READ,
    ("GET", "/api/v1/households/{household_id}/assignments"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/assignments"): STREET,
    ("DELETE", "/api/v1/households/{household_id}/assignments/{assignment_id}"): STREET,
    ("PUT", "/api/v1/households/{household_id}/paired-worker"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/households/{household_id}/plan"): LEDGER_READ,
    ("GET", "/api/v1/households/{household_id}/plan/versions"): LEDGER_READ,
    ("PUT", "/api/v1/households/{household_id}/plan"): LEDGER_WRITE,
    ("GET", "/api/v1/households/{household_id}/measures"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/measures"): MEASURES,
    ("POST", "/api/v1/households/{household_id}/measures/{measure_id}/void"): MEASURES,
    ("GET", "/api/v1/households/{household_id}/needs"): LEDGER_READ,
    ("GET", "/api/v1/households/{household_id}/episodes"): LEDGER_READ,
    ("GET", "/api/v1/households/{household_id}/exit-proposals"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/exit-proposals"): STREET_AND_COMMUNITY,
    ("POST", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/confirm"): STREET,
    ("POST", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/reject"): STREET,
    ("POST", "/api/v1/households/{household_id}/reentry"): STREET,
    ("GET", "/api/v1/households/{household_id}/target-type-decisions"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/target-type-decisions"): DECIDE,
    (
        "POST",
        "/api/v1/households/{household_id}/target-type-decisions/{decision_id}/end",
    ): DECIDE,
    ("POST", "/api/v1/imports"): IMPORTS,
    ("GET", "/api/v1/imports"): IMPORTS,
    ("GET", "/api/v1/imports/template"): IMPORTS,
    ("GET", "/api/v1/imports/{import_id}"): IMPORTS,
    ("GET", "/api/v1/imports/{import_id}/errors"): IMPORTS,
    ("GET", "/api/v1/households/{household_id}/incomes"): LEDGER_READ,
    ("PUT", "/api/v1/households/{household_id}/incomes"): LEDGER_WRITE,
    ("GET", "/api/v1/households/{household_id}/expenditures"): LEDGER_READ,
    ("PUT", "/api/v1/households/{household_id}/expenditures"): LEDGER_WRITE,
    ("GET", "/api/v1/households/{household_id}/assets"): LEDGER_READ,
    ("PUT", "/api/v1/households/{household_id}/assets"): LEDGER_WRITE,
    ("GET", "/api/v1/households/{household_id}/documents"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/documents"): DOCUMENTS_WRITE,
    ("GET", "/api/v1/households/{household_id}/documents/{document_id}"): LEDGER_READ,
    ("GET", "/api/v1/households/{household_id}/documents/{document_id}/content"): LEDGER_READ,
    ("POST", "/api/v1/households/{household_id}/documents/{document_id}/void"): DOCUMENTS_WRITE,
    ("GET", "/api/v1/worklists/deadlines"): DEADLINES,
    ("GET", "/api/v1/deadlines/{deadline_id}"): DEADLINES,
    ("POST", "/api/v1/home-visits"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/home-visits"): LEDGER_READ,
    ("GET", "/api/v1/home-visits/{visit_id}"): LEDGER_READ,
    ("POST", "/api/v1/home-visits/{visit_id}/record"): VISIT_RECORD,
    ("POST", "/api/v1/home-visits/{visit_id}/cancel"): STREET_AND_COMMUNITY,
    ("GET", "/api/v1/inbox"): PEOPLE,
    ("POST", "/api/v1/inbox/{item_id}/read"): PEOPLE,
    ("GET", "/api/v1/policies"): POLICIES_READ,
    ("POST", "/api/v1/policies"): DISTRICT,
    # The priority list: the staff who allot help, and auditors (DOMAIN 5).
    ("GET", "/api/v1/eligibility/priority"): DEADLINES,
    ("GET", "/api/v1/policies/{policy_id}"): POLICIES_READ,
    ("PATCH", "/api/v1/policies/{policy_id}"): DISTRICT,
    ("POST", "/api/v1/policies/{policy_id}/publish"): DISTRICT,
    ("POST", "/api/v1/policies/{policy_id}/retire"): DISTRICT,
    # Simulations: district officers run and read them, in their own district.
    ("POST", "/api/v1/eligibility/simulations"): DISTRICT,
    ("GET", "/api/v1/eligibility/simulations"): DISTRICT,
    ("GET", "/api/v1/eligibility/simulations/{simulation_id}"): DISTRICT,
    ("POST", "/api/v1/eligibility/simulations/{simulation_id}/cancel"): DISTRICT,
    ("GET", "/api/v1/eligibility/simulations/{simulation_id}/changes"): DISTRICT,
    ("GET", "/api/v1/eligibility/simulations/{simulation_id}/changes.csv"): DISTRICT,
    ("POST", "/api/v1/households/{household_id}/assessments"): ASSESSMENTS_RUN,
    ("GET", "/api/v1/households/{household_id}/assessments"): ASSESSMENTS_READ,
    ("GET", "/api/v1/assessments/{assessment_id}"): ASSESSMENTS_READ,
    ("POST", "/api/v1/assessments/{assessment_id}/accept"): DECIDE,
    ("GET", _HOOKS): WEBHOOKS,
    ("POST", _HOOKS): WEBHOOKS,
    ("GET", _HOOKS + "/{subscription_id}"): WEBHOOKS,
    ("PATCH", _HOOKS + "/{subscription_id}"): WEBHOOKS,
    ("DELETE", _HOOKS + "/{subscription_id}"): WEBHOOKS,
    ("POST", _HOOKS + "/{subscription_id}/rotate-secret"): WEBHOOKS,
    ("GET", _HOOKS + "/{subscription_id}/deliveries"): WEBHOOKS,
    ("GET", _HOOKS + "/{subscription_id}/deliveries/{delivery_id}"): WEBHOOKS,
    ("POST", _HOOKS + "/{subscription_id}/deliveries/{delivery_id}/replay"): WEBHOOKS,
    ("GET", "/api/v1/red-cross/aid-terms"): RED_CROSS_TERMS_READ,
    ("POST", "/api/v1/red-cross/aid-terms"): RED_CROSS_TERMS_WRITE,
    ("GET", "/api/v1/red-cross/aid-terms/{terms_id}"): RED_CROSS_TERMS_READ,
    ("PATCH", "/api/v1/red-cross/aid-terms/{terms_id}"): RED_CROSS_TERMS_WRITE,
    ("GET", "/api/v1/red-cross/aid-quotes"): RED_CROSS_QUOTES,
    ("POST", "/api/v1/red-cross/aid-quotes"): RED_CROSS_QUOTES,
    ("GET", "/api/v1/red-cross/aid-quotes/{quote_id}"): RED_CROSS_QUOTES,
    ("GET", "/api/v1/referral-routes"): ROUTES_READ,
    ("POST", "/api/v1/referral-routes"): ADMIN,
    ("PATCH", "/api/v1/referral-routes/{route_id}"): ADMIN,
    ("DELETE", "/api/v1/referral-routes/{route_id}"): ADMIN,
    ("GET", "/api/v1/referral-routes/defaults"): ROUTES_READ,
    ("PUT", "/api/v1/referral-routes/defaults"): ADMIN,
    ("DELETE", "/api/v1/referral-routes/defaults/{default_id}"): ADMIN,
    ("POST", "/api/v1/referrals"): REFERRAL_SENDERS,
    ("GET", "/api/v1/referrals"): REFERRALS_READ,
    ("GET", "/api/v1/referrals/{referral_id}"): REFERRALS_READ,
    ("POST", "/api/v1/referrals/{referral_id}/receive"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/accept"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/reject"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/start"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/complete"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/fail"): RECEIVERS,
    ("POST", "/api/v1/referrals/{referral_id}/cancel"): REFERRAL_CANCELLERS,
    ("POST", "/api/v1/partner/referrals"): PARTNER,
    ("GET", "/api/v1/worklists/referrals"): REFERRAL_SENDERS,
    ("POST", "/api/v1/households/{household_id}/consents"): CONSENTS_RECORD,
    ("GET", "/api/v1/households/{household_id}/consents"): CONSENTS_READ,
    ("GET", "/api/v1/consents/{consent_id}"): CONSENTS_READ,
    ("POST", "/api/v1/consents/{consent_id}/withdraw"): CONSENTS_RECORD,
    ("POST", "/api/v1/charity-reports"): CHARITY_REPORTS_GENERATE,
    ("GET", "/api/v1/charity-reports"): CHARITY_REPORTS_READ,
    ("GET", "/api/v1/charity-reports/{charity_report_id}"): CHARITY_REPORTS_READ,
    ("GET", "/api/v1/charity-reports/{charity_report_id}/export"): CHARITY_REPORTS_READ,
}

PATH_VALUES = {
    "code": "500112",
    "user_id": str(uuid.UUID(int=1)),
    "client_id": str(uuid.UUID(int=2)),
    "organization_id": str(uuid.UUID(int=3)),
    "subject": "account:nobody",
    "household_id": str(uuid.UUID(int=4)),
    "person_id": str(uuid.UUID(int=5)),
    "assignment_id": str(uuid.UUID(int=6)),
    "decision_id": str(uuid.UUID(int=12)),
    "grant_id": str(uuid.UUID(int=4)),
    "import_id": str(uuid.UUID(int=7)),
    "document_id": str(uuid.UUID(int=8)),
    "request_id": str(uuid.UUID(int=9)),
    "measure_id": str(uuid.UUID(int=10)),
    "proposal_id": str(uuid.UUID(int=11)),
    "report_id": str(uuid.UUID(int=16)),
    "visit_id": str(uuid.UUID(int=13)),
    "item_id": str(uuid.UUID(int=14)),
    "deadline_id": str(uuid.UUID(int=15)),
    "application_id": str(uuid.UUID(int=17)),
    "policy_id": str(uuid.UUID(int=18)),
    "assessment_id": str(uuid.UUID(int=19)),
    "simulation_id": str(uuid.UUID(int=20)),
    "subscription_id": str(uuid.UUID(int=21)),
    "delivery_id": str(uuid.UUID(int=22)),
    "terms_id": str(uuid.UUID(int=23)),
    "quote_id": str(uuid.UUID(int=24)),
    "route_id": str(uuid.UUID(int=25)),
    "default_id": str(uuid.UUID(int=26)),
    "referral_id": str(uuid.UUID(int=27)),
    "consent_id": str(uuid.UUID(int=32)),
    "charity_report_id": str(uuid.UUID(int=33)),
    "table": "hardship_cause",
    "year": "2027",
    "day": "2027-01-04",
}
QUERY = {"start": "2026-11-02", "end": "2026-11-06", "days": "1"}


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, full path template) of every API route, included routers' too."""
    return sorted(
        (method, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in (context.methods or set()) - {"HEAD"}
    )


def test_every_route_has_a_row(app: FastAPI) -> None:
    missing = [r for r in _routes(app) if r not in EXPECTED]
    stale = [r for r in EXPECTED if r not in _routes(app)]
    assert missing == [], f"routes without a row in the permission matrix: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"


@pytest.fixture
async def tokens(anonymous: httpx.AsyncClient, session: AsyncSession) -> dict[Role, str]:
    """An access token for every role, through the real token endpoint."""
    await create_demo_district(session)
    issued = {
        role: await sign_in(anonymous, role.value) for role in Role if role is not Role.partner
    }
    response = await anonymous.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=("red-cross", DEMO_PASSWORD),
    )
    issued[Role.partner] = response.json()["access_token"]
    return issued


async def _call(
    http: httpx.AsyncClient, method: str, path: str, token: str | None
) -> httpx.Response:
    url = path.format(**PATH_VALUES)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "POST":
        # A fresh key, so a permitted role gets past a route's required key to its handler
        # (test_a_required_key_is_asked_for_after_who_calls covers calls without one).
        headers["Idempotency-Key"] = uuid.uuid4().hex
    if method in {"POST", "PATCH", "PUT"}:
        return await http.request(method, url, json={}, headers=headers, params=QUERY)
    return await http.request(method, url, headers=headers, params=QUERY)


async def test_every_route_answers_every_caller_as_the_table_says(
    app: FastAPI, anonymous: httpx.AsyncClient, tokens: dict[Role, str]
) -> None:
    failures: list[str] = []
    for method, path in _routes(app):
        expected = EXPECTED[(method, path)]
        callers: list[tuple[str, str | None]] = [("anonymous", None)]
        callers += [(role.value, token) for role, token in tokens.items()]
        for name, token in callers:
            response = await _call(anonymous, method, path, token)
            status = response.status_code
            # A permitted role may still meet a 403 of another kind (e.g. a
            # social worker without a confidentiality agreement); only the
            # `forbidden` code means the role itself was refused.
            refused = status == 403 and response.json().get("code") == "forbidden"
            if expected == PUBLIC:
                ok = status != 401 and not refused
            elif token is None:
                ok = status == 401
            elif Role(name) in expected:
                ok = status != 401 and not refused
            else:
                ok = refused
            if not ok:
                failures.append(f"{method} {path} as {name}: {status}")
    assert failures == []


def _taking_a_key(app: FastAPI, *modes: Idempotency) -> list[tuple[str, str]]:
    """(method, full path template) of every route taking an Idempotency-Key in `modes`."""
    return sorted(
        (method, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        and (route.openapi_extra or {}).get(IDEMPOTENCY_KEY) in modes
        for method in (context.methods or set()) - {"HEAD"}
    )


async def _key_answers(
    http: httpx.AsyncClient,
    routes: list[tuple[str, str]],
    tokens: dict[Role, str],
    key: dict[str, str],
    permitted_answer: tuple[int, str],
) -> list[str]:
    """Each route called with `key` by every caller: anonymous must get 401, a role the route
    never admits 403 `forbidden`, a permitted role `permitted_answer`; the mismatches."""
    failures: list[str] = []
    callers: list[tuple[str, str | None]] = [("anonymous", None)]
    callers += [(role.value, token) for role, token in tokens.items()]
    for method, path in routes:
        permitted = EXPECTED[(method, path)]
        assert isinstance(permitted, frozenset)
        for name, token in callers:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await http.request(
                method,
                path.format(**PATH_VALUES),
                json={},
                headers={**headers, **key},
                params=QUERY,
            )
            if token is None:
                status, code = 401, "unauthorized"
            elif Role(name) in permitted:
                status, code = permitted_answer
            else:
                status, code = 403, "forbidden"
            body = response.json()
            answered = (
                response.status_code,
                response.headers["content-type"],
                body.get("status"),
                body.get("type"),
                body.get("code"),
            )
            if answered != (status, PROBLEM_MEDIA_TYPE, status, f"urn:sanzhu:problem:{code}", code):
                failures.append(f"{method} {path} as {name}: {answered}")
    return failures


async def test_a_required_key_is_asked_for_after_who_calls(
    app: FastAPI, anonymous: httpx.AsyncClient, tokens: dict[Role, str]
) -> None:
    """Without an Idempotency-Key, a route that requires one answers an anonymous caller 401,
    a role it never admits 403 and only a permitted role 400 `idempotency_key_required`."""
    routes = _taking_a_key(app, Idempotency.required)
    assert routes, "no route requires an Idempotency-Key any more: drop this test"
    missing = await _key_answers(anonymous, routes, tokens, {}, (400, "idempotency_key_required"))
    assert missing == []


async def test_a_key_is_checked_after_who_calls(
    app: FastAPI, anonymous: httpx.AsyncClient, tokens: dict[Role, str]
) -> None:
    """An empty Idempotency-Key is a 422 only to a caller the route admits, on every route
    taking a key: who calls is answered first (401, 403)."""
    routes = _taking_a_key(app, Idempotency.required, Idempotency.optional)
    empty = await _key_answers(
        anonymous, routes, tokens, {"Idempotency-Key": ""}, (422, "validation_failed")
    )
    assert empty == []
