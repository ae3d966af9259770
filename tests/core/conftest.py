"""Fixtures of the core tests."""

from typing import Any

import pytest
from fastapi import FastAPI


@pytest.fixture
def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, as the contract tests read it."""
    return app.openapi()
