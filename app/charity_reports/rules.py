"""The report's figures from the rows the ledger, the referrals and the consents give: pure.

Counting is per household (a household with two open referrals of one need counts once),
and only households with the need live count under it: a referral of a need the household
no longer has is not a household in need."""

import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.charity_reports.schemas import ListedHousehold, NeedFigures, ReportBody
from app.core.clock import SHANGHAI

NO_TYPE = "none"
"""The target-type key of households holding no target type on the day."""


@dataclass(frozen=True, slots=True)
class Period:
    month: str
    as_of: date
    """The month's last day, or today for the current month."""
    until: datetime
    """The instant `as_of` ends (UTC), or `now` for today: what was live then counts."""


def period(month: str, today: date, now: datetime) -> Period | None:
    """The period a report of `month` (`YYYY-MM`) describes on `today`; None: in the future."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    if first > today:
        return None
    following = date(year + number // 12, number % 12 + 1, 1)
    last = following - timedelta(days=1)
    if last >= today:
        return Period(month, today, now)
    return Period(month, last, datetime.combine(following, time(), SHANGHAI))


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def figures(
    live: Iterable[tuple[uuid.UUID, str, str]],
    referrals: Iterable[tuple[uuid.UUID, str, uuid.UUID]],
    kinds: Mapping[uuid.UUID, str],
    types: Mapping[uuid.UUID, frozenset[str]],
    consented: Collection[uuid.UUID],
    ledger_numbers: Mapping[uuid.UUID, str],
) -> ReportBody:
    """The report: `live` (household, need code, region) live needs, `referrals` (household,
    need code, receiver) open referrals, `kinds` the receivers' kinds, `types` the target
    types held, `consented` the households that may be listed."""
    needs: dict[str, set[uuid.UUID]] = {}
    regions: dict[uuid.UUID, str] = {}
    for household_id, code, region in live:
        needs.setdefault(code, set()).add(household_id)
        regions[household_id] = region
    referred: dict[tuple[uuid.UUID, str], set[str]] = {}
    for household_id, code, receiver in referrals:
        if household_id in needs.get(code, ()):
            referred.setdefault((household_id, code), set()).add(kinds.get(receiver, "unknown"))
    rows = []
    for code in sorted(needs):
        households = needs[code]
        kinds_of = [referred[(h, code)] for h in households if (h, code) in referred]
        held = [types.get(h) or frozenset({NO_TYPE}) for h in households]
        rows.append(
            NeedFigures(
                code=code,
                households=len(households),
                with_open_referral=len(kinds_of),
                referred_to=dict(sorted(Counter(k for ks in kinds_of for k in ks).items())),
                target_types=dict(sorted(Counter(t for ts in held for t in ts).items())),
            )
        )
    listed = [
        ListedHousehold(
            household_id=h,
            ledger_number=ledger_numbers[h],
            region_code=regions[h],
            needs=sorted(code for code, members in needs.items() if h in members),
        )
        for h in regions
        if h in consented and h in ledger_numbers
    ]
    listed.sort(key=lambda item: item.ledger_number)
    return ReportBody(
        households=len(regions),
        needs=rows,
        listed=listed,
        not_listed=len(regions) - len(listed),
    )
