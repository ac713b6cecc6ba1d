"""Numenta Anomaly Benchmark scoring, re-implemented from its published rules.

We score detections ourselves so `vigil eval spikes` needs no NAB checkout. The
rules follow NAB v1.1 (nab/sweeper.py and the 2015 paper): windows around each
labelled anomaly, a scaled sigmoid that rewards early detection, only the best
(earliest) detection per window counts, false positives weighted by their
distance after the preceding window, a probationary period that is ignored, and
normalisation against the null (no alerts) and perfect detectors.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

__all__ = [
    "PROFILES",
    "SeriesFormatError",
    "CostProfile",
    "FileScore",
    "NabSeries",
    "normalised_score",
    "parse_timestamp",
    "probation_length",
    "read_series",
    "scaled_sigmoid",
    "score_file",
    "windows_for",
    "windows_from_labels",
]

PROBATION_PERCENT = 0.15
WINDOW_FRACTION = 0.10


@dataclass(frozen=True, slots=True)
class CostProfile:
    """NAB application profile: weights of a true positive, false positive, false negative."""

    tp: float
    fp: float
    fn: float


PROFILES: dict[str, CostProfile] = {
    "standard": CostProfile(tp=1.0, fp=0.11, fn=1.0),
    "reward_low_FP_rate": CostProfile(tp=1.0, fp=0.22, fn=1.0),
    "reward_low_FN_rate": CostProfile(tp=1.0, fp=0.055, fn=2.0),
}


@dataclass(frozen=True, slots=True)
class NabSeries:
    """A NAB data file: raw timestamp strings (for echoing), parsed times and values."""

    raw_timestamps: list[str]
    timestamps: list[datetime]
    values: list[float]
    #: Lines earlier than a line before them. Kept (NAB scores rows, and one of its own files,
    #: realKnownCause/machine_temperature_system_failure.csv, has them); the detector skips
    #: them as it skips a late bucket live. The commands warn of them.
    late_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FileScore:
    """Raw NAB score of one file plus the null/perfect bounds used to normalise it."""

    raw: float
    null: float
    perfect: float
    true_positives: int
    false_positives: int
    missed_windows: int
    windows: int


def parse_timestamp(text: str) -> datetime:
    """NAB timestamps are `YYYY-MM-DD HH:MM:SS[.ffffff]`, naive (wall clock)."""
    return datetime.fromisoformat(text.strip())


class SeriesFormatError(ValueError):
    """A series file that cannot be read, with the line where reading stopped."""


def read_series(path: str | Path | TextIO) -> NabSeries:
    """Read a `timestamp,value` CSV with a header line (a path, or an open text stream).

    Blank lines are skipped; anything else that is not a timestamp and a number is
    refused with its line number, so a bad export is never half-scored in silence.
    """
    if isinstance(path, str | Path):
        data = Path(path).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise SeriesFormatError(
                f"line {line}: not UTF-8 text (save the file as UTF-8)"
            ) from None
        return read_series(io.StringIO(text, newline=""))
    raw: list[str] = []
    times: list[datetime] = []
    values: list[float] = []
    late: list[int] = []
    latest: datetime | None = None
    reader = csv.reader(path)
    line = 0  # the last line read whole
    try:
        header = next(reader, None)
        if header is None:
            raise SeriesFormatError("the file is empty (expected a timestamp,value header line)")
        line = reader.line_num
        for row in _with_headerless_first_row(header, reader):
            if not row or not any(cell.strip() for cell in row):
                line = reader.line_num
                continue
            line = reader.line_num
            moment, value = _parse_row(row, line)
            if times:
                previous = times[-1]
                if (moment.tzinfo is None) != (previous.tzinfo is None):
                    raise SeriesFormatError(
                        f"line {line}: {row[0].strip()!r} mixes times with and without a zone"
                    )
                if latest is not None and moment < latest:
                    late.append(line)
            if moment.tzinfo is not None and times:
                # One fixed offset (the first row's) for the whole file: an hour that a
                # summer-time change repeats stays in order instead of being dropped as late.
                moment = moment.astimezone(times[0].tzinfo)
            raw.append(row[0].strip())
            times.append(moment)
            values.append(value)
            latest = moment if latest is None else max(latest, moment)
    except UnicodeDecodeError:
        raise SeriesFormatError(
            f"line {line + 1} or later: not UTF-8 text (save the file as UTF-8)"
        ) from None
    except csv.Error as error:
        raise SeriesFormatError(f"line {line + 1}: {error} (an unclosed quote?)") from None
    if not times:
        raise SeriesFormatError("no data lines after the header")
    return NabSeries(raw, times, values, tuple(late))


def _with_headerless_first_row(header: list[str], rows: Iterable[list[str]]) -> Iterable[list[str]]:
    """A file whose first line is already data (no header) keeps that line."""
    if len(header) >= 2:
        try:
            parse_timestamp(header[0])
            float(header[1])
        except ValueError:
            pass
        else:
            yield header
    yield from rows


def _parse_row(row: list[str], line: int) -> tuple[datetime, float]:
    if len(row) < 2:
        raise SeriesFormatError(f"line {line}: expected timestamp,value, got {row[0]!r}")
    try:
        moment = parse_timestamp(row[0])
    except ValueError:
        raise SeriesFormatError(f"line {line}: {row[0].strip()!r} is not a timestamp") from None
    try:
        value = float(row[1])
    except ValueError:
        raise SeriesFormatError(f"line {line}: {row[1].strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise SeriesFormatError(f"line {line}: {row[1].strip()!r} is not a finite number")
    return moment, value


def probation_length(rows: int, percent: float = PROBATION_PERCENT) -> int:
    """Rows at the start that are never scored (NAB caps it at 15% of 5,000 rows)."""
    return int(min(math.floor(percent * rows), percent * 5000))


def scaled_sigmoid(position: float) -> float:
    """NAB's reward curve: ~1 at a window's left edge, 0 at its right edge, -1 far after."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def windows_from_labels(
    timestamps: Sequence[datetime],
    labels: Iterable[datetime],
    fraction: float = WINDOW_FRACTION,
    probation_percent: float = PROBATION_PERCENT,
) -> list[tuple[datetime, datetime]]:
    """NAB's windowing: length = fraction x rows / anomalies, centred on each label.

    Windows starting inside probation are dropped and overlapping ones merged, as
    NAB's label combiner does.
    """
    index = {t: i for i, t in enumerate(timestamps)}
    anomalies = sorted(index[t] for t in labels if t in index)
    rows = len(timestamps)
    if not anomalies or not rows:
        return []
    length = int(fraction * rows / len(anomalies))
    spans = [(max(a - length // 2, 0), min(a + length // 2, rows - 1)) for a in anomalies]
    start_ok = probation_length(rows, probation_percent)
    if spans and spans[0][0] < start_ok:
        spans.pop(0)
    merged: list[tuple[int, int]] = []
    for left, right in spans:
        if merged and left <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], right))
        else:
            merged.append((left, right))
    return [(timestamps[left], timestamps[right]) for left, right in merged]


def windows_for(
    entry: list[object], timestamps: Sequence[datetime]
) -> list[tuple[datetime, datetime]]:
    """Accept either NAB combined windows ([[start, end], ...]) or raw label timestamps."""
    pairs = [item for item in entry if isinstance(item, list | tuple) and len(item) == 2]
    if entry and len(pairs) == len(entry):
        return [(parse_timestamp(str(pair[0])), parse_timestamp(str(pair[1]))) for pair in pairs]
    return windows_from_labels(timestamps, [parse_timestamp(str(item)) for item in entry])


def score_file(
    timestamps: Sequence[datetime],
    detections: Iterable[datetime],
    windows: Sequence[tuple[datetime, datetime]],
    profile: CostProfile = PROFILES["standard"],
    probation_percent: float = PROBATION_PERCENT,
) -> FileScore:
    """Score one file's detections (timestamps of rows flagged anomalous) as NAB does."""
    rows = len(timestamps)
    fired = set(detections)
    probation = probation_length(rows, probation_percent)
    spans = _window_rows(timestamps, windows)
    max_tp = scaled_sigmoid(-1.0)

    best: dict[int, float] = {}
    for w, (left, right) in enumerate(spans):
        if right >= probation and right >= left:
            best[w] = -profile.fn
    fp_total = 0.0
    fp_count = 0
    w_next = 0
    prev: tuple[int, int] | None = None
    for i, t in enumerate(timestamps):
        while w_next < len(spans) and spans[w_next][1] < i:
            prev = spans[w_next]
            w_next += 1
        inside = w_next < len(spans) and spans[w_next][0] <= i <= spans[w_next][1]
        if i < probation or t not in fired:
            continue
        if inside:
            left, right = spans[w_next]
            width = right - left + 1
            gain = scaled_sigmoid(-(right - i + 1) / width) * profile.tp / max_tp
            best[w_next] = max(best[w_next], gain)
        else:
            fp_count += 1
            if prev is None:
                fp_total -= profile.fp
            else:
                p_left, p_right = prev
                width = max(p_right - p_left, 1)
                fp_total += scaled_sigmoid(abs(p_right - i) / width) * profile.fp
    raw = fp_total + sum(best.values())
    missed = sum(1 for v in best.values() if v == -profile.fn)
    return FileScore(
        raw=raw,
        null=-profile.fn * len(best),
        perfect=profile.tp * len(spans),
        true_positives=len(best) - missed,
        false_positives=fp_count,
        missed_windows=missed,
        windows=len(spans),
    )


def normalised_score(scores: Iterable[FileScore]) -> float:
    """100 x (raw - null) / (perfect - null), summed over files as NAB's runner does."""
    items = list(scores)
    raw = sum(s.raw for s in items)
    null = sum(s.null for s in items)
    perfect = sum(s.perfect for s in items)
    if perfect == null:
        return 0.0
    return 100.0 * (raw - null) / (perfect - null)


def _window_rows(
    timestamps: Sequence[datetime], windows: Sequence[tuple[datetime, datetime]]
) -> list[tuple[int, int]]:
    """Row ranges covered by each window (inclusive), in time order."""
    spans: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        rows = [i for i, t in enumerate(timestamps) if start <= t <= end]
        if rows:
            spans.append((rows[0], rows[-1]))
    return spans
