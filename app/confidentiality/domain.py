"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.confidentiality.models import AuditorGrant, ConfidentialityAgreement
from app.confidentiality.router import router
from app.core.composition import Domain

domain = Domain(
    name="confidentiality", routers=[router], models=[ConfidentialityAgreement, AuditorGrant]
)
