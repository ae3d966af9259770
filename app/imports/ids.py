"""Ids for rows written in bulk: UUIDv7 as `app.core.db.new_id` makes them, cheaper.

An import writes several rows per person; asking the operating system for
random bits once per id costs more than the rest of building the row. The
random bits come from the same source (os.urandom), drawn in bulk.
"""

import os
import time
import uuid

_IDS_PER_DRAW = 4096
_RANDOM_BYTES = 10
_FRESH_BITS = (1 << 73) - 1
"""A new millisecond starts at a random 73-bit value, leaving room to count up within it."""
_RAND_B = (1 << 62) - 1


class IdSource:
    """48 bits of Unix milliseconds, version 7, 74 bits random then counting up (RFC 9562).

    Like `new_id`, ids are increasing: rows written in one batch keep the
    order they were made in (a household's history lists its creation first).
    """

    def __init__(self) -> None:
        self._pool = b""
        self._at = 0
        self._ms = -1
        self._counter = 0

    def _random(self) -> int:
        if self._at + _RANDOM_BYTES > len(self._pool):
            self._pool, self._at = os.urandom(_RANDOM_BYTES * _IDS_PER_DRAW), 0
        value = int.from_bytes(self._pool[self._at : self._at + _RANDOM_BYTES])
        self._at += _RANDOM_BYTES
        return value & _FRESH_BITS

    def __call__(self) -> uuid.UUID:
        ms = time.time_ns() // 1_000_000
        if ms > self._ms:
            self._ms, self._counter = ms, self._random()
        else:
            self._counter += 1
        rand_a, rand_b = self._counter >> 62, self._counter & _RAND_B
        value = self._ms << 80 | 0x7 << 76 | rand_a << 64 | 0x2 << 62 | rand_b
        return uuid.UUID(int=value)
