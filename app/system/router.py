"""Operational endpoints outside /api/v1: health, readiness, metrics."""

import hmac

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from app.core.clock import business_today
from app.core.errors import Unauthorized
from app.core.metrics import render_latest
from app.core.openapi import problems
from app.core.routing import api_router
from app.core.services import services_of
from app.system import service
from app.system.schemas import Health, Readiness

router = api_router(tags=["operations"])


@router.get(
    "/healthz", response_model=Health, summary="Liveness: the process is up", responses=problems()
)
async def system_healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: database reachable and migrated to head",
    responses={503: {"model": Readiness, "description": "Not ready; see `checks`."}},
)
async def system_readyz(request: Request) -> JSONResponse:
    services = services_of(request)
    result = await service.readiness(services.database, services.migration_head, business_today())
    return JSONResponse(result.model_dump(), status_code=200 if result.status == "ready" else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"example": "sanzhu_http_requests_total{...} 1.0"}},
            "description": "Exposition text.",
        },
        **problems(Unauthorized),
    },
)
async def system_metrics(request: Request) -> Response:
    token = services_of(request).settings.metrics_token
    if token is not None:
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(supplied.encode(), expected.encode()):
            raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    body, content_type = render_latest()
    return Response(body, media_type=content_type)
