"""Pure detectors for alert rules: the streaming volume-spike detector and its NAB scorer.

Start here: `SpikeDetector.observe()` judges one closed bucket; `replay()` runs a
recorded series through it; `score_file()`/`normalised_score()` score alerts the
way the Numenta Anomaly Benchmark does. No Django imports.
"""

from __future__ import annotations

from vigil.alerts.detectors.config import SENSITIVITIES, Sensitivity, SpikeConfig
from vigil.alerts.detectors.nab import (
    PROFILES,
    CostProfile,
    FileScore,
    NabSeries,
    SeriesFormatError,
    normalised_score,
    probation_length,
    read_series,
    score_file,
    windows_for,
    windows_from_labels,
)
from vigil.alerts.detectors.replay import infer_bucket_seconds, replay
from vigil.alerts.detectors.spike import SpikeDetector, SpikeSignal

__all__ = [
    "PROFILES",
    "SENSITIVITIES",
    "CostProfile",
    "FileScore",
    "NabSeries",
    "Sensitivity",
    "SeriesFormatError",
    "SpikeConfig",
    "SpikeDetector",
    "SpikeSignal",
    "infer_bucket_seconds",
    "normalised_score",
    "probation_length",
    "read_series",
    "replay",
    "score_file",
    "windows_for",
    "windows_from_labels",
]
