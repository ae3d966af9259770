"""Audit tests reuse the identity fixtures (demo district, admin) and the CLI database."""

from tests.api.identity.conftest import admin, database_url, demo, demo_template
from tests.cli.conftest import cli_database_url, cli_env

__all__ = ["admin", "cli_database_url", "cli_env", "database_url", "demo", "demo_template"]
