"""What other domains may use of confidentiality (Beijing 7): the checks before personal data."""

from app.confidentiality.service import (
    ConfidentialityAgreementRequired,
    check_social_worker,
    granted_regions,
    streets_open_to,
)

__all__ = [
    "ConfidentialityAgreementRequired",
    "check_social_worker",
    "granted_regions",
    "streets_open_to",
]
