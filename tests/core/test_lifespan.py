"""What the app does once per process, around serving."""

import gc

from app.core.config import Settings
from app.main import create_app


async def test_start_up_objects_are_frozen_while_serving_and_thawed_after(
    settings: Settings,
) -> None:
    """A full collection skips what lives as long as the process (its pauses were the p99)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
