"""Tail calibration of the spike detector: how rare a window's surprise really is on this topic.

If the model were exact, the surprise -ln p of ordinary buckets would be Exp(1). Real mention
streams have heavier tails (bot bursts, retweet storms), so each window counts, with exponential
forgetting, how often its buckets passed three surprise levels (p 1e-3, 1e-6, 1e-12) and reads the
calibrated p off a piecewise log-linear tail through those rates (peaks over threshold, as in SPOT,
Siffer et al. 2017). Counts only, so one enormous event cannot blind the detector for weeks.
Pure: no Django, no detector state beyond the four arrays it is handed.
"""

from __future__ import annotations

import math
from array import array

__all__ = ["LEVEL_1", "calibrated_log_p", "count_exceedance", "prior_counts", "third_level_prior"]

#: Surprise (-ln p) above which a bucket counts as an exceedance, at three levels.
LEVEL_1 = -math.log(1e-3)
LEVEL_2 = -math.log(1e-6)
#: With few mentions per window nearly every exceedance of the first level is beyond the second
#: too (the volume floor alone is 1e-9 at 0.05 expected), so two levels cannot see how fast the
#: tail falls beyond the second; the third can.
LEVEL_3 = -math.log(1e-12)
MAX_TAIL_SCALE = 8.0
#: Added to the third level's count, so a quiet spell with none (a near-zero decayed count)
#: does not read as a tail far lighter than the model's.
LEVEL_3_PSEUDO = 0.1


def prior_counts(
    buckets: float, windows: int, rate: float, scale: float
) -> tuple[array[float], array[float], array[float], array[float]]:
    """(total, past level 1, 2, 3) per window for a prior of ``buckets`` buckets behaving like
    the model, with ``rate`` times its exceedances and a tail ``scale`` times as heavy."""
    n2 = math.exp(-LEVEL_1 - (LEVEL_2 - LEVEL_1) / scale)
    total = array("d", [buckets] * windows)
    n1 = array("d", [buckets * math.exp(-LEVEL_1) * rate] * windows)
    n2s = array("d", [buckets * n2 * rate] * windows)
    return total, n1, n2s, third_level_prior(n1, n2s, scale)


def third_level_prior(n1: array[float], n2: array[float], prior_scale: float) -> array[float]:
    """Exceedances of the third level implied by the two-level counts: the tail continues as
    it was fitted (so states saved before the third level read as they did)."""
    out = array("d")
    for c1, c2 in zip(n1, n2, strict=True):
        c2 = max(c2, 1e-300)
        scale = (LEVEL_2 - LEVEL_1) / max(math.log(max(c1, c2) / c2), 1e-9)
        scale = min(max(scale, 0.5), MAX_TAIL_SCALE)
        out.append(c2 * math.exp(-(LEVEL_3 - LEVEL_2) / max(scale, prior_scale)))
    return out


def calibrated_log_p(total: float, n1: float, n2: float, n3: float, surprise: float) -> float:
    """log P(surprise >= this) on the tail fitted through the three exceedance rates.

    Between the first two levels the tail is log-linear with a scale between 0.5 and 8;
    beyond the second it may fall faster (never slower), at most twice as fast and never
    faster than the model's own: on quiet topics two levels alone read the heaviest tail.
    """
    log_n1 = math.log(n1 / total)
    log_n2 = math.log(n2 / total)
    scale = (LEVEL_2 - LEVEL_1) / max(log_n1 - log_n2, 1e-9)
    scale = min(max(scale, 0.5), MAX_TAIL_SCALE)
    if surprise <= LEVEL_2:
        return log_n1 - (surprise - LEVEL_1) / scale
    log_n3 = math.log((n3 + LEVEL_3_PSEUDO) / total)
    scale3 = (LEVEL_3 - LEVEL_2) / max(log_n2 - log_n3, 1e-9)
    scale3 = min(max(scale3, 1.0, 0.5 * scale), scale)
    return log_n1 - (LEVEL_2 - LEVEL_1) / scale - (surprise - LEVEL_2) / scale3


def count_exceedance(
    counts: tuple[array[float], array[float], array[float], array[float]],
    j: int,
    surprise: float,
    keep: float,
) -> None:
    """Forget a little (``keep`` of the past) and count window ``j``'s latest surprise."""
    total, n1, n2, n3 = counts
    total[j] = keep * total[j] + 1.0
    n1[j] = keep * n1[j] + (1.0 if surprise > LEVEL_1 else 0.0)
    n2[j] = keep * n2[j] + (1.0 if surprise > LEVEL_2 else 0.0)
    n3[j] = keep * n3[j] + (1.0 if surprise > LEVEL_3 else 0.0)
