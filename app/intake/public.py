"""What other domains and the demo data may use of intake (DOMAIN 6).

- **Discovery reports**: file one (`file_discovery_report`, as `POST /discovery-reports`
  does), link it to a household or dismiss it (`link_discovery_report`,
  `dismiss_discovery_report`, as the triage routes do), count them (`count_discovery_reports`).
"""

from app.intake.reports.schemas import DiscoveryReportIn, DismissIn, LinkIn
from app.intake.reports.service import count as count_discovery_reports
from app.intake.reports.service import dismiss as dismiss_discovery_report
from app.intake.reports.service import file as file_discovery_report
from app.intake.reports.service import link as link_discovery_report

__all__ = [
    "DiscoveryReportIn",
    "DismissIn",
    "LinkIn",
    "count_discovery_reports",
    "dismiss_discovery_report",
    "file_discovery_report",
    "link_discovery_report",
]
