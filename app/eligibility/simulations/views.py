"""A stored simulation, and the households it changes, as the API shows them."""

from app.eligibility.simulations.models import Simulation
from app.eligibility.simulations.outcomes import totals
from app.eligibility.simulations.schemas import (
    Progress,
    SimulationChangeOut,
    SimulationOut,
    Timings,
    Total,
    Transition,
)
from app.eligibility.simulations.service import ChangedHousehold
from app.eligibility.simulations.states import SimulationStatus


def simulation_out(simulation: Simulation) -> SimulationOut:
    done = simulation.status == SimulationStatus.succeeded.value
    started, finished = simulation.started_at, simulation.finished_at
    return SimulationOut(
        id=simulation.id,
        policy_version_id=simulation.policy_version_id,
        policy_version_version=simulation.policy_version_version,
        region_code=simulation.region_code,
        reference_date=simulation.reference_date,
        status=SimulationStatus(simulation.status),
        progress=Progress(processed=simulation.processed, total=simulation.total),
        changed=simulation.changed,
        failure_code=simulation.failure_code,
        timings=Timings(
            created_at=simulation.created_at,
            started_at=started,
            finished_at=finished,
            seconds=(
                None
                if started is None or finished is None
                else round((finished - started).total_seconds(), 3)
            ),
        ),
        transitions=(
            [
                Transition(
                    region_code=str(region),
                    from_outcome=str(before),
                    to_outcome=str(after),
                    count=int(count),
                )
                for region, before, after, count in simulation.transitions
            ]
            if done
            else None
        ),
        totals=(
            [
                Total(from_outcome=before, to_outcome=after, count=count)
                for before, after, count in totals(simulation.transitions)
            ]
            if done
            else None
        ),
    )


def change_out(row: ChangedHousehold) -> SimulationChangeOut:
    return SimulationChangeOut(
        household_id=row.change.household_id,
        region_code=row.change.region_code,
        ledger_number=row.ledger_number,
        head_name=row.head_name,
        from_outcome=row.change.from_outcome,
        to_outcome=row.change.to_outcome,
        score=row.change.score,
    )
