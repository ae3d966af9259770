"""The state machine of a referral (DOMAIN 7), pure: no database, no HTTP.

requested -receive-> received -accept-> accepted -start-> in_progress -complete-> completed;
received -reject-> rejected; accepted or in_progress -fail-> failed; the sender cancels
anything still open. The machine is strict: a receiver acknowledges a referral (`receive`)
before it accepts or rejects it, so that "received but not yet decided" is visible to the
sender and the district as its own state (the loop DOMAIN 7 asks to close) and every
decision follows an acknowledgement.

Each action belongs to one side: the receiving organisation receives, accepts, rejects,
starts, completes and fails; the sending side creates and cancels (`SIDE`). The need a
referral answers follows the states of all its referrals (`need_status`).
"""

from collections.abc import Collection
from enum import StrEnum

from app.core.transitions import StateMachine


class ReferralStatus(StrEnum):
    """Where a referral stands (code table `referral_status`)."""

    requested = "requested"
    received = "received"
    accepted = "accepted"
    rejected = "rejected"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


class ReferralAction(StrEnum):
    """The explicit actions on a referral (`POST /referrals/{id}/<action>`)."""

    receive = "receive"
    accept = "accept"
    reject = "reject"
    start = "start"
    complete = "complete"
    fail = "fail"
    cancel = "cancel"


class Side(StrEnum):
    """Who may take an action: the receiving organisation or the sending side."""

    receiver = "receiver"
    sender = "sender"


S = ReferralStatus
A = ReferralAction

MACHINE: StateMachine[ReferralStatus, ReferralAction] = StateMachine(
    ReferralAction,
    {
        (S.requested, A.receive): S.received,
        (S.received, A.accept): S.accepted,
        (S.received, A.reject): S.rejected,
        (S.accepted, A.start): S.in_progress,
        (S.in_progress, A.complete): S.completed,
        (S.accepted, A.fail): S.failed,
        (S.in_progress, A.fail): S.failed,
        (S.requested, A.cancel): S.cancelled,
        (S.received, A.cancel): S.cancelled,
        (S.accepted, A.cancel): S.cancelled,
        (S.in_progress, A.cancel): S.cancelled,
    },
)

SIDE: dict[ReferralAction, Side] = {
    A.receive: Side.receiver,
    A.accept: Side.receiver,
    A.reject: Side.receiver,
    A.start: Side.receiver,
    A.complete: Side.receiver,
    A.fail: Side.receiver,
    A.cancel: Side.sender,
}

REASONS: dict[ReferralAction, str] = {
    A.reject: "referral_rejection_reason",
    A.fail: "referral_failure_reason",
}
"""The actions that need a reason code, and the code table it comes from."""

OPEN = frozenset({S.requested, S.received, S.accepted, S.in_progress})
"""Not closed: the receiver reaches the household, and past its due day it is overdue."""

FINAL = frozenset(s for s in ReferralStatus if MACHINE.is_final(s))
"""Rejected, completed, failed and cancelled."""


def allowed_for(status: ReferralStatus, side: Side | None) -> list[ReferralAction]:
    """The actions the state allows that `side` may take (none for a reader of neither)."""
    return [A(a) for a in MACHINE.allowed(status) if side is not None and SIDE[A(a)] is side]


WORKING = frozenset({S.accepted, S.in_progress})
"""An organisation works on the need: accepted, or in progress."""


def need_status(statuses: Collection[ReferralStatus]) -> str:
    """Where the need the referrals answer stands (dictionary `need_status`), from the
    states of all its referrals: `being_met` while an organisation works on it, or while one
    has helped and another is still open; `met` once all are closed and one was completed;
    else `open` (none taken up yet, or all closed without help)."""
    still_open = any(s in OPEN for s in statuses)
    helped = S.completed in statuses
    if any(s in WORKING for s in statuses) or (still_open and helped):
        return "being_met"
    if helped and not still_open:
        return "met"
    return "open"
