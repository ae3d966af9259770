"""Re-encrypting ID numbers under the current field key (key rotation, DOMAIN 4).

Rotation: put the new key first in `SANZHU_FIELD_KEYS` (keeping the old
ones), restart, run `sanzhu ledger rekey`, then drop the old keys. Rows are
found by `id_number_key_id`, so the command is safe to rerun and to stop.
"""

from sqlalchemy import select

from app.core.crypto import IdNumberVault
from app.core.db import Database
from app.households.models import Person


async def rekey_id_numbers(database: Database, vault: IdNumberVault, *, batch: int = 1000) -> int:
    """Re-encrypt every ID number not under the current key, in batches; returns how many."""
    done = 0
    while True:
        async with database.sessionmaker() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(Person)
                    .where(Person.id_number_key_id != vault.current_key_id)
                    .order_by(Person.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            for person in rows:
                person.id_number_cipher, person.id_number_key_id = vault.seal(
                    vault.open(person.id_number_cipher)
                )
        done += len(rows)
        if len(rows) < batch:
            return done
