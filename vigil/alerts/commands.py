"""`vigil detect spikes`, `vigil eval spikes` (and `spikes-stress`) and `vigil bench spikes`.

Thin wrappers: they parse arguments and call the pure detector and scorer in
`vigil.alerts.detectors`, so the CLI fires exactly what the live system fires.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

from vigil.alerts.detectors import (
    PROFILES,
    SENSITIVITIES,
    FileScore,
    SeriesFormatError,
    SpikeDetector,
    normalised_score,
    read_series,
    replay,
    score_file,
    windows_for,
)
from vigil.alerts.detectors.nab import NabSeries, parse_timestamp

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the spike commands under the shared `detect`, `eval` and `bench` groups."""
    detect = _group(subparsers, "detect", "run a detector over a recorded series")
    p = detect.add_parser("spikes", help="print the timestamps at which spike alerts fire")
    p.add_argument(
        "file", help="CSV in NAB format: timestamp,value (header line); - for standard input"
    )
    _sensitivity(p)
    p.set_defaults(func=detect_spikes)

    evaluate = _group(subparsers, "eval", "measure accuracy against labelled data")
    p = evaluate.add_parser("spikes", help="NAB score of the spike detector on a folder")
    p.add_argument("directory", type=Path, help="folder searched recursively for *.csv")
    p.add_argument("labels", type=Path, help="NAB labels JSON (windows or anomaly timestamps)")
    _sensitivity(p)
    p.add_argument("--profile", choices=sorted(PROFILES), default="standard")
    _alarm_rate(p)
    p.add_argument("--verbose", action="store_true", help="print each file's raw score")
    p.set_defaults(func=eval_spikes)
    p = evaluate.add_parser(
        "spikes-stress",
        help="NAB score on transformed copies (thinned, later start, x3 + noise) of a folder",
    )
    p.add_argument("directory", type=Path, help="folder searched recursively for *.csv")
    p.add_argument("labels", type=Path, help="NAB labels JSON (windows or anomaly timestamps)")
    _sensitivity(p)
    _alarm_rate(p)
    p.add_argument("--verbose", action="store_true", help="print each run's score")
    p.set_defaults(func=eval_spikes_stress)
    p = evaluate.add_parser(
        "spike-response",
        help="how soon rises that hold are caught, per sensitivity (read beside the NAB score)",
    )
    p.add_argument("--seeds", type=int, default=10, help="trials per case (default 10)")
    p.add_argument(
        "--within", type=int, default=30, help="minutes allowed after a rise starts (default 30)"
    )
    p.add_argument(
        "--history-days",
        type=int,
        default=28,
        help="days the detector learns before the rise (default 28, what a new rule reads; "
        "7 for a topic with one week of history)",
    )
    p.set_defaults(func=eval_spike_response)

    bench = _group(subparsers, "bench", "print performance figures")
    p = bench.add_parser("spikes", help="cost per bucket and memory per topic of the detector")
    p.add_argument("--series", type=int, default=1000, help="topics simulated (default 1000)")
    p.add_argument("--buckets", type=int, default=2016, help="buckets per topic (default a week)")
    p.set_defaults(func=bench_spikes)


def _group(
    subparsers: argparse._SubParsersAction, name: str, text: str
) -> argparse._SubParsersAction:
    """Reuse a top-level group another app already registered (e.g. `eval`), or create it."""
    parser = subparsers.choices.get(name)
    if parser is None:
        parser = subparsers.add_parser(name, help=text)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    nested = parser.add_subparsers(dest=f"{name}_command", metavar="WHAT")
    nested.required = True
    return nested


def _sensitivity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sensitivity",
        choices=list(SENSITIVITIES),
        default="medium",
        help="low / medium / high: about 0.25 / 1 / 4 false alarms a week per topic",
    )


def _alarm_rate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--alarm-rate",
        type=_positive_float,
        metavar="PER_WEEK",
        help="replace the sensitivity's nominal false alarms per topic per week (its one "
        "threshold), to sweep it as NAB's optimiser sweeps every detector's",
    )


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number above 0")
    return value


def detect_spikes(args: argparse.Namespace) -> int:
    try:
        series = read_series(sys.stdin if args.file == "-" else Path(args.file))
    except (OSError, SeriesFormatError) as error:
        print(f"vigil detect spikes: {args.file}: {_reason(error)}", file=sys.stderr)
        return 2
    _warn_late(args.file, series, "detect spikes")
    repeated = [
        series.raw_timestamps[i]
        for i in range(1, len(series.timestamps))
        if series.timestamps[i] == series.timestamps[i - 1]
        and series.values[i] != series.values[i - 1]
    ]
    if repeated:  # a trial's 500-count spike in a repeated row went unjudged in silence
        print(
            f"vigil detect spikes: {args.file}: {len(repeated)} row(s) repeat the time of the "
            f"row before with another value (first: {repeated[0]}); only the first row of a "
            "time is judged, as the live detector judges each bucket once",
            file=sys.stderr,
        )
    for index, _signal in replay(series.timestamps, series.values, args.sensitivity):
        print(series.raw_timestamps[index])
    return 0


def _warn_late(name: str, series: NabSeries, command: str) -> None:
    """Rows earlier than one before them are kept for scoring and skipped by the detector, as
    a late bucket is live: said on stderr, the run goes on (NAB has such a file itself)."""
    if series.late_lines:
        print(
            f"vigil {command}: {name}: {len(series.late_lines)} line(s) earlier than a line "
            f"before them (first: line {series.late_lines[0]}); the detector skips them, as it "
            "skips a late bucket live",
            file=sys.stderr,
        )


def _warn_unknown_labels(key: str, series: NabSeries, entry: list[object]) -> None:
    """Say which anomaly timestamps are not times of the file: NAB windows them on rows."""
    known = set(series.timestamps)
    for item in entry:
        if not isinstance(item, list) and parse_timestamp(str(item)) not in known:
            print(f"{key}: label {item!r} is not a time of the file, ignored", file=sys.stderr)


def _reason(error: Exception) -> str:
    """The part of an error a user can act on (no traceback, no errno prefix)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def eval_spike_response(args: argparse.Namespace) -> int:
    from vigil.alerts.detectors.response import measure_response

    if args.seeds < 1 or args.within < 5 or args.history_days < 2:
        print(
            "vigil eval spike-response: --seeds >= 1, --within >= 5 and --history-days >= 2",
            file=sys.stderr,
        )
        return 2
    print(
        f"rises held 30 min on synthetic topics after {args.history_days} days of history; "
        f"caught = an alert within {args.within} min"
    )
    for sensitivity in SENSITIVITIES:
        results = measure_response(
            sensitivity,
            seeds=args.seeds,
            within_minutes=args.within,
            history_days=args.history_days,
        )
        for result in results:
            case, median = result.case, result.median_delay
            when = f"median {median:g} min" if median is not None else "-"
            print(
                f"{sensitivity:6}  usual {case.usual:4g}/5 min  {case.multiplier:4g}x  "
                f"caught {result.caught}/{result.trials}  {when}"
            )
    return 0


def eval_spikes(args: argparse.Namespace) -> int:
    by_tail = _labels_by_tail(args.labels, args.directory, "eval spikes")
    if by_tail is None:
        return 2
    profile = PROFILES[args.profile]
    scores: list[FileScore] = []
    for path in sorted(Path(args.directory).rglob("*.csv")):
        key = "/".join(path.parts[-2:])
        if key not in by_tail:
            if args.verbose:
                print(f"{key}: no labels, skipped", file=sys.stderr)
            continue
        try:
            series = read_series(path)
        except (OSError, SeriesFormatError) as error:
            print(f"vigil eval spikes: {path}: {_reason(error)}", file=sys.stderr)
            return 2
        _warn_late(key, series, "eval spikes")
        options = {"false_alarms_per_week": args.alarm_rate} if args.alarm_rate else {}
        alerts = replay(series.timestamps, series.values, args.sensitivity, **options)
        entry = by_tail[key]
        _warn_unknown_labels(key, series, entry)
        try:
            windows = windows_for(entry, series.timestamps)
            score = score_file(
                series.timestamps, [series.timestamps[i] for i, _ in alerts], windows, profile
            )
        except TypeError:
            print(
                f"vigil eval spikes: {key}: the labels and the file mix times with and without a zone",
                file=sys.stderr,
            )
            return 2
        scores.append(score)
        if args.verbose:
            print(
                f"{key}: raw {score.raw:+.3f}  windows {score.true_positives}/{score.windows} hit"
                f"  false positives {score.false_positives}  alerts {len(alerts)}"
            )
    if not scores:
        print("no labelled CSV files found", file=sys.stderr)
        return 1
    if not sum(score.windows for score in scores):
        print(
            "no labelled windows in the files scored: the NAB score is undefined", file=sys.stderr
        )
        return 1
    print(f"NAB {args.profile} score: {normalised_score(scores):.1f}")
    return 0


def eval_spikes_stress(args: argparse.Namespace) -> int:
    """Imported when run: `commands_stress` reuses this module's label and file checks."""
    from vigil.alerts.commands_stress import eval_spikes_stress as run

    return run(args)


def _labels_by_tail(
    labels_path: Path, directory: Path, command: str
) -> dict[str, list[object]] | None:
    """The labels keyed by folder/file (as NAB names them), or None after saying what is wrong."""
    try:
        labels: dict[str, list[object]] = json.loads(Path(labels_path).read_text(encoding="utf-8"))
        _check_labels(labels)
    except (OSError, ValueError) as error:
        print(f"vigil {command}: {labels_path}: {_reason(error)}", file=sys.stderr)
        return None
    if not Path(directory).is_dir():
        print(f"vigil {command}: {directory}: not a folder", file=sys.stderr)
        return None
    return {"/".join(Path(key).parts[-2:]): value for key, value in labels.items()}


def _check_labels(labels: object) -> None:
    """Refuse a labels file that is not {file: [timestamp, ...] or [[start, end], ...]}."""
    if not isinstance(labels, dict):
        raise ValueError("expected a JSON object of file names to labels")
    for key, entry in labels.items():
        if not isinstance(entry, list):
            raise ValueError(f"{key}: expected a list of timestamps or [start, end] windows")
        for item in entry:
            times = item if isinstance(item, list) else [item]
            if isinstance(item, list) and len(item) != 2:
                raise ValueError(f"{key}: a window needs [start, end], got {item!r}")
            for moment in times:
                try:
                    if not isinstance(moment, str):
                        raise ValueError
                    parse_timestamp(moment)
                except ValueError:
                    raise ValueError(f"{key}: {moment!r} is not a timestamp") from None
            if isinstance(item, list) and parse_timestamp(item[0]) > parse_timestamp(item[1]):
                raise ValueError(f"{key}: the window {item!r} ends before it starts")


def bench_spikes(args: argparse.Namespace) -> int:
    """Replays synthetic mention streams (daily rhythm, noise, bursts) through many detectors."""
    rng = random.Random(7)
    start = datetime(2024, 1, 1)  # noqa: DTZ001 - wall-clock buckets, as the CLI reads them
    step = timedelta(minutes=5)
    streams = [
        [_synthetic_count(rng, i, b) for b in range(args.buckets)]
        for i in range(min(args.series, 50))
    ]
    times = [start + b * step for b in range(args.buckets)]

    detectors = [SpikeDetector() for _ in range(args.series)]
    began = time.perf_counter()
    alerts = 0
    for b, moment in enumerate(times):
        for i, detector in enumerate(detectors):
            if detector.observe(moment, streams[i % len(streams)][b]) is not None:
                alerts += 1
    elapsed = time.perf_counter() - began

    # Memory is measured apart from the timing: tracemalloc slows every allocation.
    state = detectors[0].to_state()
    tracemalloc.start()
    restored = [SpikeDetector.from_state(state) for _ in range(args.series)]
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del restored

    per_bucket_us = elapsed / (args.series * args.buckets) * 1e6
    per_series = current / args.series
    state_bytes = len(json.dumps(detectors[0].to_state()))
    buckets_per_5min = 100_000 * per_bucket_us / 1e6
    print(f"series {args.series}, buckets {args.buckets}, alerts {alerts}")
    print(f"cost per series per bucket: {per_bucket_us:.1f} us")
    print(f"memory per series: {per_series:.0f} bytes in memory, {state_bytes} bytes as JSON state")
    print(
        f"100,000 topics: {buckets_per_5min:.1f} s of one core per 5-minute bucket, "
        f"{per_series * 100_000 / 2**20:.0f} MiB in memory, "
        f"{state_bytes * 100_000 / 2**20:.0f} MiB of saved state"
    )
    return 0


def _synthetic_count(rng: random.Random, topic: int, bucket: int) -> float:
    """A mention count with a daily rhythm, over-dispersion and an occasional burst."""
    base = 5 + 40 * (topic % 7) / 6
    rhythm = 1 + 0.6 * math.sin(2 * math.pi * bucket / 288)
    mean = base * rhythm * rng.gammavariate(4.0, 0.25)
    if rng.random() < 0.001:
        mean *= 10
    # Poisson draw by inversion is slow for large means; a rounded normal is close enough here.
    return float(max(0, round(rng.gauss(mean, math.sqrt(mean)))))
