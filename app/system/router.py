"""Operational endpoints outside /api/v1: health, readiness, metrics, API docs."""

import hmac
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from app.core.errors import Unauthorized
from app.core.metrics import render_latest
from app.core.openapi import problems
from app.core.routing import api_router
from app.system import service
from app.system.schemas import Health, Readiness

DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS_URL = "/static/docs"
SHANGHAI = ZoneInfo("Asia/Shanghai")

router = api_router(tags=["operations"])


@router.get(
    "/healthz", response_model=Health, summary="Liveness: the process is up", responses=problems()
)
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: database reachable and migrated to head",
    responses={503: {"model": Readiness, "description": "Not ready; see `checks`."}},
)
async def readyz(request: Request) -> JSONResponse:
    result = await service.readiness(
        request.app.state.database, request.app.state.migration_head, datetime.now(SHANGHAI).date()
    )
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
async def metrics(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if token is not None:
        supplied = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(supplied.encode(), expected.encode()):
            raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    body, content_type = render_latest()
    return Response(body, media_type=content_type)


async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} API",
        swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
    )


async def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} API",
        redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc served with assets shipped in the package (no CDN).

    The pages are module-level functions, not closures over `app`: FastAPI
    caches what it learns about each endpoint callable in process-wide LRU
    caches (4096 entries), so a closure there keeps its whole app alive."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    app.get("/docs", include_in_schema=False)(swagger_ui)
    app.get("/redoc", include_in_schema=False)(redoc)
