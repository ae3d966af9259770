"""What other parts of the app may use of intake: filing an application and taking its steps
as the API does (the demo seeds them), and how many applications a region has."""

from app.intake.applications.repository import count_in_region as count_applications
from app.intake.applications.schemas import ActionIn, ApplicationIn
from app.intake.applications.service import act as take_application_step
from app.intake.applications.service import file as file_application
from app.intake.applications.states import Step as ApplicationStep

__all__ = [
    "ActionIn",
    "ApplicationIn",
    "ApplicationStep",
    "count_applications",
    "file_application",
    "take_application_step",
]
