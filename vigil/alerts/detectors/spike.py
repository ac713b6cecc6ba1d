"""Streaming volume-spike detector for per-topic mention counts.

Each bucket is judged once, when it closes, against a baseline learnt only from
earlier buckets, so the live system, `vigil detect spikes` and the NAB
evaluation fire the same alerts at the same moments.

Model (see docs/spike-detection.md): expected count = level x hour-of-day factor
x day-of-week factor, x a weekend correction of the hour-of-day shape on Saturdays
and Sundays (a multiplicative Holt-Winters baseline with exponential
forgetting, updated with winsorised counts so a spike does not teach itself),
and a negative-binomial tail test (gamma for non-count series) on the last 1, 3
and 12 buckets and on two long windows built from hourly totals (3 h and 6 h,
for stories that build for hours), each window with its own learnt
over-dispersion; the long windows learn theirs once an hour, so a rising story
cannot widen its own band. In count series a lone one-bucket burst needs far
stronger evidence than a rise that holds (bots and retweet storms).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime
from typing import Any

from vigil.alerts.detectors.calibration import (
    LEVEL_1,
    calibrated_log_p,
    count_exceedance,
    prior_counts,
    third_level_prior,
)
from vigil.alerts.detectors.config import (
    DAY,
    HOUR,
    WEEK,
    Sensitivity,
    SpikeConfig,
    thresholds,
)
from vigil.alerts.detectors.seasons import learn_daily_shape, learn_week, renormalise
from vigil.alerts.detectors.signal import SpikeSignal, make_signal
from vigil.alerts.detectors.state import DetectorState, state_from_dict, state_to_dict
from vigil.alerts.detectors.tails import gamma_log_sf, negbin_log_sf

__all__ = ["SpikeDetector", "SpikeSignal"]

_STATE_VERSION = 2  # 1: before long windows; still readable (keeps its three windows)


def _decay(half_life_s: float, bucket_s: float) -> float:
    """Per-bucket learning rate that halves an observation's weight every half-life."""
    return 1.0 - 0.5 ** (bucket_s / max(half_life_s, bucket_s))


#: (observed, expected, sum of expected squared, buckets) over one window.
Window = tuple[float, float, float, int]


def _local_seconds(moment: datetime, offset: int) -> float:
    """Wall-clock seconds since the epoch plus ``offset``, so daily slots and days follow
    the audience's clock (a naive or local time with offset 0 is taken as it reads)."""
    return moment.replace(tzinfo=UTC).timestamp() + offset


class SpikeDetector:
    """Judges each closed bucket of a count series; one instance per topic."""

    __slots__ = (
        "_a_disp",
        "_a_day",
        "_a_level",
        "_a_pot",
        "_a_we",
        "_a_week",
        "_cfg",
        "_log_thr",
        "_long",
        "_blocks",
        "_s",
        "_warm_after",
        "_we_prior",
        "_window",
    )

    def __init__(
        self, sensitivity: Sensitivity = "medium", bucket_seconds: int = 300, **options: Any
    ) -> None:
        self._cfg = SpikeConfig(sensitivity=sensitivity, bucket_seconds=bucket_seconds, **options)
        self._setup()
        self._s = DetectorState()
        k = self._window
        self._s.recent_x = array("d", [0.0] * k)
        self._s.recent_mu = array("d", [0.0] * k)
        self._s.blocks = array("d", [0.0] * (3 * self._blocks))
        self._s.disp_num = array("d", [0.0] * len(self._cfg.scales))
        self._s.disp_den = array("d", [0.0] * len(self._cfg.scales))
        # Tail prior: one week of buckets behaving like the model, with a mildly heavy tail.
        s = self._s
        s.pot_total, s.pot_n1, s.pot_n2, s.pot_n3 = prior_counts(
            WEEK / bucket_seconds,
            len(self._cfg.scales),
            self._cfg.tail_prior_rate,
            self._cfg.tail_prior_scale,
        )

    def _setup(self) -> None:
        cfg = self._cfg
        b = float(cfg.bucket_seconds)
        self._a_level = _decay(cfg.level_half_life, b)
        self._a_day = _decay(cfg.daily_half_life / 24.0, b)  # each hour slot sees 1/24 of buckets
        self._a_week = _decay(cfg.weekly_half_life, WEEK)  # one update per weekday per week
        # The weekend correction: same rule as the shared shape, counted in weekend buckets,
        # and a prior of `weekend_prior_days` at 1.0 (in the same per-slot units as n / 24).
        self._a_we = _decay(cfg.weekend_half_life / 24.0, b)
        self._we_prior = cfg.weekend_prior_days * DAY / b / 24.0
        self._a_disp = _decay(cfg.dispersion_half_life, b)
        self._a_pot = _decay(cfg.tail_half_life, b)
        self._log_thr = thresholds(cfg)
        # Windows longer than a block learn once an hour, from a prior set a day into the topic.
        self._long = tuple(j for j, k in enumerate(cfg.scales) if k > cfg.block_buckets)
        # The ring holds one block of buckets; longer windows add completed blocks.
        self._window = min(max(cfg.scales), cfg.block_buckets)
        self._blocks = max(cfg.scales) // self._window - 1
        # Buckets to learn before judging: the warm-up, and at least one full ring.
        self._warm_after = max(math.ceil(cfg.warmup_seconds / b), self._window)

    @property
    def config(self) -> SpikeConfig:
        return self._cfg

    @property
    def buckets_seen(self) -> int:
        """How many buckets the detector has judged or learnt from."""
        return self._s.n

    @property
    def buckets_until_warm(self) -> int:
        """Buckets still to learn before the detector may alert (0 once it may)."""
        return max(self._warm_after - self._s.n, 0)

    def end_quiet_period(self) -> None:
        """Forget the last alert (a person judged it a false alarm): a real rise soon after
        must not need ``escalation_ratio`` times that alarm's rate. The baseline is kept.

        While the dismissed burst still runs, the quiet period lasts until it is over: a
        trial closed a spike as a false alarm and was alerted at once about the same burst
        ("112 negative mentions in 15 min", the ones just dismissed among them)."""
        s = self._s
        if s.running:
            s.quiet_until_calm = True
            return
        s.cooldown_until = -math.inf
        s.last_alert_rate = 0.0

    @property
    def story_running(self) -> bool:
        """Whether the story of the last alert still runs: every bucket since it fired kept
        the short window (15 minutes) above ``min_ratio`` times its usual volume. The
        alert's mention count can then follow the story past the moment it fired."""
        return self._s.running

    @property
    def has_seen_activity(self) -> bool:
        """Whether any bucket so far held a count above zero (the level stays exactly 0
        until one does), i.e. whether the detector has learnt anything about the topic."""
        return self._s.level > 0.0

    # ---------------------------------------------------------------- public API

    def observe(self, bucket_start: datetime, count: float) -> SpikeSignal | None:
        """Feed one closed bucket; returns a signal when it is a spike.

        Buckets missing between two observations are zero counts for a count
        series that has shown zeros (a quiet topic); otherwise they are skipped.
        Duplicate or late buckets are ignored.
        """
        cfg, s = self._cfg, self._s
        t = _local_seconds(bucket_start, cfg.utc_offset_seconds)
        if s.last_t is not None:
            steps = round((t - s.last_t) / cfg.bucket_seconds)
            if steps <= 0:
                return None
            missing = steps - 1
            if (
                missing > 0
                and s.count_mode
                and s.seen_zero
                and missing * cfg.bucket_seconds <= cfg.max_fill_seconds
            ):
                for i in range(1, missing + 1):
                    self._step(t - (steps - i) * cfg.bucket_seconds, 0.0, None)
        return self._step(t, float(count), bucket_start)

    def to_state(self) -> dict[str, Any]:
        """JSON-safe snapshot; `from_state` resumes exactly where this left off."""
        cfg = asdict(self._cfg)
        cfg["scales"] = list(self._cfg.scales)
        return {"v": _STATE_VERSION, "config": cfg, **state_to_dict(self._s)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SpikeDetector:
        if state.get("v") not in (1, _STATE_VERSION):
            raise ValueError(f"unsupported spike state version {state.get('v')!r}")
        # Settings this version does not know (saved by a newer or experimental build) are
        # dropped, so a topic keeps its learnt baseline instead of failing every bucket.
        known = {f.name for f in fields(SpikeConfig)}
        raw = {k: v for k, v in state["config"].items() if k in known}
        raw["scales"] = tuple(raw.get("scales", SpikeConfig().scales))
        self = cls.__new__(cls)
        self._cfg = replace(SpikeConfig(), **raw)
        self._setup()
        self._s = state_from_dict(state)
        if "first_mention" not in state and self._s.level > 0:
            self._s.first_mention = 0  # saved before it was kept: the topic has spoken
        if not self._s.pot_n3:
            s = self._s
            s.pot_n3 = third_level_prior(s.pot_n1, s.pot_n2, self._cfg.tail_prior_scale)
        return self

    # ---------------------------------------------------------------- internals

    def _season(self, t: float) -> tuple[float, int, int, float, int]:
        """Seasonal factor at the bucket centre, interpolating between hour slots."""
        centre = t + self._cfg.bucket_seconds / 2.0
        hour = (centre % DAY) / HOUR - 0.5
        i0 = math.floor(hour)
        w1 = hour - i0
        i0 %= 24
        i1 = (i0 + 1) % 24
        day = int(((centre // DAY) + 3) % 7)  # 1970-01-01 was a Thursday
        s = self._s
        factor = ((1.0 - w1) * s.hod[i0] + w1 * s.hod[i1]) * s.dow[day]
        if day >= 5 and self._weekend_on():  # Saturday, Sunday
            factor *= (1.0 - w1) * s.hod_we[i0] + w1 * s.hod_we[i1]
        return factor, i0, i1, w1, day

    def _weekend_on(self) -> bool:
        """The weekend's own shape is part of the weekly rhythm: used from the seventh whole
        day on, as the day-of-week factors are (and as explanations say "Sat 14:00")."""
        return self._cfg.weekend_prior_days > 0 and self._s.days_seen >= 7

    def _step(self, t: float, x: float, moment: datetime | None) -> SpikeSignal | None:
        s, cfg = self._s, self._cfg
        if s.count_mode and (x < 0 or x != math.floor(x)):
            s.count_mode = False
        if x == 0:
            s.seen_zero = True
        elif s.first_mention < 0:
            s.first_mention = s.n
        season, i0, i1, w1, day = self._season(t)
        if s.n == 0:
            s.level = max(x, 0.0) / season
            for j in range(len(cfg.scales)):
                # The long windows get theirs a warm-up after the first mention.
                mu0 = 0.0 if j in self._long else max(s.level, 1.0) ** 2 * cfg.scales[j]
                s.disp_num[j] = 0.1 * mu0
                s.disp_den[j] = mu0
        if (
            self._long
            and 0 <= s.first_mention <= s.n - self._warm_after
            and s.disp_den[self._long[-1]] <= 0
        ):
            self._set_long_prior()
        mu = max(s.level * season, 0.01 if s.count_mode else 1e-9)
        k = self._window
        if cfg.burst_cap:
            cap = mu + cfg.burst_cap * math.sqrt(
                (mu if s.count_mode else 0.0) + self._dispersion(0) * mu * mu
            )
            # A bucket beyond the cap counts as far as the one before it went: a rise that holds.
            s.recent_x[s.pos] = min(x, max(cap, s.last_x))
        else:
            s.recent_x[s.pos] = x
        s.recent_mu[s.pos] = mu
        s.last_x = x
        s.pos = (s.pos + 1) % k
        signal = None
        sums = self._window_sums(x)
        if s.running:
            total, expected, _q, _n = sums[min(1, len(sums) - 1)]
            s.running = total > cfg.min_ratio * expected
        if s.quiet_until_calm and not s.running:  # the dismissed burst is over
            s.quiet_until_calm = False
            s.cooldown_until = -math.inf
            s.last_alert_rate = 0.0
        if s.n >= self._warm_after:
            signal = self._judge(t, moment, sums)
        self._learn(x, mu, season, i0, i1, w1, day, sums)
        if s.pos == 0 and self._blocks and s.n + 1 >= self._window:
            self._close_block()
        s.n += 1
        s.last_t = t
        return signal

    def _set_long_prior(self) -> None:
        """Give the long windows their prior band a warm-up after the topic's first mention:
        `long_prior_dispersion` with the weight of `long_prior_hours` hourly samples of the
        volume learnt over that day. Set from the first bucket's count, the prior's weight
        followed how busy the first five minutes were (docs/spike-detection.md, "Where a
        series starts")."""
        s, cfg = self._s, self._cfg
        hod2 = sum(h * h for h in s.hod) / 24.0
        dow2 = sum(d * d for d in s.dow) / 7.0
        # Past the half-life's memory (1 / rate) the prior outweighs it: its mass grows with it.
        mass = s.level * s.level * hod2 * dow2 * max(cfg.long_prior_hours * self._a_disp, 1.0)
        for j in self._long:
            s.disp_den[j] = mass * cfg.scales[j]
            s.disp_num[j] = cfg.long_prior_dispersion * s.disp_den[j]

    def _window_sums(self, x: float) -> list[Window]:
        """(observed, expected, sum of expected squared, buckets) for each window, in one pass.

        Longer windows sum burst-capped counts (capped in `_step`), so one 5-minute
        blip (a bot, a single retweet storm) cannot pass for a sustained rise. Windows longer
        than a block are the open block plus the last whole blocks before it
        (so a "3 h" window covers 2 h 5 min to 3 h).
        """
        s = self._s
        size = self._window
        depth = min(size, s.n + 1)
        total_x = total_mu = total_q = 0.0
        by_depth: list[Window] = [(0.0, 0.0, 0.0, 0)]
        j = s.pos
        recent_x, recent_mu = s.recent_x, s.recent_mu
        for back in range(1, depth + 1):
            j = j - 1 if j else size - 1
            mu = recent_mu[j]
            total_x += recent_x[j]
            total_mu += mu
            total_q += mu * mu
            by_depth.append((total_x, total_mu, total_q, back))
        # Long windows: the open block, then completed blocks going back.
        by_blocks = [by_depth[min(s.pos or size, depth)]]
        if self._blocks:
            obs, exp, q, n = by_blocks[0]
            j = s.block_pos
            for _ in range(s.block_n):
                j = j - 1 if j else self._blocks - 1
                obs += s.blocks[3 * j]
                exp += s.blocks[3 * j + 1]
                q += s.blocks[3 * j + 2]
                n += size
                by_blocks.append((obs, exp, q, n))
        sums: list[Window] = []
        for k in self._cfg.scales:
            if k == 1:
                sums.append((x, *by_depth[1][1:]))
            elif k <= size:
                sums.append(by_depth[min(k, depth)])
            else:
                sums.append(by_blocks[min(k // size - 1, len(by_blocks) - 1)])
        return sums

    def _close_block(self) -> None:
        """The ring has just filled a block: remember its totals for the long windows."""
        s = self._s
        total_x = total_mu = total_q = 0.0
        for x, mu in zip(s.recent_x, s.recent_mu, strict=True):
            total_x += x
            total_mu += mu
            total_q += mu * mu
        base = 3 * s.block_pos
        s.blocks[base], s.blocks[base + 1], s.blocks[base + 2] = total_x, total_mu, total_q
        s.block_pos = (s.block_pos + 1) % self._blocks
        s.block_n = min(s.block_n + 1, self._blocks)

    def _dispersion(self, j: int) -> float:
        s = self._s
        return max(s.disp_num[j] / s.disp_den[j], 1e-4) if s.disp_den[j] > 0 else 0.1

    def _raw_log_p(self, j: int, total: float, expected: float, q: float) -> float | None:
        """Model log tail probability of a window, or None when it is not a candidate."""
        s, cfg = self._s, self._cfg
        if total <= expected * cfg.min_ratio or (s.count_mode and total < cfg.volume_floor):
            return None
        a = self._dispersion(j)
        var = (expected if s.count_mode else 0.0) + a * q
        if (total - expected) < 2.0 * math.sqrt(var):
            return None  # cheap screen: far below the calibration threshold
        eff = a * q / (expected * expected)
        if s.count_mode:
            return negbin_log_sf(total, expected, eff)
        return gamma_log_sf(total, expected, eff)

    def _calibrated(self, j: int, surprise: float) -> float:
        """log P(surprise >= this) on window ``j``'s calibrated tail (calibration.py)."""
        s = self._s
        return calibrated_log_p(s.pot_total[j], s.pot_n1[j], s.pot_n2[j], s.pot_n3[j], surprise)

    def _judge(self, t: float, moment: datetime | None, sums: list[Window]) -> SpikeSignal | None:
        """Update the tail calibration (calibration.py) with this bucket; return a signal if it fires.

        Gap-filled buckets (moment None) count for calibration but never fire.
        """
        s, cfg = self._s, self._cfg
        keep = 1.0 - self._a_pot
        thresholds = self._log_thr[0 if s.count_mode else 1]
        # Windows past their threshold: (margin below it, log p, buckets, observed, expected).
        passing: list[tuple[float, float, int, float, float]] = []
        for j in range(len(cfg.scales)):
            total, expected, q, length = sums[j]
            found = self._raw_log_p(j, total, expected, q)
            surprise = -found if found is not None else 0.0
            if surprise > LEVEL_1:
                log_p = self._calibrated(j, surprise)
                # Inside the quiet period a window fires only at escalation_ratio times the
                # rate that fired. Each window is checked, not only the most significant:
                # that is often a long one, diluted by the hours before the story grew, so
                # a 15-minute burst four times the rate could not re-fire through it.
                if log_p <= thresholds[j] and (
                    t >= s.cooldown_until
                    or total / length >= cfg.escalation_ratio * s.last_alert_rate
                ):
                    passing.append((log_p - thresholds[j], log_p, length, total, expected))
            count_exceedance((s.pot_total, s.pot_n1, s.pot_n2, s.pot_n3), j, surprise, keep)
        if moment is None or not passing:
            return None
        _margin, log_p, k, total, expected = min(passing)  # the most significant explains
        grew = t < s.cooldown_until
        s.cooldown_until = t + cfg.cooldown_seconds
        s.last_alert_rate = total / k
        s.running = True
        s.quiet_until_calm = False  # a new alert (4x the dismissed one): its own quiet period
        weekly = s.days_seen >= 7  # the weekday factors learn from the seventh whole day on
        return make_signal(cfg, t, moment, log_p, k, total, expected, grew, weekly)

    def _learn(
        self,
        x: float,
        mu: float,
        season: float,
        i0: int,
        i1: int,
        w1: float,
        day: int,
        sums: list[Window],
    ) -> None:
        s, cfg = self._s, self._cfg
        poisson = 1.0 if s.count_mode else 0.0
        n = s.n
        # Dispersion per window, from clipped residuals so spikes do not widen the band.
        for j, k in enumerate(cfg.scales):
            total, expected, q, length = sums[j]
            if length < k:
                continue
            over = self._dispersion(j) * q  # the variance beyond Poisson noise
            if j in self._long:
                if s.disp_den[j] <= 0:
                    continue  # no prior yet: learnt from a warm-up after the first mention on
                # An hourly sample counts by what it says about the over-dispersion: the
                # squared share of its variance that is not Poisson noise (all of it in a
                # busy topic, little in a quiet one, whose band then stays near the prior).
                since = n - self._warm_after - max(s.first_mention, 0)
                hours = max(since, 0) / cfg.block_buckets + 1.0
                rate = max(self._a_disp, 1.0 / (hours + cfg.long_prior_hours))
                rate *= (over / (poisson * expected + over)) ** 2
            else:
                rate = max(self._a_disp, 1.0 / (n + 12.0))
            var = poisson * expected + over
            lim = self._cfg.dispersion_clip * math.sqrt(var)
            r = min(max(total - expected, -lim), lim)
            s.disp_num[j] += rate * ((r * r - poisson * expected) - s.disp_num[j])
            s.disp_den[j] += rate * (q - s.disp_den[j])
        # Winsorised count drives level and seasonality.
        sd = math.sqrt(poisson * mu + self._dispersion(0) * mu * mu)
        xc = min(max(x, mu - 3.0 * sd), mu + 3.0 * sd)
        xc = max(xc, 0.0)
        level = s.level
        s.level += max(self._a_level, 1.0 / (n + 1.0)) * (xc / season - level)
        weekend = day >= 5 and cfg.weekend_prior_days > 0
        if level > 0:
            a_day = max(self._a_day, 1.0 / (1.0 + n / 24.0))
            a_we = (
                max(self._a_we, 1.0 / (1.0 + self._we_prior + s.weekend_n / 24.0))
                if weekend
                else None
            )
            ratio = xc / (level * s.dow[day])
            learn_daily_shape(s, ratio, i0, i1, w1, a_day, a_we, self._weekend_on())
        if weekend:
            s.weekend_n += 1
        learn_week(s, xc, day, cfg.bucket_seconds, self._a_week)
        per_day = max(1, round(DAY / cfg.bucket_seconds))
        if (n + 1) % per_day == 0:
            renormalise(s)
