"""How the spike detector learns a topic's rhythm: the hour-of-day shape, the weekend's own
correction of it, and the day-of-week factors. Pure functions on `DetectorState`.

Factors are clamped to [0.1, 10] so sparse topics (mostly zeros) keep a sane rhythm.
"""

from __future__ import annotations

from vigil.alerts.detectors.config import DAY
from vigil.alerts.detectors.state import DetectorState

__all__ = ["clamp", "learn_daily_shape", "learn_week", "renormalise"]

FACTOR_MIN = 0.1
FACTOR_MAX = 10.0


def clamp(factor: float) -> float:
    return min(max(factor, FACTOR_MIN), FACTOR_MAX)


def learn_daily_shape(
    s: DetectorState,
    ratio: float,
    i0: int,
    i1: int,
    w1: float,
    a_day: float,
    a_weekend: float | None,
    weekend_on: bool,
) -> None:
    """Move the two hour slots around a bucket toward ``ratio`` (its winsorised count over
    level x day-of-week factor), weighted by the bucket's place between them.

    ``a_weekend`` is the weekend correction's learning rate on a Saturday or Sunday, None on
    a weekday. The shared shape then learns the bucket through the correction, and the
    correction learns what the shared shape leaves: a young topic (correction at its prior
    of 1) behaves as with one shape, an old one gets its own weekend. Until ``weekend_on``
    (the weekly rhythm is in use) the shared shape learns as if there were no correction.
    """
    target = min(ratio, FACTOR_MAX)
    if a_weekend is None:
        s.hod[i0] = clamp(s.hod[i0] + a_day * (1.0 - w1) * (target - s.hod[i0]))
        s.hod[i1] = clamp(s.hod[i1] + a_day * w1 * (target - s.hod[i1]))
        return
    h0, h1, c0, c1 = s.hod[i0], s.hod[i1], s.hod_we[i0], s.hod_we[i1]
    u0, u1 = (c0, c1) if weekend_on else (1.0, 1.0)
    s.hod[i0] = clamp(h0 + a_day * (1.0 - w1) * (min(ratio / u0, FACTOR_MAX) - h0))
    s.hod[i1] = clamp(h1 + a_day * w1 * (min(ratio / u1, FACTOR_MAX) - h1))
    s.hod_we[i0] = clamp(c0 + a_weekend * (1.0 - w1) * (min(ratio / h0, FACTOR_MAX) - c0))
    s.hod_we[i1] = clamp(c1 + a_weekend * w1 * (min(ratio / h1, FACTOR_MAX) - c1))


def learn_week(s: DetectorState, xc: float, day: int, bucket_seconds: int, a_week: float) -> None:
    """Learn the day-of-week factors from whole days, never from single buckets.

    A day's winsorised total is compared with the mean of the last seven complete
    days. Learnt bucket by bucket against the 12-hour level (as before), the factors
    were not identifiable: the level absorbs any day's factor within hours, so the
    factors drifted into a weekly ramp even on a topic with no weekly rhythm (0.55 on
    Monday to 1.54 on Sunday after one week), and every midnight the expected
    volume jumped by the ratio of two neighbouring factors.
    """
    if day != s.day_cur:
        complete = s.day_buckets >= 0.9 * DAY / bucket_seconds
        if s.day_cur >= 0 and complete:
            s.day_totals[s.day_cur] = s.day_sum
            s.days_seen += 1
            mean = sum(s.day_totals) / 7.0
            if s.days_seen >= 7 and mean > 0.0:
                # The k-th update of a weekday weighs 1/(k+1): a prior week of no rhythm.
                k = (s.days_seen - 7) // 7 + 1
                rate = max(a_week, 1.0 / (k + 1.0))
                target = clamp(s.day_sum / mean)
                s.dow[s.day_cur] = clamp(s.dow[s.day_cur] + rate * (target - s.dow[s.day_cur]))
        s.day_cur, s.day_sum, s.day_buckets = day, 0.0, 0
    s.day_sum += xc
    s.day_buckets += 1


def renormalise(s: DetectorState) -> None:
    """Keep seasonal factors averaging 1 so `level` stays a readable mean rate."""
    for factors in (s.hod, s.dow):
        mean = sum(factors) / len(factors)
        if mean > 0:
            for i in range(len(factors)):
                factors[i] = clamp(factors[i] / mean)
            s.level *= mean
    # The weekend correction is a shape only: its mean, weighted by the shared shape, is 1
    # (the weekend's volume is the day-of-week factors' to say).
    weight = sum(s.hod)
    mean = sum(h * c for h, c in zip(s.hod, s.hod_we, strict=True)) / weight if weight else 0.0
    if mean > 0:
        for i in range(24):
            s.hod_we[i] = clamp(s.hod_we[i] / mean)
