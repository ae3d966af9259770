"""The garbage collector in a long-running process (the server, the worker)."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def start_up_frozen() -> Iterator[None]:
    """Everything alive on entry (modules, routes, schemas, compiled statements) lives as
    long as the process: out of the collector's sight (`gc.freeze`) until exit, a full
    collection no longer walks it. That walk paused requests for tens of milliseconds, and
    took about half the CPU of a simulation, whose batches keep enough objects alive to
    set off a full collection every few batches (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
