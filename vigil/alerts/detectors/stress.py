"""The stress test: transformed copies of labelled series, scored like the originals.

The detector is judged on other companies' series, which we never see; the five NAB
Twitter files are made to look like them (quieter, starting at another hour, noisier)
and scored as `vigil eval spikes` scores them. Every copy is made in memory from a
`random.Random` seeded by a string (file name, variant, seed), so the figures are the
same on every machine. Used by `vigil eval spikes-stress`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from vigil.alerts.detectors.config import Sensitivity
from vigil.alerts.detectors.nab import (
    PROFILES,
    FileScore,
    NabSeries,
    normalised_score,
    parse_timestamp,
    probation_length,
    score_file,
    windows_for,
)
from vigil.alerts.detectors.replay import replay

__all__ = [
    "ORIGINALS",
    "VARIANTS",
    "LabelledSeries",
    "RunScore",
    "StressError",
    "Variant",
    "VariantScore",
    "binomial",
    "drop_start",
    "make_variant",
    "mean_of_variants",
    "poisson",
    "score_run",
    "summarise",
    "thin",
    "times_three_with_noise",
]

Kind = Literal["originals", "thin", "drop", "x3noise"]


class StressError(ValueError):
    """A file the stress test cannot transform (too short for the longest drop)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One transformation; `group` is the line it is reported on (seeds are averaged)."""

    group: str
    kind: Kind
    seed: int = 0  # 0: a transformation without randomness
    percent: int = 100
    hours: int = 0

    @property
    def label(self) -> str:
        """The run's name in progress and `--verbose` lines."""
        return self.group if not self.seed else f"{self.group}, seed {self.seed}"


@dataclass(frozen=True, slots=True)
class LabelledSeries:
    """One file of a run: its key in the labels file, its series and its label entry."""

    key: str
    series: NabSeries
    labels: list[object]


@dataclass(frozen=True, slots=True)
class RunScore:
    """One run over all files; `score` is None when no labelled window is left to score."""

    score: float | None
    false_positives: int
    true_positives: int
    windows: int


ORIGINALS = Variant("originals", "originals")
_SEEDS = (1, 2, 3)
#: The order of the report: the originals first, then each group as the docs' tables.
VARIANTS: tuple[Variant, ...] = (
    *(
        Variant(f"thinned to {pct} %", "thin", seed=seed, percent=pct)
        for pct in (50, 25, 10)
        for seed in _SEEDS
    ),
    Variant("first 3 days dropped", "drop", hours=72),
    *(Variant(f"first {hours} h dropped", "drop", hours=hours) for hours in (1, 2, 6, 9)),
    *(Variant("x3 + noise", "x3noise", seed=seed) for seed in _SEEDS),
)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's product of uniforms below 30, a rounded normal above: the stress script's
    generator, kept as it was so the published figures reproduce."""
    if mean < 30:
        limit = math.exp(-mean)
        count = 0
        product = 1.0
        while True:
            product *= rng.random()
            if product <= limit:
                return count
            count += 1
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def binomial(rng: random.Random, trials: float, p: float) -> int:
    """Each of `trials` mentions kept with chance p (a rounded normal from 50 trials up)."""
    n = int(trials)
    if n < 50:
        return sum(1 for _ in range(n) if rng.random() < p)
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def thin(series: NabSeries, name: str, percent: int, seed: int) -> NabSeries:
    """A quieter topic: every mention kept with chance percent / 100, times unchanged."""
    rng = random.Random(f"{name}-{percent}-{seed}")
    values = [float(binomial(rng, v, percent / 100)) for v in series.values]
    return _with_values(series, values)


def times_three_with_noise(series: NabSeries, name: str, seed: int) -> NabSeries:
    """A busier, noisier topic: Poisson(3 x count x Gamma(10, 0.1)) per bucket."""
    # Seed 1 was the stress script's only seed; seeds 2 and 3 were added as "-x3-2", "-x3-3".
    rng = random.Random(f"{name}-x3" if seed == 1 else f"{name}-x3-{seed}")
    values = [float(poisson(rng, 3 * v * rng.gammavariate(10, 0.1))) for v in series.values]
    return _with_values(series, values)


def drop_start(
    series: NabSeries, labels: list[object], hours: int
) -> tuple[NabSeries, list[object]]:
    """A topic whose history starts later (often at a quiet hour): the first hours cut off.

    Label windows starting inside the shorter file's probation are dropped, as NAB drops
    them; label timestamps are kept, since `windows_for` windows them on the rows left.
    """
    if not series.timestamps:
        raise StressError("no rows")
    cut = series.timestamps[0] + timedelta(hours=hours)
    first = next((i for i, t in enumerate(series.timestamps) if t >= cut), None)
    if first is None:
        raise StressError(f"shorter than {hours} hours: the stress test drops the first {hours}")
    kept = NabSeries(
        raw_timestamps=series.raw_timestamps[first:],
        timestamps=series.timestamps[first:],
        values=series.values[first:],
    )  # late lines are warned of on the originals; their line numbers mean nothing here
    scored_from = kept.timestamps[probation_length(len(kept.timestamps))]
    windows = [
        item
        for item in labels
        if not isinstance(item, list) or parse_timestamp(str(item[0])) >= scored_from
    ]
    return kept, windows


def make_variant(variant: Variant, name: str, item: LabelledSeries) -> LabelledSeries:
    """The copy of one file for one variant; `name` (the file name) seeds its randomness."""
    if variant.kind == "thin":
        return LabelledSeries(
            item.key, thin(item.series, name, variant.percent, variant.seed), item.labels
        )
    if variant.kind == "x3noise":
        return LabelledSeries(
            item.key, times_three_with_noise(item.series, name, variant.seed), item.labels
        )
    if variant.kind == "drop":
        series, labels = drop_start(item.series, item.labels, variant.hours)
        return LabelledSeries(item.key, series, labels)
    return item


def score_run(
    files: Iterable[LabelledSeries],
    sensitivity: Sensitivity,
    options: Mapping[str, Any],
    on_file: Callable[[str, FileScore], None] | None = None,
) -> RunScore:
    """Replay and score every file as `vigil eval spikes` does (NAB standard profile)."""
    scores: list[FileScore] = []
    for item in files:
        series = item.series
        alerts = replay(series.timestamps, series.values, sensitivity, **dict(options))
        windows = windows_for(item.labels, series.timestamps)
        score = score_file(
            series.timestamps,
            [series.timestamps[i] for i, _ in alerts],
            windows,
            PROFILES["standard"],
        )
        scores.append(score)
        if on_file is not None:
            on_file(item.key, score)
    windows_total = sum(s.windows for s in scores)
    return RunScore(
        score=normalised_score(scores) if windows_total else None,
        false_positives=sum(s.false_positives for s in scores),
        true_positives=sum(s.true_positives for s in scores),
        windows=windows_total,
    )


@dataclass(frozen=True, slots=True)
class VariantScore:
    """A report line: the mean over a group's seeds (None where no run had a window)."""

    group: str
    runs: int
    score: float | None
    false_positives: float
    true_positives: float
    windows: float


def summarise(group: str, runs: Sequence[RunScore]) -> VariantScore:
    """Average a group's runs; a run with no window left adds no score.

    Each mean is taken over the figures as printed (one decimal), as the published tables
    were, so a reader can check every line by hand from the lines it sums up.
    """
    scored = [round(run.score, 1) for run in runs if run.score is not None]
    count = len(runs)
    return VariantScore(
        group=group,
        runs=count,
        score=round(sum(scored) / len(scored), 1) if scored else None,
        false_positives=sum(run.false_positives for run in runs) / count,
        true_positives=sum(run.true_positives for run in runs) / count,
        windows=sum(run.windows for run in runs) / count,
    )


def mean_of_variants(groups: Iterable[VariantScore]) -> float | None:
    """The headline: each group (not each run) counts once, so three seeds weigh as one;
    the mean of the group figures as printed (see `summarise`)."""
    scores = [g.score for g in groups if g.score is not None and g.group != ORIGINALS.group]
    return round(sum(scores) / len(scores), 1) if scores else None


def _with_values(series: NabSeries, values: Sequence[float]) -> NabSeries:
    return NabSeries(
        raw_timestamps=series.raw_timestamps,
        timestamps=series.timestamps,
        values=list(values),
        late_lines=series.late_lines,
    )
