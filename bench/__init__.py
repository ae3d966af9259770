"""Benchmarks: the app against a raw asyncpg + Starlette baseline (see docs/performance.md)."""
