"""A spike detector's per-topic state and its JSON form.

Kept apart from the model so the saved shape is easy to see: every field here
is stored (arrays as lists, minus infinity as null), and a field missing from an
older saved state keeps its default, so states saved before a field existed
still load.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["DetectorState", "state_from_dict", "state_to_dict"]


@dataclass(slots=True)
class DetectorState:
    """Everything a detector learns; a few dozen floats per topic."""

    n: int = 0
    last_t: float | None = None
    level: float = 0.0
    hod: array[float] = field(default_factory=lambda: array("d", [1.0] * 24))
    dow: array[float] = field(default_factory=lambda: array("d", [1.0] * 7))
    #: The weekend's hour-of-day correction (x hod on Saturdays and Sundays) and how many
    #: weekend buckets it has learnt from; states saved before it start with none.
    hod_we: array[float] = field(default_factory=lambda: array("d", [1.0] * 24))
    weekend_n: int = 0
    disp_num: array[float] = field(default_factory=lambda: array("d"))
    disp_den: array[float] = field(default_factory=lambda: array("d"))
    recent_x: array[float] = field(default_factory=lambda: array("d"))
    recent_mu: array[float] = field(default_factory=lambda: array("d"))
    pos: int = 0
    blocks: array[float] = field(default_factory=lambda: array("d"))  # (x, mu, q) per hour
    block_pos: int = 0
    block_n: int = 0
    cooldown_until: float = -math.inf
    last_alert_rate: float = 0.0
    running: bool = False  # from an alert until the 15-minute window is back near usual
    #: A person judged the last alert a false alarm while its burst ran: the quiet period ends
    #: when the burst does (re-alerting on the very burst just dismissed helped no one).
    quiet_until_calm: bool = False
    count_mode: bool = True
    seen_zero: bool = False
    last_x: float = 0.0  # the previous bucket's count, uncapped
    #: The bucket of the topic's first mention (-1: none yet); the long windows' prior is set a
    #: warm-up after it, from the volume learnt meanwhile.
    first_mention: int = -1
    pot_total: array[float] = field(default_factory=lambda: array("d"))
    pot_n1: array[float] = field(default_factory=lambda: array("d"))
    pot_n2: array[float] = field(default_factory=lambda: array("d"))
    #: Exceedances of a third, higher level; states saved before start from the fitted tail.
    pot_n3: array[float] = field(default_factory=lambda: array("d"))
    # The weekly rhythm is learnt from whole days: each weekday's total so far, the
    # last seven complete days' totals, and how many complete days have been seen.
    day_cur: int = -1
    day_sum: float = 0.0
    day_buckets: int = 0
    day_totals: array[float] = field(default_factory=lambda: array("d", [0.0] * 7))
    days_seen: int = 0


def state_to_dict(state: DetectorState) -> dict[str, Any]:
    """JSON-safe copy of every field."""
    out: dict[str, Any] = {}
    for item in fields(state):
        value = getattr(state, item.name)
        if isinstance(value, array):
            value = value.tolist()
        elif isinstance(value, float) and value == -math.inf:
            value = None
        out[item.name] = value
    return out


def state_from_dict(saved: dict[str, Any]) -> DetectorState:
    """Inverse of `state_to_dict`; fields an older state lacks keep their defaults."""
    state = DetectorState()
    for item in fields(state):
        if item.name not in saved:
            continue
        default = getattr(state, item.name)
        value = saved[item.name]
        if isinstance(default, array):
            value = array("d", value)
        elif isinstance(default, bool):
            value = bool(value)
        elif isinstance(default, int):
            value = int(value)
        elif isinstance(default, float):
            value = -math.inf if value is None else float(value)
        setattr(state, item.name, value)
    return state
