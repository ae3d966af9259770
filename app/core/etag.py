"""Optimistic locking over HTTP: `version` as a weak ETag, If-Match on updates."""

import hashlib
from typing import Annotated

from fastapi import Depends, Header

from app.core.errors import PreconditionFailed, PreconditionRequired


def etag_for_version(version: int) -> str:
    return f'W/"{version}"'


def etag_for_content(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _parse_version(value: str) -> int | None:
    tag = value.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else None


IF_MATCH = "If-Match"


async def _if_match(
    if_match: Annotated[
        str,
        Header(
            alias=IF_MATCH,
            description="The ETag of the version you read; required, so no change is silently "
            "lost (428 without it).",
        ),
    ],
) -> int:
    """Required, so the contract says so; a request without it is answered 428, not 422
    (`errors.validation_error`)."""
    return _expected(if_match)


def _expected(if_match: str) -> int:
    version = _parse_version(if_match)
    if version is None:
        raise PreconditionFailed(params={"current": "?"})
    return version


ExpectedVersion = Annotated[int, Depends(_if_match)]
"""The version the client read, from `If-Match`; 428 when missing."""


def check_version(expected: int, current: int) -> None:
    """412 when the object changed since the client read it."""
    if expected != current:
        raise PreconditionFailed(params={"current": current})


def if_none_match_hits(if_none_match: str | None, etag: str) -> bool:
    """True when a conditional GET may be answered 304."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


async def _optional_if_match(
    if_match: Annotated[
        str | None,
        Header(
            alias=IF_MATCH,
            description="The ETag of the version you read; required once the object exists.",
        ),
    ] = None,
) -> int | None:
    return None if if_match is None else _expected(if_match)


OptionalExpectedVersion = Annotated[int | None, Depends(_optional_if_match)]
"""`If-Match` for a PUT that may create: absent only while nothing exists yet."""


def check_optional_version(expected: int | None, current: int | None) -> None:
    """428 when the object exists and no If-Match came; 412 when it is stale."""
    if current is None:
        if expected not in (None, 0):
            raise PreconditionFailed(params={"current": 0})
        return
    if expected is None:
        raise PreconditionRequired()
    check_version(expected, current)
