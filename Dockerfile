# Sanzhu production image.
# Stage 1 installs the locked dependencies with uv; stage 2 copies the
# ready virtual environment and the code into a slim image that runs as an
# unprivileged user. The container migrates the database, then serves.
# Background jobs run in a second container from the same image:
#   docker run ... sanzhu-image sanzhu worker
FROM python:3.11-slim AS build
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /srv/sanzhu
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY app ./app
COPY migrations ./migrations
COPY alembic.ini ./
RUN uv sync --frozen --no-dev

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /srv/sanzhu --shell /usr/sbin/nologin sanzhu
WORKDIR /srv/sanzhu
COPY --from=build --chown=root:root /srv/sanzhu /srv/sanzhu
ENV PATH="/srv/sanzhu/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    SANZHU_ENVIRONMENT=production
USER sanzhu
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Production needs SANZHU_DATABASE_URL (PostgreSQL) and SANZHU_SECRET_KEY;
# without them the server refuses to start and says why.
CMD ["sh", "-c", "sanzhu migrate && exec sanzhu serve --host 0.0.0.0 --port 8000 --workers ${SANZHU_WORKERS:-2} --no-worker"]
