"""Dates, months and timestamps as JSON and query strings carry them: one strict string form
each, in years FIRST_YEAR to LAST_YEAR.

Pydantic's lax parsing reads a number as a Unix time (`0` is 1970-01-01) and a date from a
timestamp at midnight; a client meaning something else would be answered with a wrong day.
Each type here matches the whole input against the one pattern it declares in the contract
(`fullmatch`: Python's `$` also matches before a final newline, ECMA-262's does not), so the
check and the schema cannot drift, and states its bounds (`formatMinimum`/`formatMaximum`)
from the values it enforces.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from app.core.field_messages import at_least, at_most, field_error

FIRST_YEAR = 1900
LAST_YEAR = 2999
_YEAR = "(19|2[0-9])[0-9]{2}"
"""FIRST_YEAR to LAST_YEAR (tests/core/test_contract_bounds.py checks the two agree)."""
_MONTH = "(0[1-9]|1[0-2])"
_DAY = "(0[1-9]|[12][0-9]|3[01])"
_OFFSET = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATE_PATTERN = f"^{_YEAR}-{_MONTH}-{_DAY}$"
MONTH_PATTERN = f"^{_YEAR}-{_MONTH}$"
"""A calendar month, `YYYY-MM`, in the same years."""
TIMESTAMP_PATTERN = (
    f"^{_YEAR}-{_MONTH}-{_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,6}})?{_OFFSET}$"
)
EARLIEST = date(FIRST_YEAR, 1, 1)
LATEST = date(LAST_YEAR, 12, 31)


class DateString:
    """`Annotated[date, DateString(earliest, latest)]`: a day written `YYYY-MM-DD`, within
    bounds; anything else (a number, a timestamp, `2026-02-30`) is `not_a_date`."""

    def __init__(self, earliest: date = EARLIEST, latest: date = LATEST) -> None:
        if not EARLIEST <= earliest <= latest <= LATEST:
            raise ValueError(f"bounds {earliest}..{latest} outside {EARLIEST}..{LATEST}")
        self.earliest = earliest
        self.latest = latest
        self._compiled = re.compile(DATE_PATTERN)

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            self._bounded,
            core_schema.no_info_before_validator_function(self._parse, handler(source)),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        if handler.mode != "validation":
            return found
        return found | {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "formatMinimum": self.earliest.isoformat(),
            "formatMaximum": self.latest.isoformat(),
        }

    def _parse(self, value: object) -> object:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and self._compiled.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise field_error("not_a_date")

    def _bounded(self, day: date) -> date:
        if day < self.earliest:
            raise field_error("too_small", **at_least(self.earliest.isoformat()))
        if day > self.latest:
            raise field_error("too_large", **at_most(self.latest.isoformat()))
        return day


Day = Annotated[date, DateString()]
"""A business date in a request: `YYYY-MM-DD`, years FIRST_YEAR to LAST_YEAR."""


_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)


def _timestamp(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and _TIMESTAMP.fullmatch(value):
        return value
    raise field_error("not_a_datetime")


class TimestampString:
    """`Annotated[datetime, TimestampString()]`: an RFC 3339 time with its offset."""

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_timestamp, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        if handler.mode != "validation":
            return found
        return found | {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}


Instant = Annotated[datetime, TimestampString()]
"""A point in time in a request: `2026-11-03T08:00:00+08:00` or `...Z`; the offset is required."""
