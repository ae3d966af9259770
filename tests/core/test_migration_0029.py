"""Revision 0029 renames built-in referral reason codes (built-in codes live in the code):
an administrator's addition named like a new built-in code goes, since the table would list
it twice; other additions stay. Downgrading does the same for the old names."""

from alembic import command

from app.core.migrations import alembic_config
from tests.core.test_migration_0025 import _run

_ADD = (
    "INSERT INTO dictionary_codes (table_name, code, label_zh, label_en, active, created_at, "
    "updated_at) VALUES (:table, :code, '本地', 'Local', 1, '2026-06-15 00:00:00', "
    "'2026-06-15 00:00:00')"
)
_CODES = "SELECT table_name, code FROM dictionary_codes ORDER BY table_name, code"


def test_0029_drops_additions_named_like_the_renamed_built_in_codes(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/codes.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0028")
    added = [
        ("referral_rejection_reason", "at_capacity"),
        ("referral_failure_reason", "unable_to_contact"),
        ("referral_failure_reason", "hospital_closed"),
    ]
    _run(url, [(_ADD, {"table": t, "code": c}) for t, c in added])
    command.upgrade(config, "0029")
    assert _run(url, [(_CODES, {})]) == [("referral_failure_reason", "hospital_closed")]
    _run(url, [(_ADD, {"table": "referral_rejection_reason", "code": "capacity"})])
    command.downgrade(config, "0028")
    assert _run(url, [(_CODES, {})]) == [("referral_failure_reason", "hospital_closed")]
