"""Who may do what: the permission table (DOMAIN 1), in one place.

A route names the action it performs; `require(action)` refuses a role that
may never perform it with 403. *Which* objects a permitted role may touch is
the scope's business (core/scope.py), answered with 404.
"""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    district_officer = "district_officer"
    street_officer = "street_officer"
    community_worker = "community_worker"
    grid_worker = "grid_worker"
    social_worker = "social_worker"
    department_officer = "department_officer"
    partner = "partner"
    auditor = "auditor"


class Action(StrEnum):
    reference_read = "reference:read"
    reference_write = "reference:write"
    users_manage = "users:manage"
    own_account = "account:self"
    api_clients_manage = "api_clients:manage"
    lockouts_manage = "lockouts:manage"
    audit_read = "audit:read"
    auditor_grants_issue = "auditor_grants:issue"
    auditor_grants_read = "auditor_grants:read"
    confidentiality_manage = "confidentiality:manage"
    households_read = "households:read"
    households_create = "households:create"
    households_write = "households:write"
    households_decide = "households:decide"
    households_exit = "households:exit"
    households_exit_decide = "households:exit_decide"
    households_measures = "households:measures"
    households_assign = "households:assign"
    households_pair = "households:pair"
    ledger_quality_read = "ledger_quality:read"
    imports_run = "imports:run"
    documents_write = "household_documents:write"
    persons_transfer = "persons:transfer"
    transfer_requests_read = "transfer_requests:read"
    transfer_requests_file = "transfer_requests:file"
    transfer_requests_answer = "transfer_requests:answer"
    transfer_requests_decide = "transfer_requests:decide"
    staff_read = "staff:read"
    applications_read = "applications:read"
    applications_file = "applications:file"
    applications_process = "applications:process"
    applications_decide = "applications:decide"
    discovery_reports_read = "discovery_reports:read"
    discovery_reports_file = "discovery_reports:file"
    discovery_reports_triage = "discovery_reports:triage"
    home_visits_read = "home_visits:read"
    home_visits_schedule = "home_visits:schedule"
    home_visits_record = "home_visits:record"
    deadlines_read = "deadlines:read"
    inbox_read = "inbox:read"
    policies_read = "policies:read"
    policies_write = "policies:write"
    simulations_run = "simulations:run"
    simulations_read = "simulations:read"
    assessments_run = "assessments:run"
    assessments_read = "assessments:read"
    priority_read = "priority:read"
    webhooks_manage = "webhooks:manage"
    red_cross_terms_read = "red_cross_terms:read"
    red_cross_terms_write = "red_cross_terms:write"
    red_cross_quotes_create = "red_cross_quotes:create"
    red_cross_quotes_read = "red_cross_quotes:read"
    referral_routes_read = "referral_routes:read"
    referral_routes_write = "referral_routes:write"
    referrals_read = "referrals:read"
    referrals_send = "referrals:send"
    referrals_cancel = "referrals:cancel"
    referrals_handle = "referrals:handle"
    referrals_push = "referrals:push"
    referrals_worklist = "referrals:worklist"
    referred_household_read = "households:read_referred"
    consents_read = "consents:read"
    consents_record = "consents:record"
    charity_reports_generate = "charity_reports:generate"
    charity_reports_read = "charity_reports:read"


PEOPLE = frozenset(Role) - {Role.partner}
"""Roles held by people (users); `partner` is a system using client credentials."""

REGION_ROLES = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.grid_worker}
)
"""Roles whose scope is a region subtree."""

_LEDGER_READERS = REGION_ROLES | {Role.social_worker}
"""Who works with ledger records: region staff in their subtree, social workers
on assigned households."""

_LEDGER_WRITERS = frozenset({Role.street_officer, Role.community_worker, Role.social_worker})
"""Who changes ledger records (record, members, plan, incomes, expenditures, assets).
District officers read and spot-check; they do not edit. Grid workers read their
grid masked and do not write the ledger: they file discovery reports and help
paired households apply, through the intake work (DOMAIN 1, 4; Yubei 3(3)3(1))."""

_RED_CROSS_QUOTERS = frozenset(
    {Role.department_officer, Role.partner, Role.street_officer, Role.community_worker}
)
"""Who quotes Red Cross major-illness aid (Yubei 3(3)1(3))."""
_REFERRAL_SENDERS = frozenset(
    {Role.district_officer, Role.street_officer, Role.community_worker, Role.social_worker}
)
"""Who sends referrals for the households in its reach, and cancels them (DOMAIN 7)."""
_REFERRAL_RECEIVERS = frozenset({Role.department_officer, Role.partner})
"""Who works the referrals addressed to its organisation (DOMAIN 7)."""

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.reference_read: frozenset(Role),
    Action.reference_write: frozenset({Role.admin}),
    Action.users_manage: frozenset({Role.admin}),
    Action.own_account: PEOPLE,
    Action.api_clients_manage: frozenset({Role.admin}),
    Action.lockouts_manage: frozenset({Role.admin}),
    Action.audit_read: frozenset({Role.auditor, Role.district_officer}),
    Action.auditor_grants_issue: frozenset({Role.district_officer}),
    Action.auditor_grants_read: frozenset({Role.district_officer, Role.auditor}),
    Action.confidentiality_manage: frozenset({Role.district_officer, Role.street_officer}),
    # Auditors read only what a live grant opens to them (core.reach), and never write.
    Action.households_read: _LEDGER_READERS | {Role.auditor},
    # One household as a whole (GET /households/{id}): also a department officer, for the
    # households with an open referral to its organisation (core.reach), masked (DOMAIN 7).
    Action.referred_household_read: _LEDGER_READERS | {Role.auditor, Role.department_officer},
    # Grid workers read their grid masked and enter no one into the ledger
    # (DOMAIN 4), by form or by file: entering a person takes an ID number,
    # and a role that sees ID numbers masked may not give one (core.masking).
    Action.households_create: frozenset({Role.street_officer, Role.community_worker}),
    Action.households_write: _LEDGER_WRITERS,
    # Target types dibao, tekun and registered hardship are decisions of the existing
    # procedures; street and district officers record them (DOMAIN 4; Yubei 3(2)).
    Action.households_decide: frozenset({Role.district_officer, Role.street_officer}),
    # A community worker or street officer proposes an exit; the street decides it and
    # re-enters a household (Beijing 5).
    Action.households_exit: frozenset({Role.street_officer, Role.community_worker}),
    Action.households_exit_decide: frozenset({Role.street_officer}),
    # Measures given are recorded by those who give or arrange them: not grid workers
    # (who do not write the ledger) nor district officers (who spot-check).
    Action.households_measures: frozenset(
        {Role.street_officer, Role.community_worker, Role.social_worker}
    ),
    Action.households_assign: frozenset({Role.street_officer}),
    Action.households_pair: frozenset({Role.street_officer, Role.community_worker}),
    Action.ledger_quality_read: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
    ),
    Action.imports_run: frozenset({Role.street_officer, Role.community_worker}),
    # Documents of the household's file (一户一档) are brought by those who keep the file:
    # street and community staff, social workers on the households assigned to them. Grid
    # workers do not write the ledger (DOMAIN 4); district officers read and spot-check.
    Action.documents_write: frozenset(
        {Role.street_officer, Role.community_worker, Role.social_worker}
    ),
    # Moving a person keeps the ledger whole (人随户走, DOMAIN 4): the district anywhere
    # in its district, street and community staff within their reach. Grid and social
    # workers keep no ledger record, so they move no one.
    Action.persons_transfer: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker}
    ),
    # A street that finds a person active in another street asks for the transfer; the
    # sending street answers; the district decides either way (DOMAIN 4).
    Action.transfer_requests_read: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker}
    ),
    Action.transfer_requests_file: frozenset({Role.street_officer, Role.community_worker}),
    Action.transfer_requests_answer: frozenset({Role.street_officer}),
    Action.transfer_requests_decide: frozenset({Role.district_officer}),
    # The staff directory: who works within one's reach (identity.directory decides the
    # reach); admins manage users at /users instead, auditors and partners have no use for it.
    Action.staff_read: REGION_ROLES | {Role.social_worker, Role.department_officer},
    # One window (一门受理, DOMAIN 6): staff of the three-level network and social workers
    # file for a household; a grid worker files only for the households paired with it
    # (Yubei 3(3)3(1)), and reads them masked. The street's window accepts and carries the
    # application through investigation; approval is the street's or the district's.
    Action.applications_read: _LEDGER_READERS | {Role.auditor},
    Action.applications_file: frozenset(
        {Role.street_officer, Role.community_worker, Role.social_worker, Role.grid_worker}
    ),
    Action.applications_process: frozenset({Role.street_officer, Role.community_worker}),
    Action.applications_decide: frozenset({Role.street_officer, Role.district_officer}),
    # Discovery (主动发现) is the three-level network's: street, community, grid (DOMAIN 6).
    Action.discovery_reports_read: REGION_ROLES | {Role.auditor},
    Action.discovery_reports_file: frozenset(
        {Role.street_officer, Role.community_worker, Role.grid_worker}
    ),
    Action.discovery_reports_triage: frozenset({Role.street_officer, Role.community_worker}),
    # Home visits (入户访谈) are scheduled by the street or community and made by a social
    # worker of the agency or a community worker (DOMAIN 6; Yubei 3(5)).
    Action.home_visits_read: _LEDGER_READERS | {Role.auditor},
    Action.home_visits_schedule: frozenset({Role.street_officer, Role.community_worker}),
    Action.home_visits_record: frozenset({Role.social_worker, Role.community_worker}),
    Action.deadlines_read: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
    ),
    Action.inbox_read: PEOPLE,
    # Policy versions (DOMAIN 1, 5): the district sets them; the staff who apply them read
    # them, as do admins (who keep reference data) and auditors. Grid workers, department
    # officers and partner systems have no use for them.
    Action.policies_read: frozenset(
        {
            Role.admin,
            Role.district_officer,
            Role.street_officer,
            Role.community_worker,
            Role.social_worker,
            Role.auditor,
        }
    ),
    Action.policies_write: frozenset({Role.district_officer}),
    # Simulations answer "what if the standard changed" for a district's whole ledger: the
    # district officers who set policy run and read them, in their own district.
    Action.simulations_run: frozenset({Role.district_officer}),
    Action.simulations_read: frozenset({Role.district_officer}),
    # Assessments (DOMAIN 5): the three-level network's officers and community workers run
    # them in their jurisdiction; social workers and auditors read them too (finances are
    # personal data: the confidentiality gate applies). Accepting a finding is a decision
    # (`households_decide`). Grid workers, departments, partners and admins do not.
    Action.assessments_run: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker}
    ),
    Action.assessments_read: frozenset(
        {
            Role.district_officer,
            Role.street_officer,
            Role.community_worker,
            Role.social_worker,
            Role.auditor,
        }
    ),
    # The priority list orders a region's eligible households for help (DOMAIN 5): the
    # officers and community workers who allot help read it, and auditors. It is a region's
    # list, not a caseload, so social workers (who see their assigned households) do not.
    Action.priority_read: frozenset(
        {Role.district_officer, Role.street_officer, Role.community_worker, Role.auditor}
    ),
    # Webhook subscriptions (issue 16): a partner system subscribes for its own organisation;
    # admins manage every organisation's and replay their deliveries.
    Action.webhooks_manage: frozenset({Role.admin, Role.partner}),
    # Red Cross major-illness aid (Yubei 3(3)1(3)): the district sets the rate and the
    # yearly cap (admins keep reference data); those who quote read them, as do auditors.
    Action.red_cross_terms_read: _RED_CROSS_QUOTERS
    | {Role.admin, Role.district_officer, Role.auditor},
    Action.red_cross_terms_write: frozenset({Role.admin, Role.district_officer}),
    # The Red Cross's own staff and systems quote for the households referred to them; the
    # street and community prepare the household's application with a quote (DOMAIN 7). A
    # department officer or partner of another organisation is refused by the service.
    Action.red_cross_quotes_create: _RED_CROSS_QUOTERS,
    Action.red_cross_quotes_read: _RED_CROSS_QUOTERS,
    # Referrals (DOMAIN 7): the routing table is the administrators' reference data, read by
    # the staff who send referrals. The sending side is the staff who reach the household and
    # write for it: street officers and community workers, social workers on the households
    # assigned to them (resource linking, 资源链接, is casework: Beijing 4(2)), and the
    # district officer anywhere in its district; it sends and cancels. Grid workers do not
    # write the ledger, so they send none. The receiving side is the department officers and
    # partner systems of the receiving organisation: they receive, accept, reject, start,
    # complete and fail. A partner system also pushes referrals in about the households its
    # organisation already knows through referrals (`/partner/referrals`), and cancels the
    # ones it pushed. Who reads and acts on which referral is the service's (404 outside).
    Action.referral_routes_read: REGION_ROLES | {Role.admin, Role.social_worker},
    Action.referral_routes_write: frozenset({Role.admin}),
    Action.referrals_read: _LEDGER_READERS | {Role.auditor} | _REFERRAL_RECEIVERS,
    Action.referrals_send: _REFERRAL_SENDERS,
    Action.referrals_cancel: _REFERRAL_SENDERS | {Role.partner},
    Action.referrals_handle: _REFERRAL_RECEIVERS,
    Action.referrals_push: frozenset({Role.partner}),
    # Overdue referrals are the sender's and the district's worklist (DOMAIN 7).
    Action.referrals_worklist: _REFERRAL_SENDERS,
    # Consent to share with organisations that are not government departments (PIPL art.
    # 23): recorded and withdrawn by those who meet the household (street and community
    # staff, social workers on assigned households); read by them, district officers and
    # auditors with a grant. Grid workers see masked data only, and a consent names people.
    Action.consents_read: frozenset(
        {
            Role.district_officer,
            Role.street_officer,
            Role.community_worker,
            Role.social_worker,
            Role.auditor,
        }
    ),
    Action.consents_record: frozenset(
        {Role.street_officer, Role.community_worker, Role.social_worker}
    ),
    # The charity federation's monthly needs report (各镇街每月定时向区慈善会报送): the street
    # reports, the district (and admins) may generate it for a street; auditors read it, and
    # the charity federation's own system (a partner of another organisation: 404).
    Action.charity_reports_generate: frozenset(
        {Role.admin, Role.district_officer, Role.street_officer}
    ),
    Action.charity_reports_read: frozenset(
        {Role.admin, Role.district_officer, Role.street_officer, Role.auditor, Role.partner}
    ),
}


def is_allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]
