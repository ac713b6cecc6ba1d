"""The spike detector's settings: one sensitivity users understand, and the tunables behind it.

Pure: no Django. `thresholds()` turns a setting into per-window significance levels, shared
by every detector with the same settings.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["DAY", "HOUR", "SENSITIVITIES", "WEEK", "Sensitivity", "SpikeConfig", "thresholds"]

Sensitivity = Literal["low", "medium", "high"]

#: Nominal false alarms per week on a stream that follows the learnt model.
SENSITIVITIES: dict[str, float] = {"low": 0.25, "medium": 1.0, "high": 4.0}
_MIN_COUNT: dict[str, float] = {"low": 10.0, "medium": 5.0, "high": 3.0}

WEEK = 7 * 86400.0
DAY = 86400.0
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class SpikeConfig:
    """Tunables; defaults are the documented ones, derived from `sensitivity`."""

    sensitivity: Sensitivity = "medium"
    bucket_seconds: int = 300
    false_alarms_per_week: float | None = None  # overrides the sensitivity's rate
    min_count: float | None = None  # overrides the sensitivity's minimum volume
    min_ratio: float = 1.5  # observed must be at least this multiple of expected
    cooldown_seconds: int = 24 * 3600  # one alert per story per day
    escalation_ratio: float = 4.0  # re-fire inside the cooldown at this multiple
    warmup_seconds: int = 86400
    level_half_life: float = 12 * HOUR
    daily_half_life: float = 7 * DAY
    weekly_half_life: float = 21 * DAY
    #: Weekends (Saturday and Sunday on the audience's clock) get their own hour-of-day shape:
    #: a correction to the shared shape that starts at 1 with the weight of this many weekend
    #: days and is learnt from weekend buckets only (0: no weekend shape, as before).
    weekend_prior_days: float = 4.0
    #: Half-life of the weekend correction, counted in weekend days seen (as the shared
    #: shape's `daily_half_life` is counted in days).
    weekend_half_life: float = 7 * DAY
    dispersion_half_life: float = 3 * DAY
    #: The long windows' over-dispersion starts a warm-up after the topic's first mention, at this
    #: value with the weight of this many hourly samples of the volume learnt meanwhile; each
    #: later sample counts by what it says about the dispersion (docs: "Where a series starts").
    long_prior_dispersion: float = 0.1
    long_prior_hours: float = 2000.0
    dispersion_clip: float = 2.5  # residuals winsorised here (in sd) so blips do not widen the band
    tail_half_life: float = 14 * DAY
    tail_prior_rate: float = 1.0  # prior exceedance rate, as a multiple of the model's
    tail_prior_scale: float = 1.5  # prior tail scale (1.0 = the model is exact)
    scales: tuple[int, ...] = (1, 3, 12, 36, 72)  # windows in buckets (36, 72: see block_buckets)
    block_buckets: int = 12  # windows longer than this are summed in whole blocks (1 h)
    burst_cap: float = 3.0  # cap each bucket at expected + this many sd inside longer windows
    lone_bucket_share: float = 1e-3  # the one-bucket window's alarm budget, per longer window's
    max_fill_seconds: int = 86400  # longer gaps are outages, not quiet periods
    #: The audience's clock, added to the buckets' wall-clock times: days (and so the weekly
    #: rhythm) start at its midnight, not at UTC's. Fixed when the detector is built.
    utc_offset_seconds: int = 0
    unit: str = "mentions"

    def __post_init__(self) -> None:
        if self.sensitivity not in SENSITIVITIES:
            raise ValueError(f"sensitivity must be one of {sorted(SENSITIVITIES)}")
        if self.bucket_seconds <= 0:
            raise ValueError("bucket_seconds must be positive")
        if not self.scales or min(self.scales) < 1:
            raise ValueError("scales must be positive bucket counts")
        if any(k > self.block_buckets and k % self.block_buckets for k in self.scales):
            raise ValueError("windows longer than a block must be whole blocks")
        if abs(self.utc_offset_seconds) > 14 * 3600:
            raise ValueError("utc_offset_seconds must be within 14 hours")

    @property
    def alarm_rate(self) -> float:
        return self.false_alarms_per_week or SENSITIVITIES[self.sensitivity]

    @property
    def volume_floor(self) -> float:
        return self.min_count if self.min_count is not None else _MIN_COUNT[self.sensitivity]

    def log_p_thresholds(self, counts: bool = True) -> tuple[float, ...]:
        """Per-window significance so that alarms/week matches the setting (weighted Bonferroni).

        In a count series a lone one-bucket burst gets a thousandth of a longer window's
        share: bots and single retweet storms make such bursts far commoner than even the
        calibrated tail expects. Other series (sensors) split the budget evenly.
        """
        per_bucket = self.alarm_rate * self.bucket_seconds / WEEK
        lone = self.lone_bucket_share if counts else 1.0
        weights = [lone if k == 1 else 1.0 for k in self.scales]
        return tuple(math.log(per_bucket * w / sum(weights)) for w in weights)


@functools.lru_cache(maxsize=64)
def thresholds(cfg: SpikeConfig) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(count series, other series) thresholds, shared by every detector with these settings."""
    return cfg.log_p_thresholds(counts=True), cfg.log_p_thresholds(counts=False)
