"""Re-encrypting the ID numbers of discovery reports under the current field key (key
rotation, DOMAIN 4): `sanzhu intake rekey`, beside `sanzhu ledger rekey` for persons.

Rotation: put the new key first in `SANZHU_FIELD_KEYS` (keeping the old ones), restart,
run both commands, then drop the old keys. Rows are found by `id_number_key_id`, so the
command is safe to rerun and to stop. The blind index does not change (its key is not
rotated with the field keys).
"""

from sqlalchemy import select

from app.core.crypto import IdNumberVault
from app.core.db import Database
from app.intake.models import DiscoveryReport


async def rekey_report_id_numbers(
    database: Database, vault: IdNumberVault, *, batch: int = 1000
) -> int:
    """Re-encrypt every report's ID number not under the current key, in batches; how many."""
    done = 0
    while True:
        async with database.sessionmaker() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(DiscoveryReport)
                    .where(
                        DiscoveryReport.id_number_cipher.is_not(None),
                        DiscoveryReport.id_number_key_id != vault.current_key_id,
                    )
                    .order_by(DiscoveryReport.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            for report in rows:
                assert report.id_number_cipher is not None
                report.id_number_cipher, report.id_number_key_id = vault.seal(
                    vault.open(report.id_number_cipher)
                )
        done += len(rows)
        if len(rows) < batch:
            return done
