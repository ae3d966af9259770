"""An audit event written in its own transaction gives every column its prebuilt insert names."""

from app.core import audit
from app.core.audit import AuditContext, AuditOutcome


def test_the_values_of_an_event_are_exactly_the_columns_of_the_lone_insert() -> None:
    """The insert has no defaults to fall back on: a new column must get a value here."""
    values = audit.event_row(
        AuditContext(actor="user:x", role="admin", address=None, user_agent=None),
        "household.read",
        object_type="household",
        object_id="x",
        region_code=None,
        outcome=AuditOutcome.success,
        changed_fields=None,
    )
    assert set(values) == set(audit._ALONE_COLUMNS)
    assert set(audit._ALONE_COLUMNS) | set(audit._SEAL_COLUMNS) == set(
        audit.AuditEvent.__table__.c.keys()
    )
