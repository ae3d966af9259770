"""The charity federation's monthly needs report (各镇街每月定时向区慈善会报送救助需求,
DOMAIN 7): per street and month, from the ledger and the open referrals.

**Generating** (`generate`): the needs live at the end of the period's day (`rules.period`:
the month's last day, or now for the current month) of the street's households in the ledger
that day, their open referrals, their target types that day and their consents to the
charity federation in force that day: one statement each, whatever the number of
households. The report is stored with the next version of the street's month (earlier ones
stay: what was sent is kept as sent; the highest version is current), and the event
`charity_report.generated` is published in the same transaction, naming the charity
federation organisations serving the street (`organizations`), whose webhook subscriptions
receive it.

**Who**: street officers generate for their street, district officers for the streets of
their district, admins for any (a street outside: 422 `region_out_of_scope`). The same staff
and auditors read within their region; a partner system reads when its organisation is a
charity federation, the reports of the streets it serves (any other partner: 404).
The monthly job (`generate_missing`) generates, as `system`, the previous month's report
of every street that has none.
"""

import uuid
from datetime import date, datetime

from app.charity_reports import repository, rules
from app.charity_reports.models import CharityReport
from app.charity_reports.schemas import ReportBody, ReportIn
from app.consents.public import sharing_allowed_many
from app.core import audit, events
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.field_messages import FieldMessage, object_named, register_field_messages
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.core.region_codes import RegionLevel, is_within
from app.households.public import (
    audit_read,
    household_labels,
    live_needs_in_region_on,
    target_types_on_many,
)
from app.organizations.public import (
    get_organization,
    organization_kind,
    organization_kinds,
    organizations_serving,
)
from app.referrals.public import open_referrals_in_region_on
from app.regions.public import region_codes_at_level, region_exists
from app.webhooks.public import ORGANIZATIONS, EventType

CHARITY_FEDERATION = "charity_federation"
SYSTEM = "system"
_NOT_FOUND = ("慈善需求报告", "charity report")


async def generate(
    session: WriteSession, street: str, period: rules.Period, generated_by: str
) -> CharityReport:
    """Generate, store and announce a street's report for a period (the caller checked
    both); returns the stored report."""
    day, until = period.as_of, period.until
    live = await live_needs_in_region_on(session, street, day, until)
    households = sorted({h for h, _, _ in live})
    referrals = await open_referrals_in_region_on(session, street, day, until)
    kinds = await organization_kinds(session, sorted({r for _, _, r in referrals}))
    types = await target_types_on_many(session, households, day)
    charities = await organizations_serving(session, CHARITY_FEDERATION, street)
    allowed = await sharing_allowed_many(
        session, [(h, org) for h in households for org in charities], on=day
    )
    consented = {h for h, _ in allowed}
    labels = await household_labels(session, sorted(consented))
    body = rules.figures(
        live,
        referrals,
        kinds,
        types,
        consented,
        {h: label.ledger_number for h, label in labels.items()},
    )
    report = CharityReport(
        id=new_id(),
        region_code=street,
        district_code=street[:6],
        month=period.month,
        version=await repository.next_version(session, street, period.month),
        as_of=day,
        body=body.model_dump(mode="json"),
        generated_at=utcnow(),
        generated_by=generated_by,
    )
    session.add(report)
    await session.flush()
    events.publish(
        session,
        EventType.charity_report_generated.value,
        {
            "report_id": str(report.id),
            "region_code": street,
            "month": period.month,
            ORGANIZATIONS: [str(org) for org in charities],
        },
    )
    return report


def _period(month: str, actor: Actor) -> rules.Period:
    found = rules.period(month, actor.today, actor.now)
    if found is None:
        raise ValidationFailed.in_body("month", "month_in_future")
    return found


async def create(session: WriteSession, actor: Actor, data: ReportIn) -> CharityReport:
    """Generate a street's report as a user asked (see the module's **Who**)."""
    scope = actor.principal.scope_region
    if actor.principal.role is not Role.admin and (
        scope is None or not is_within(data.region_code, scope)
    ):
        raise ValidationFailed.in_body("region_code", "region_out_of_scope").refusing(
            region_code=data.region_code
        )
    period = _period(data.month, actor)
    if not await region_exists(session, data.region_code):
        raise ValidationFailed.in_body("region_code", "not_found", **object_named("区划", "region"))
    # The month's lock, as the monthly job takes it: two requests (or a request and the job)
    # for one street and month take their version numbers one after the other.
    await repository.lock_month(session, period.month)
    report = await generate(session, data.region_code, period, actor.principal.caller_id)
    await audit.record(
        session,
        actor.context,
        "charity_report.generate",
        object_type="charity_report",
        object_id=str(report.id),
        region_code=report.region_code,
    )
    return report


async def _within(session: ReadSession, actor: Actor) -> tuple[str, ...] | None:
    """The subtrees whose reports the actor reads (None: every one); 404 for a partner of an
    organisation that is not a charity federation. Auditors read under their live grants."""
    principal = actor.principal
    if principal.role is Role.admin:
        return None
    if principal.role is Role.auditor:
        return actor.reach.regions
    if principal.role is Role.partner:
        organization_id = principal.organization_id
        if organization_id is None or await organization_kind(session, organization_id) != (
            CHARITY_FEDERATION
        ):
            raise NotFound(*_NOT_FOUND)
        return ((await get_organization(session, organization_id)).region_code,)
    return () if principal.scope_region is None else (principal.scope_region,)


async def get(session: ReadSession, actor: Actor, report_id: uuid.UUID) -> CharityReport:
    """A report the actor reads (404 otherwise); the read is audited (it lists households)."""
    found = await repository.report(session, report_id, await _within(session, actor))
    if found is None:
        raise NotFound(*_NOT_FOUND)
    audit_read(
        session,
        actor,
        "charity_report.read",
        region_code=found.region_code,
        subject=("charity_report", found.id),
    )
    return found


IDENTITY_SCOPE = "identity_contact"
"""The consent scope a listing needs: it names the household (its ledger number)."""


async def body_for(session: ReadSession, actor: Actor, report: CharityReport) -> ReportBody:
    """The report's body as the actor may read it. A charity federation's partner client gets
    the households listed only while the household's consent to its own organisation, today,
    covers identity and contact: a consent to another charity federation serving the street
    lists nothing for it, and a withdrawn consent stops the sharing (PIPL art. 15, 23). The
    others are counted among `not_listed`. Staff read the body as stored."""
    body = ReportBody.model_validate(report.body)
    organization = actor.principal.organization_id
    if actor.principal.role is not Role.partner or organization is None:
        return body
    allowed = await sharing_allowed_many(
        session, [(h.household_id, organization) for h in body.listed], on=actor.today
    )

    def shared(household_id: uuid.UUID) -> bool:
        consent = allowed.get((household_id, organization))
        return consent is not None and IDENTITY_SCOPE in consent.scope

    kept = [h for h in body.listed if shared(h.household_id)]
    withheld = len(body.listed) - len(kept)
    return body.model_copy(update={"listed": kept, "not_listed": body.not_listed + withheld})


async def page(
    session: ReadSession,
    actor: Actor,
    page_request: PageRequest,
    region_code: str | None,
    month: str | None,
) -> tuple[list[CharityReport], str | None]:
    """The reports the actor reads, newest first: none for a partner that is not a charity
    federation (an empty list, as for staff of a region without reports)."""
    try:
        within = await _within(session, actor)
    except NotFound:
        within = ()
    return await repository.page(
        session, page_request, within=within, region_code=region_code, month=month
    )


async def generate_missing(session: WriteSession, today: date, now: datetime) -> int:
    """The previous month's report of every street that has none yet, as `system`; returns
    how many were generated. Running it again generates none (idempotent): it runs every
    day, so a worker that was down on the first of the month catches up the next day."""
    period = rules.period(rules.previous_month(today), today, now)
    assert period is not None
    await repository.lock_month(session, period.month)
    done = await repository.streets_reported(session, period.month, period.as_of)
    missing = [s for s in await region_codes_at_level(session, RegionLevel.street) if s not in done]
    for street in missing:
        await generate(session, street, period, SYSTEM)
    return len(missing)


register_field_messages(
    {
        "month_in_future": FieldMessage(
            "报告月份不能晚于本月", "the month may not be after the current one"
        ),
    }
)
