"""What other domains may use of confidentiality (Beijing 7): the checks before personal data."""

from app.confidentiality.schemas import AgreementIn
from app.confidentiality.service import (
    ConfidentialityAgreementRequired,
    acknowledge,
    check_social_worker,
    granted_regions,
    record_agreement,
    streets_open_to,
)

__all__ = [
    "AgreementIn",
    "ConfidentialityAgreementRequired",
    "acknowledge",
    "check_social_worker",
    "granted_regions",
    "record_agreement",
    "streets_open_to",
]
