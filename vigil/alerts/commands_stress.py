"""`vigil eval spikes-stress`: a thin wrapper over ``vigil.alerts.detectors.stress``.

It reads and checks the folder and labels as `vigil eval spikes` does, then scores the
originals and every transformed copy, one line per kind of copy.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vigil.alerts.commands import _labels_by_tail, _reason, _warn_late, _warn_unknown_labels
from vigil.alerts.detectors import SeriesFormatError, read_series
from vigil.alerts.detectors.stress import (
    ORIGINALS,
    VARIANTS,
    LabelledSeries,
    RunScore,
    StressError,
    Variant,
    VariantScore,
    drop_start,
    make_variant,
    mean_of_variants,
    score_run,
    summarise,
)

__all__ = ["eval_spikes_stress"]

COMMAND = "eval spikes-stress"


def eval_spikes_stress(args: argparse.Namespace) -> int:
    files = _read_files(args)
    if isinstance(files, int):
        return files
    options = {"false_alarms_per_week": args.alarm_rate} if args.alarm_rate else {}
    runs: dict[str, list[RunScore]] = {}
    began = time.monotonic()
    plan = [ORIGINALS, *VARIANTS]
    for number, variant in enumerate(plan, start=1):
        print(
            f"[{number}/{len(plan)}, {time.monotonic() - began:.0f} s] {variant.label}",
            file=sys.stderr,
        )
        copies = [make_variant(variant, name, item) for name, item in files]
        try:
            run = score_run(copies, args.sensitivity, options)
        except TypeError:
            print(
                f"vigil {COMMAND}: the labels and the files mix times with and without a zone",
                file=sys.stderr,
            )
            return 2
        if variant is ORIGINALS and run.score is None:
            print(
                "no labelled windows in the files scored: the NAB score is undefined",
                file=sys.stderr,
            )
            return 1
        runs.setdefault(variant.group, []).append(run)
        if args.verbose:
            print(f"  {_run_line(variant, run)}")
    groups = [summarise(group, group_runs) for group, group_runs in runs.items()]
    print(
        f"NAB standard score at {args.sensitivity}"
        + (f", {args.alarm_rate:g} alarms a week" if args.alarm_rate else "")
        + f": {len(files)} file(s) and copies of them (mean over seeds)"
    )
    for group in groups:
        print(_group_line(group))
    mean = mean_of_variants(groups)
    print(f"mean of the variants: {'undefined' if mean is None else f'{mean:.1f}'}")
    return 0


def _read_files(args: argparse.Namespace) -> list[tuple[str, LabelledSeries]] | int:
    """The labelled files as (file name, series), or the exit code after saying what is wrong."""
    by_tail = _labels_by_tail(args.labels, args.directory, COMMAND)
    if by_tail is None:
        return 2
    files: list[tuple[str, LabelledSeries]] = []
    for path in sorted(Path(args.directory).rglob("*.csv")):
        key = "/".join(path.parts[-2:])
        if key not in by_tail:
            if args.verbose:
                print(f"{key}: no labels, skipped", file=sys.stderr)
            continue
        try:
            series = read_series(path)
            _warn_late(key, series, COMMAND)
            drop_start(series, by_tail[key], max(v.hours for v in VARIANTS))
        except (OSError, SeriesFormatError, StressError) as error:
            print(f"vigil {COMMAND}: {path}: {_reason(error)}", file=sys.stderr)
            return 2
        _warn_unknown_labels(key, series, by_tail[key])
        # The file name (not the path) seeds the copies, so a moved folder scores the same.
        files.append((path.name, LabelledSeries(key, series, by_tail[key])))
    if not files:
        print("no labelled CSV files found", file=sys.stderr)
        return 1
    return files


def _group_line(group: VariantScore) -> str:
    name = group.group + (f" ({group.runs} seeds)" if group.runs > 1 else "")
    score = "-" if group.score is None else f"{group.score:.1f}"
    return (
        f"{name + ':':30} {score:>5}  alerts outside windows {_number(group.false_positives):>4}"
        f"  events caught {_number(group.true_positives)} / {_number(group.windows)}"
    )


def _run_line(variant: Variant, run: RunScore) -> str:
    score = "-" if run.score is None else f"{run.score:.1f}"
    return (
        f"{variant.label}: {score}  alerts outside windows {run.false_positives}"
        f"  events caught {run.true_positives} / {run.windows}"
    )


def _number(value: float) -> str:
    """20 as 20, a mean over three seeds as 21.3."""
    return f"{value:.1f}".removesuffix(".0")
