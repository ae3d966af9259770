"""What other domains and the demo data may use of intake (DOMAIN 6).

- **Applications**: file one and take its steps as the API does (`file_application`,
  `take_application_step`), and count a region's (`count_applications`); for an
  eligibility assessment, read the application it assesses (`application_for_assessment`)
  and move it to `assessed` (`record_application_assessed`).
- **Discovery reports**: file one (`file_discovery_report`, as `POST /discovery-reports`
  does), link it to a household or dismiss it (`link_discovery_report`,
  `dismiss_discovery_report`, as the triage routes do), count them (`count_discovery_reports`).
- **Deadlines**: open and meet them (`open_deadline`, `meet_deadlines`), and run the
  upkeep on a given day (`miss_deadlines_on`, `remind_deadlines_on`).
- **Home visits**: schedule and record one as the API does (`schedule_home_visit`,
  `record_home_visit`), and ask whether any exist (`any_visits`).
"""

from app.intake.applications.repository import count_in_region as count_applications
from app.intake.applications.schemas import ActionIn, ApplicationIn
from app.intake.applications.service import AssessmentSubject as ApplicationForAssessment
from app.intake.applications.service import act as take_application_step
from app.intake.applications.service import assessed_by as record_application_assessed
from app.intake.applications.service import assessment_subject as application_for_assessment
from app.intake.applications.service import file as file_application
from app.intake.applications.states import ApplicationStatus, ApplicationStep
from app.intake.deadlines.rules import Kind as DeadlineKind
from app.intake.deadlines.service import meet as meet_deadlines
from app.intake.deadlines.service import open_deadline
from app.intake.deadlines.upkeep import mark_missed as miss_deadlines_on
from app.intake.deadlines.upkeep import remind as remind_deadlines_on
from app.intake.reports.schemas import DiscoveryReportIn, DismissIn, LinkIn
from app.intake.reports.service import count as count_discovery_reports
from app.intake.reports.service import dismiss as dismiss_discovery_report
from app.intake.reports.service import file as file_discovery_report
from app.intake.reports.service import link as link_discovery_report
from app.intake.visits.schemas import HomeVisitIn, HomeVisitRecordIn
from app.intake.visits.service import any_visits
from app.intake.visits.service import record as record_home_visit
from app.intake.visits.service import schedule as schedule_home_visit

__all__ = [
    "ActionIn",
    "ApplicationForAssessment",
    "ApplicationIn",
    "ApplicationStatus",
    "ApplicationStep",
    "DeadlineKind",
    "DiscoveryReportIn",
    "DismissIn",
    "HomeVisitIn",
    "HomeVisitRecordIn",
    "LinkIn",
    "any_visits",
    "application_for_assessment",
    "count_applications",
    "count_discovery_reports",
    "dismiss_discovery_report",
    "file_application",
    "file_discovery_report",
    "link_discovery_report",
    "meet_deadlines",
    "miss_deadlines_on",
    "open_deadline",
    "record_application_assessed",
    "record_home_visit",
    "remind_deadlines_on",
    "schedule_home_visit",
    "take_application_step",
]
