"""What the app composes of eligibility: routers, jobs, models, demo data."""

from app.core.composition import Domain
from app.demo.eligibility_assessments import seed
from app.eligibility.assessments.router import router as assessments_router
from app.eligibility.models import Assessment, PolicyVersion
from app.eligibility.policies.router import router as policies_router
from app.eligibility.priority.router import router as priority_router
from app.eligibility.simulations import job as simulation_job
from app.eligibility.simulations.kinds import SIMULATION, SIMULATION_PART
from app.eligibility.simulations.models import Simulation, SimulationChange, SimulationPart
from app.eligibility.simulations.router import router as simulations_router

domain = Domain(
    name="eligibility",
    routers=[policies_router, assessments_router, priority_router, simulations_router],
    seed=seed,
    jobs=[(SIMULATION, simulation_job.run), (SIMULATION_PART, simulation_job.run_part)],
    models=[PolicyVersion, Assessment, Simulation, SimulationPart, SimulationChange],
)
