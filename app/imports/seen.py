"""What a file held so far, in little memory: a set of 64-bit numbers in a flat table.

Finding a person listed twice, or a household key that comes back, means
remembering every ID number and key of the file. A Python set costs about
70 bytes an entry, so a million rows would hold well over 100 MB; this
table costs 16 to 32 bytes (open addressing, linear probing, half full at
most), which keeps a million-row file within a few tens of megabytes.
"""

import hashlib
from array import array

_MIX = 0x9E3779B97F4A7C15
"""Fibonacci hashing: spreads numbers that differ only in a few digits over the table."""
_WORD = (1 << 64) - 1
_INITIAL_BITS = 10


class SeenNumbers:
    """Positive integers below 2**64, remembered; `add` says whether one was seen before."""

    def __init__(self) -> None:
        self._bits = _INITIAL_BITS
        self._slots = array("Q", bytes(8 << self._bits))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _slot(self, value: int) -> int:
        return ((value * _MIX) & _WORD) >> (64 - self._bits)

    def add(self, value: int) -> bool:
        """Remember `value`; True if it was there already."""
        slots, mask = self._slots, (1 << self._bits) - 1
        index = self._slot(value)
        while True:
            current = slots[index]
            if current == value:
                return True
            if current == 0:
                slots[index] = value
                self._count += 1
                if 2 * self._count > mask:
                    self._grow()
                return False
            index = (index + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        self._bits += 1
        self._slots = array("Q", bytes(8 << self._bits))
        self._count = 0
        for value in old:
            if value:
                self.add(value)


def key_number(key: str) -> int:
    """A household key as a 64-bit number; two keys share one with a chance of about 1 in 10**19."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest()) or 1
