"""How soon the spike detector warns of a rise that holds: the figure read beside NAB's.

NAB rewards a detector for staying quiet on rises that hold for tens of minutes (its
labels mark few of them), while a PR team must hear about exactly those early. Session 8
built a detector that gained two NAB points by missing them; this measurement, on
synthetic topics whose answer is known, keeps that trade-off in view. Pure: no Django.

Each trial learns some days of a topic with a daily rhythm and over-dispersed counts (four
weeks by default, what a new rule reads; one week for a young topic), then multiplies its
volume for a while; it is caught when an alert fires within the allowed
minutes of the rise's start.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vigil.alerts.detectors.config import Sensitivity
from vigil.alerts.detectors.spike import SpikeDetector

__all__ = ["CASES", "ResponseCase", "ResponseResult", "measure_response"]

_BUCKET = timedelta(minutes=5)
_START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
_DISPERSION = 0.1  # gamma-mixed Poisson: Var = mu + 0.1 mu^2


@dataclass(frozen=True, slots=True)
class ResponseCase:
    """A rise of ``multiplier`` x the usual volume, held ``held_minutes``, on a topic whose
    daily mean at 14:00 is ``usual`` mentions per 5 minutes."""

    usual: float
    multiplier: float
    held_minutes: int


@dataclass(frozen=True, slots=True)
class ResponseResult:
    case: ResponseCase
    caught: int
    trials: int
    delays: tuple[int, ...]  # minutes from the rise's start to the end of the bucket that fired

    @property
    def median_delay(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None


#: A quiet and a busy topic; rises a PR team must hear about within half an hour.
CASES: tuple[ResponseCase, ...] = tuple(
    ResponseCase(usual, multiplier, 30) for usual in (4.0, 16.0) for multiplier in (3.0, 5.0, 10.0)
)


def _rhythm(moment: datetime) -> float:
    """Daily shape with its trough at 03:00 and peak at 15:00; 1.0 at 14:00."""
    hour = moment.hour + moment.minute / 60
    shape = 0.35 + 1.235 * (0.5 - 0.5 * math.cos((hour - 3) / 24 * 2 * math.pi))
    return shape / (0.35 + 1.235 * (0.5 - 0.5 * math.cos(11 / 24 * 2 * math.pi)))


def _count(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    rate = rng.gammavariate(1 / _DISPERSION, mean * _DISPERSION)
    if rate > 50:
        return max(0, round(rng.gauss(rate, math.sqrt(rate))))
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _trial(
    case: ResponseCase, sensitivity: Sensitivity, seed: int, within_minutes: int, history_days: int
) -> int | None:
    """Minutes until the first alert after the rise starts (14:00 after the history), or None."""
    rng = random.Random(seed)
    detector = SpikeDetector(sensitivity=sensitivity, bucket_seconds=300)
    rise = _START + timedelta(days=history_days, hours=14)
    moment = _START
    while moment < rise:
        detector.observe(moment, _count(rng, case.usual * _rhythm(moment)))
        moment += _BUCKET
    held = case.held_minutes // 5
    for i in range(within_minutes // 5):
        factor = case.multiplier if i < held else 1.0
        if detector.observe(moment, _count(rng, case.usual * _rhythm(moment) * factor)):
            return (i + 1) * 5
        moment += _BUCKET
    return None


def measure_response(
    sensitivity: Sensitivity,
    cases: tuple[ResponseCase, ...] = CASES,
    seeds: int = 10,
    within_minutes: int = 30,
    history_days: int = 28,
) -> list[ResponseResult]:
    """For each case, how many of ``seeds`` trials alert within ``within_minutes`` of a rise
    that comes after ``history_days`` of ordinary traffic."""
    results = []
    for case in cases:
        delays = [
            delay
            for seed in range(seeds)
            if (delay := _trial(case, sensitivity, seed, within_minutes, history_days)) is not None
        ]
        results.append(ResponseResult(case, len(delays), seeds, tuple(sorted(delays))))
    return results
