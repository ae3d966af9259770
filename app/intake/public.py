"""What other domains and the demo may use of intake (DOMAIN 6)."""

from app.intake.deadlines.rules import Kind as DeadlineKind
from app.intake.deadlines.service import meet as meet_deadlines
from app.intake.deadlines.service import open_deadline
from app.intake.deadlines.upkeep import mark_missed as miss_deadlines_on
from app.intake.deadlines.upkeep import remind as remind_deadlines_on
from app.intake.visits.schemas import HomeVisitIn, HomeVisitRecordIn
from app.intake.visits.service import any_visits
from app.intake.visits.service import record as record_home_visit
from app.intake.visits.service import schedule as schedule_home_visit

__all__ = [
    "DeadlineKind",
    "HomeVisitIn",
    "HomeVisitRecordIn",
    "any_visits",
    "meet_deadlines",
    "miss_deadlines_on",
    "open_deadline",
    "record_home_visit",
    "remind_deadlines_on",
    "schedule_home_visit",
]
