"""Retry back-off of durable jobs: doubling, capped, with jitter."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import jobs
from app.core.jobs import backoff

BASE = 5.0
CAP = 3600.0


def _fixed_jitter(monkeypatch: pytest.MonkeyPatch, factor: float) -> list[tuple[float, float]]:
    calls: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        calls.append((low, high))
        return factor

    monkeypatch.setattr(jobs.random, "uniform", uniform)
    return calls


class TestBackoff:
    @pytest.mark.parametrize(
        ("attempts", "seconds"),
        [(1, 5), (2, 10), (3, 20), (4, 40), (8, 640), (10, 2560), (11, 3600), (20, 3600)],
    )
    def test_delay_doubles_until_the_cap(
        self, monkeypatch: pytest.MonkeyPatch, attempts: int, seconds: float
    ) -> None:
        _fixed_jitter(monkeypatch, 1.0)
        assert backoff(attempts) == timedelta(seconds=seconds)

    @pytest.mark.parametrize("attempts", [0, -3])
    def test_no_attempt_yet_waits_the_base(
        self, monkeypatch: pytest.MonkeyPatch, attempts: int
    ) -> None:
        _fixed_jitter(monkeypatch, 1.0)
        assert backoff(attempts) == timedelta(seconds=BASE)

    def test_jitter_is_drawn_between_eighty_and_one_twenty_percent(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = _fixed_jitter(monkeypatch, 0.8)
        assert backoff(3) == timedelta(seconds=16)
        assert calls == [(0.8, 1.2)]

    def test_highest_jitter_on_the_cap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _fixed_jitter(monkeypatch, 1.2)
        assert backoff(30) == timedelta(seconds=4320)

    def test_custom_base_and_cap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _fixed_jitter(monkeypatch, 1.0)
        assert backoff(3, base_seconds=1.0, cap_seconds=3.0) == timedelta(seconds=3)
        assert backoff(2, base_seconds=1.0, cap_seconds=3.0) == timedelta(seconds=2)

    def test_very_many_attempts_stay_capped(self) -> None:
        # 5 * 2**1099 does not fit a float; the cap must still apply.
        assert backoff(1100) <= timedelta(seconds=1.2 * CAP)

    @settings(max_examples=200)
    @given(attempts=st.integers(min_value=1, max_value=60))
    def test_delay_stays_within_the_jitter_bounds(self, attempts: int) -> None:
        expected = min(CAP, BASE * 2 ** (attempts - 1))
        delay = backoff(attempts).total_seconds()
        assert 0.8 * expected - 1e-6 <= delay <= 1.2 * expected + 1e-6
        assert delay <= 1.2 * CAP + 1e-6
