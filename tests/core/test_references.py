"""A column that names a row of another table is a foreign key, so the database itself
refuses a reference to nothing; the few `*_id` columns that are not say why here."""

import pytest
from sqlalchemy import Connection, inspect

from app.core.db import Database
from app.models import Base

NOT_REFERENCES = {
    ("audit_events", "object_id"): "any kind of object, by type and id; the chain outlives them",
    ("audit_events", "request_id"): "the request's correlation id, not a row",
    ("imports", "request_id"): "the request's correlation id, not a row",
    ("persons", "id_number_key_id"): "the id of the key that sealed the ID number (keystore)",
    ("discovery_reports", "id_number_key_id"): "the id of the key that sealed the ID number",
    ("api_clients", "client_id"): "the client's public name, its login",
    ("refresh_tokens", "family_id"): "a rotation family: a group of tokens, not a row",
    ("households", "intake_source_id"): "a report or an application, by `intake_source`",
    ("household_needs", "source_id"): "an application, a visit or a report, by `source`",
    ("inbox_items", "subject_id"): "any kind of subject, by `subject_type`",
    ("webhook_deliveries", "event_id"): "the outbox event, purged once delivered everywhere",
    ("imports", "job_id"): "the job that ran it; jobs are purged when done",
    ("simulations", "job_id"): "the job that ran it; jobs are purged when done",
    ("simulation_parts", "job_id"): "the job that runs the part; jobs are purged when done",
    ("simulation_parts", "until_id"): "a position in the id order of households, not a row",
    ("household_measures", "plan_item_id"): "an item inside a plan version's JSON items",
}


def test_every_id_column_is_a_foreign_key_or_says_why_not() -> None:
    unexplained = sorted(
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_id") and not column.primary_key and not column.foreign_keys
        if (table.name, column.name) not in NOT_REFERENCES
    )
    assert unexplained == []


def test_every_reason_names_a_column_that_exists() -> None:
    tables = Base.metadata.tables
    assert [pair for pair in NOT_REFERENCES if pair[1] not in tables[pair[0]].columns] == []


@pytest.mark.parametrize(
    ("table", "column", "referred"),
    [
        ("referrals", "application_id", "applications"),
        ("household_changes", "person_id", "persons"),
    ],
)
async def test_the_migrated_database_holds_the_constraint(
    database: Database, table: str, column: str, referred: str
) -> None:
    """The references migration 0033 made foreign keys are constraints of the migrated
    database (the test databases are migrated), not only of the models."""

    def foreign_keys(sync: Connection) -> list[tuple[list[str], str]]:
        return [
            (fk["constrained_columns"], fk["referred_table"])
            for fk in inspect(sync).get_foreign_keys(table)
        ]

    async with database.engine.connect() as connection:
        found = await connection.run_sync(foreign_keys)
    assert ([column], referred) in found
