"""Simulations (`/api/v1/eligibility/simulations`, DOMAIN 5): district officers simulate a
policy version over a region of their district in the background, follow its progress,
read the counts of households moving between outcomes, and list or download the
households that change. Nothing of the ledger or of assessments changes."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response
from fastapi.responses import StreamingResponse

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.exports import attachment, csv_stream
from app.core.openapi import LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.eligibility.simulations import service
from app.eligibility.simulations.errors import SimulationFinished
from app.eligibility.simulations.schemas import SimulationChangeOut, SimulationIn, SimulationOut
from app.eligibility.simulations.views import change_out, simulation_out
from app.households.public import audit_read

router = api_router(prefix=f"{API_V1}/eligibility/simulations", tags=["eligibility"])
ONE = "/{simulation_id:uuid}"
SimulationId = Annotated[uuid.UUID, Path(description="Simulation id.")]
Runner = Annotated[Actor, Depends(actor_for(Action.simulations_run))]
Reader = Annotated[Actor, Depends(actor_for(Action.simulations_read))]
CSV = "text/csv; charset=utf-8"


@router.post(
    "",
    response_model=SimulationOut,
    status_code=202,
    summary="Simulate a policy version over a region of your district (in the background)",
    description="Creates the simulation (`queued`) and its job; the worker evaluates every "
    "active household of the region's subtree on the reference date under the version in "
    "force for its region (`no_policy` when none) and under the simulated version, with the "
    "rules of the single assessment. Follow it at `Location`. Nothing of the ledger or of "
    "assessments changes. 422 when the version is unknown to you (`not_found`) or retired "
    "(`policy_retired`), or the region lies outside the version's region or your district "
    "(`region_out_of_scope`).",
    responses={**sends(202, LOCATION), **protected_problems(ValidationFailed)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def eligibility_simulations_create(
    actor: Runner, response: Response, session: DbSession, body: SimulationIn
) -> SimulationOut:
    simulation = await service.create(session, actor, body)
    response.headers["Location"] = f"{API_V1}/eligibility/simulations/{simulation.id}"
    return simulation_out(simulation)


@router.get(
    "",
    response_model=Page[SimulationOut],
    summary="Simulations of your district, newest first",
    description="Each with its status and progress; the counts once it succeeded.",
    responses=protected_problems(ValidationFailed),
)
async def eligibility_simulations_list(
    actor: Reader, session: ReadDbSession, page: PageParams
) -> Page[SimulationOut]:
    found, cursor = await service.search(session, actor, page)
    return Page(items=[simulation_out(s) for s in found], next_cursor=cursor)


@router.get(
    ONE,
    response_model=SimulationOut,
    summary="One simulation: status, progress, timings and, once it succeeded, the counts",
    description="`transitions`: households by region, current outcome and new outcome; "
    "`totals`: the same over the subtree. 404 for a simulation outside your district.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def eligibility_simulations_get(
    simulation_id: SimulationId, actor: Reader, session: ReadDbSession
) -> SimulationOut:
    return simulation_out(await service.visible(session, actor, simulation_id))


@router.post(
    f"{ONE}/cancel",
    response_model=SimulationOut,
    summary="Cancel a queued or running simulation",
    description="The worker stops at its next batch; what it counted stays. 409 "
    "`simulation_finished` once it succeeded, failed or was cancelled.",
    responses=protected_problems(NotFound, ValidationFailed, SimulationFinished),
)
async def eligibility_simulations_cancel(
    simulation_id: SimulationId, actor: Runner, session: DbSession
) -> SimulationOut:
    return simulation_out(await service.cancel(session, actor, simulation_id))


@router.get(
    f"{ONE}/changes",
    response_model=Page[SimulationChangeOut],
    summary="The households whose outcome the simulated version changes",
    description="In household id order, with ledger number and head's name (masked for "
    "roles that may not see it), current and new outcome and the new score.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def eligibility_simulation_changes_list(
    simulation_id: SimulationId, actor: Reader, session: ReadDbSession, page: PageParams
) -> Page[SimulationChangeOut]:
    found, cursor = await service.changes(session, actor, simulation_id, page)
    # Ledger numbers and heads' names are personal data: every read leaves an event.
    audit_read(session, actor, "simulation.changes.read", subject=("simulation", simulation_id))
    return Page(items=[change_out(row) for row in found], next_cursor=cursor)


@router.get(
    f"{ONE}/changes.csv",
    response_class=Response,
    summary="Download the households the simulated version changes (CSV)",
    responses={
        200: {
            "description": "UTF-8 CSV with BOM, streamed: household id, region, ledger number, "
            "head's name (masked as in the list), current outcome, new outcome, new score. "
            "Cells a spreadsheet would run as a formula start with `'`.",
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": '"户ID","区划代码","台账编号","户主姓名","当前结果","模拟结果",'
                    '"优先评分"\r\n"01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31","500112001001",'
                    '"500112-2026-000123","张秀英","not_eligible","income_poverty","62.50"\r\n',
                }
            },
        },
        **protected_problems(NotFound, ValidationFailed),
    },
)
async def eligibility_simulation_changes_export(
    simulation_id: SimulationId, actor: Reader, session: ReadDbSession
) -> Response:
    simulation = await service.visible(session, actor, simulation_id)
    audit_read(
        session,
        actor,
        "simulation.changes.export",
        region_code=simulation.region_code,
        subject=("simulation", simulation.id),
    )
    rows = service.export_rows(actor.services.database, simulation, actor.viewer)
    headers = {"Content-Disposition": attachment(f"simulation-{simulation.id}-changes.csv")}
    return StreamingResponse(csv_stream(rows), media_type=CSV, headers=headers)
