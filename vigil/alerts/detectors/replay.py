"""Replay a recorded series through the live detector, exactly as it would have fired.

Shared by `vigil detect spikes`, `vigil eval spikes` and the benchmarks, so the
figures we publish come from the same code path as live alerts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from vigil.alerts.detectors.config import Sensitivity
from vigil.alerts.detectors.spike import SpikeDetector, SpikeSignal

__all__ = ["INTERVAL_SAMPLE", "infer_bucket_seconds", "replay"]

#: The bucket size is read from the first intervals only, so a file cut short
#: later on is replayed with the same settings (no look-ahead).
INTERVAL_SAMPLE = 50


def infer_bucket_seconds(timestamps: Sequence[datetime], default: int = 300) -> int:
    """Most common positive step among the first intervals (ties: the smallest)."""
    steps: Counter[int] = Counter()
    for a, b in zip(timestamps, timestamps[1:], strict=False):
        step = round((b - a).total_seconds())
        if step > 0:
            steps[step] += 1
            if sum(steps.values()) >= INTERVAL_SAMPLE:
                break
    if not steps:
        return default
    top = max(steps.values())
    return min(step for step, n in steps.items() if n == top)


def replay(
    timestamps: Sequence[datetime],
    values: Sequence[float],
    sensitivity: Sensitivity = "medium",
    **options: Any,
) -> list[tuple[int, SpikeSignal]]:
    """Row index and signal of every alert, in order."""
    bucket = options.pop("bucket_seconds", None) or infer_bucket_seconds(timestamps)
    detector = SpikeDetector(sensitivity=sensitivity, bucket_seconds=bucket, **options)
    alerts: list[tuple[int, SpikeSignal]] = []
    for i, (moment, value) in enumerate(zip(timestamps, values, strict=True)):
        signal = detector.observe(moment, value)
        if signal is not None:
            alerts.append((i, signal))
    return alerts
