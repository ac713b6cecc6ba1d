"""What a spike alert says: the detector's verdict on one bucket, with its numbers and a
plain explanation. Pure: no Django; the app says it again in the reader's language."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from vigil.alerts.detectors.config import DAY, HOUR, SpikeConfig

__all__ = ["TINY_P", "SpikeSignal", "make_signal", "odds_rounded", "odds_text", "ratio_text"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class SpikeSignal:
    """One alert: what was seen, what was expected, and how unlikely it was."""

    timestamp: datetime
    observed: float
    expected: float
    p_value: float
    score: float  # -log10(p_value), capped at 300
    severity: float  # 0..1, from how many times the usual volume this is
    window_seconds: int
    explanation: str
    #: Fired inside the quiet period after an alert: the story grew to ``escalation_ratio``
    #: times the rate that fired. The people told of the first alert should hear of it.
    grew: bool = False
    #: Whether the expected volume knows the topic's weekly rhythm (learnt from a week of
    #: whole days); before, it is the usual for the hour only, and the explanation says so.
    weekly: bool = True


def make_signal(
    cfg: SpikeConfig,
    t: float,
    moment: datetime,
    log_p: float,
    buckets: int,
    total: float,
    expected: float,
    grew: bool,
    weekly: bool = True,
) -> SpikeSignal:
    """The signal for a window of ``buckets`` ending at local time ``t`` (seconds)."""
    ratio = total / max(expected, 1e-9)
    severity = 1.0 - math.exp(-max(math.log(ratio), 0.0) / math.log(4.0))
    score = min(-log_p / math.log(10.0), 300.0)
    seconds = buckets * cfg.bucket_seconds
    hours, minutes = divmod(seconds // 60, 60)
    span = (
        f"{hours} h {minutes} min"
        if hours and minutes
        else f"{hours} h"
        if hours
        else f"{minutes} min"
    )
    centre = t + cfg.bucket_seconds / 2.0
    slot = f"{int(centre % DAY // HOUR):02d}:00"
    if weekly:
        slot = f"{_WEEKDAYS[int(((centre // DAY) + 3) % 7)]} {slot}"
    explanation = (
        f"{_amount(total)} {cfg.unit} in {span}, expected ~{expected_text(expected)} "
        f"({ratio_text(ratio)}x the usual for {slot}); {odds_text(10**-score)}"
    )
    return SpikeSignal(
        timestamp=moment,
        observed=total,
        expected=expected,
        p_value=10.0**-score,
        score=score,
        severity=round(severity, 4),
        window_seconds=seconds,
        explanation=explanation,
        grew=grew,
        weekly=weekly,
    )


def expected_text(expected: float) -> str:
    """ "51", "4.2", "0.1": whole from ten on, one decimal from one, one figure below
    ("expected about 0.115" claimed a precision no baseline has; the demo said it)."""
    if expected >= 10:
        return f"{expected:.0f}"
    if expected >= 1:
        return f"{expected:.1f}"
    return f"{expected:.1g}"


def ratio_text(ratio: float) -> str:
    """ "2.4", "13", "4100": a tenth is worth saying only below ten times the usual."""
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"


def _amount(total: float) -> str:
    """ "46", "1325", "3.75": whole numbers from a hundred on (a long window sums partly
    counted buckets: "1325.47 mentions" claimed a precision it does not have)."""
    return f"{total:.0f}" if abs(total) >= 100 or total == int(total) else f"{total:.3g}"


#: Below this chance, "practically impossible" is all that is said: no model is exact enough
#: to say 1e-300 (the app's translated text uses the same bound).
TINY_P = 1e-12


def odds_text(p_value: float) -> str:
    """ "about 1 in 33,000 under normal variation", or "practically impossible …" past 1e-12:
    odds a PR team forwards, not "~3e-05" (the app says the same in the reader's language)."""
    if p_value < TINY_P:
        return "practically impossible under normal variation"
    return f"about 1 in {odds_rounded(p_value):,} under normal variation"


def odds_rounded(p_value: float) -> int:
    """1 / p to two significant figures: 33,000 for p = 3e-5."""
    odds = 1.0 / max(p_value, 1e-300)
    digits = max(int(math.floor(math.log10(odds))) - 1, 0)
    return int(round(odds / 10**digits) * 10**digits)
