"""create_app(): middleware, error handlers, routers; nothing else."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.core.composition import Domain
from app.core.config import Environment, Settings
from app.core.docs import install_docs
from app.core.errors import install_error_handlers
from app.core.heap import start_up_frozen
from app.core.http_middleware import (
    AllowedHostsMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from app.core.logging import configure_logging
from app.core.metrics import process_exiting
from app.core.openapi import install_openapi, operation_id
from app.core.services import build_services, install_services
from app.domains import ACCESS_HOOKS, DOMAINS, build_worker

DESCRIPTION = (
    "Sanzhu (三助) keeps the ledger of urban hardship households, decides who qualifies "
    "for help, refers needs to departments and charities, and follows every case to its end. "
    "Errors are RFC 9457 problem details in zh-CN (default) or en (`Accept-Language: en`)."
)


def create_app(settings: Settings | None = None, domains: Sequence[Domain] = DOMAINS) -> FastAPI:
    settings = settings or Settings()
    settings.check_production_ready()
    configure_logging(settings.log_level, json=settings.log_json)
    services = build_services(settings, ACCESS_HOOKS)
    database = services.database

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with start_up_frozen():
            stop = asyncio.Event()
            worker_task = None
            if settings.run_worker_in_process:
                worker_task = asyncio.create_task(build_worker(services, domains).run(stop))
            try:
                yield
            finally:
                stop.set()
                if worker_task is not None:
                    await worker_task
                await database.dispose()
                process_exiting()

    app = FastAPI(
        title="Sanzhu",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # Metrics are Prometheus (/metrics) and logs structlog; FastAPI's own
        # OpenTelemetry hooks would otherwise look up the global providers on
        # every request (a twentieth of a one-household read).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # A path with a stray trailing slash is a 404 naming the right spelling
        # (core.errors), not a redirect whose absolute Location would be built
        # from the Host header.
        redirect_slashes=False,
        generate_unique_id_function=operation_id,
    )
    install_services(app, services)

    install_error_handlers(app, database.outage)
    install_openapi(app)
    install_docs(app)
    # Each domain router carries its own prefix and is included one level deep: a
    # nested router would make FastAPI match its routes twice.
    for domain in domains:
        for router in domain.routers:
            app.include_router(router)

    if settings.cors_origins:
        # Without allowed origins the middleware would only add `Vary: Origin`.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "Accept-Language",
                "X-Request-ID",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "X-Request-ID",
                "Idempotent-Replayed",
                "Retry-After",
            ],
            max_age=600,
        )
    app.add_middleware(AllowedHostsMiddleware, allowed=settings.trusted_hosts)
    app.add_middleware(
        SecurityHeadersMiddleware, hsts=settings.environment is Environment.production
    )
    app.add_middleware(RequestContextMiddleware)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
