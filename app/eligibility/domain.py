"""What the app composes of eligibility: routers, models, demo data."""

from app.core.composition import Domain
from app.demo.eligibility_assessments import seed
from app.eligibility.assessments.router import router as assessments_router
from app.eligibility.models import Assessment, PolicyVersion
from app.eligibility.policies.router import router as policies_router
from app.eligibility.priority.router import router as priority_router

domain = Domain(
    name="eligibility",
    routers=[policies_router, assessments_router, priority_router],
    seed=seed,
    models=[PolicyVersion, Assessment],
)
