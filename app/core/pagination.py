"""Cursor (keyset) pagination: `{items, next_cursor}`, stable order, signed cursors.

A cursor holds the sort key of the last item and the query it belongs to,
signed with the server secret: a client can pass it back but not forge or
re-aim it. Keyset paging stays fast on the millionth row, unlike OFFSET.
"""

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Row, Select, Subquery, and_, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from app.core.db import ReadSession
from app.core.errors import ValidationFailed
from app.core.services import services_of

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SIGNATURE_BYTES = 16

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="This page's items, in the list's stable order.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed.at(["query", "cursor"], "invalid_cursor")


def _to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | datetime | date):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(value: Any, python_type: type) -> Any:
    if value is None:
        return None
    if python_type is object:
        raise RuntimeError("sort column type has no python_type; cursors cannot be decoded")
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return python_type(value)


@dataclass(frozen=True, slots=True)
class CursorCodec:
    secret: bytes

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def encode(self, values: Sequence[Any], scope: str) -> str:
        payload = json.dumps(
            {"k": [_to_json(v) for v in values], "s": _scope_digest(scope)}, separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(self._sign(payload) + payload).rstrip(b"=").decode()

    def decode(self, token: str, scope: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise _invalid_cursor() from None
        signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise _invalid_cursor()
        data = json.loads(payload)
        if data.get("s") != _scope_digest(scope) or not isinstance(data.get("k"), list):
            raise _invalid_cursor()
        return list(data["k"])


def _scope_digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    cursor: str | None
    codec: CursorCodec


async def _page_request(
    request: Request,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}; more is a 422.")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=1000, description="Opaque cursor from the previous page's `next_cursor`."),
    ] = None,
) -> PageRequest:
    return PageRequest(
        limit=limit, cursor=cursor, codec=CursorCodec(services_of(request).settings.secret_bytes)
    )


PageParams = Annotated[PageRequest, Depends(_page_request)]


async def paginate(
    session: ReadSession,
    stmt: Select[Any],
    order_by: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    *,
    scope: str,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of `stmt` (an entity select) in `order_by` order, ascending (or, with
    `descending`, newest first on every column).

    `order_by` must end in a unique column so the order is total; `scope`
    names the query and its filters so a cursor cannot be replayed on another.
    """
    result = await session.execute(_page_statement(stmt, order_by, page, scope, descending))
    return _cut(list(result.scalars()), order_by, page, scope)


async def paginate_rows(
    session: ReadSession,
    stmt: Select[*tuple[Any, ...]],
    order_by: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    *,
    scope: str,
    descending: bool | Sequence[bool] = False,
) -> tuple[list[Row[Any]], str | None]:
    """`paginate` for a select of columns: rows, no ORM objects (the columns must
    include those of `order_by`, under their own names). `descending` may name a direction
    per column (a ranking: the best score first, then the lowest income, then the id)."""
    result = await session.execute(_page_statement(stmt, order_by, page, scope, descending))
    return _cut(list(result.all()), order_by, page, scope)


async def paginate_joined(
    session: ReadSession,
    keys: Select[Any],
    order_by: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    *,
    scope: str,
    rows: Callable[[Subquery], Select[Any]],
    params: Mapping[str, Any] | None = None,
) -> tuple[list[Row[Any]], str | None]:
    """`paginate_rows` in one statement, for a page whose keys are best found in an index
    alone: `keys` (a select of the `order_by` columns) is ordered, cut at the cursor and
    limited in a subquery, and `rows(subquery)` selects the columns to show, joined to it
    by key and in the same order (so an index-only scan finds the page and the table is
    read for its rows alone). `params` are values of `keys`' bound parameters."""
    subquery = _page_statement(keys, order_by, page, scope).subquery("page")
    result = await session.execute(rows(subquery), params)
    return _cut(list(result.all()), order_by, page, scope)


def _page_statement(
    stmt: Select[Any],
    order_by: Sequence[InstrumentedAttribute[Any]],
    page: PageRequest,
    scope: str,
    descending: bool | Sequence[bool] = False,
) -> Select[Any]:
    directions = [descending] * len(order_by) if isinstance(descending, bool) else list(descending)
    if len(directions) != len(order_by):
        raise ValueError("one direction per order_by column")
    if page.cursor is not None:
        values = page.codec.decode(page.cursor, scope)
        if len(values) != len(order_by):
            raise _invalid_cursor()
        try:
            typed = [
                _from_json(v, col.type.python_type) for v, col in zip(values, order_by, strict=True)
            ]
        except (TypeError, ValueError, ArithmeticError):
            raise _invalid_cursor() from None
        stmt = stmt.where(_after(order_by, typed, directions))
    return stmt.order_by(
        *(c.desc() if down else c for c, down in zip(order_by, directions, strict=True))
    ).limit(page.limit + 1)


def _after(
    order_by: Sequence[InstrumentedAttribute[Any]], values: list[Any], directions: list[bool]
) -> ColumnElement[bool]:
    """Rows after the cursor's key: a row-value comparison when every column runs the same
    way (an index can seek to it), else the expanded form (a1 > v1) OR (a1 = v1 AND a2 < v2)..."""
    if len(set(directions)) == 1:
        ahead = tuple_(*order_by), tuple_(*values)
        return ahead[0] < ahead[1] if directions[0] else ahead[0] > ahead[1]
    branches = []
    for i, (column, value, down) in enumerate(zip(order_by, values, directions, strict=True)):
        equal = [order_by[j] == values[j] for j in range(i)]
        branches.append(and_(*equal, column < value if down else column > value))
    return or_(*branches)


def _cut(
    rows: list[T], order_by: Sequence[InstrumentedAttribute[Any]], page: PageRequest, scope: str
) -> tuple[list[T], str | None]:
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    last = rows[-1]
    return rows, page.codec.encode([getattr(last, col.key) for col in order_by], scope)
