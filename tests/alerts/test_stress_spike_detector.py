"""The stress test's copies are reproducible, honest transformations, and the command runs."""

from __future__ import annotations

import argparse
import json
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from vigil.alerts.commands import register
from vigil.alerts.detectors import NabSeries, read_series
from vigil.alerts.detectors.stress import (
    VARIANTS,
    LabelledSeries,
    StressError,
    drop_start,
    make_variant,
    thin,
    times_three_with_noise,
)

# ../shared/data beside the checkout (as on developer machines and in CI).
NAB = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nab"
START = datetime(2015, 3, 2, 14, 0)
STEP = timedelta(minutes=5)
DAYS = 8
BURST = START + timedelta(days=6, hours=3)  # inside the labelled window below


def synthetic(rows: int = DAYS * 288) -> NabSeries:
    """A topic with a daily rhythm, counts from 0 to a few hundred, and one burst."""
    rng = random.Random("stress-test")
    times = [START + i * STEP for i in range(rows)]
    values = []
    for i, moment in enumerate(times):
        usual = 30 + 25 * math.sin(2 * math.pi * i / 288) + (150 if i % 500 == 0 else 0)
        burst = 12 if BURST <= moment < BURST + timedelta(minutes=40) else 1
        values.append(float(max(0, round(rng.gauss(usual * burst, math.sqrt(usual * burst))))))
    return NabSeries([t.isoformat(sep=" ") for t in times], times, values)


def window(start: datetime, hours: float = 12) -> list[str]:
    return [start.isoformat(sep=" "), (start + timedelta(hours=hours)).isoformat(sep=" ")]


def test_every_copy_is_the_same_each_time_and_seeds_differ() -> None:
    item = LabelledSeries("realTweets/a.csv", synthetic(), [window(BURST - timedelta(hours=6))])
    for variant in VARIANTS:
        first = make_variant(variant, "a.csv", item)
        assert make_variant(variant, "a.csv", item) == first, variant.label
    seeds = [make_variant(v, "a.csv", item).series.values for v in VARIANTS if v.kind == "thin"]
    assert len({tuple(values) for values in seeds}) == len(seeds) == 9
    # The file name seeds the copy: two topics with the same counts get different noise.
    assert thin(item.series, "a.csv", 50, 1).values != thin(item.series, "b.csv", 50, 1).values


def test_thinning_keeps_the_times_and_never_adds_a_mention() -> None:
    series = synthetic()
    for percent in (50, 25, 10):
        thinned = thin(series, "a.csv", percent, 1)
        assert thinned.timestamps == series.timestamps
        assert all(0 <= new <= old for new, old in zip(thinned.values, series.values, strict=True))
        kept = sum(thinned.values) / sum(series.values)
        assert abs(kept - percent / 100) < 0.02


def test_times_three_keeps_the_times_and_triples_the_volume_about() -> None:
    series = synthetic()
    noisy = times_three_with_noise(series, "a.csv", 2)
    assert noisy.timestamps == series.timestamps
    assert 2.8 < sum(noisy.values) / sum(series.values) < 3.2
    assert noisy.values != times_three_with_noise(series, "a.csv", 3).values


def test_dropping_the_start_keeps_the_windows_still_scored() -> None:
    series = synthetic()
    # 3 days dropped: 5 days (1440 rows) left, probation 216 rows = 18 h, scored from day 3 18:00.
    scored_from = START + timedelta(days=3, hours=18)
    early = window(START + timedelta(days=2))  # in the part dropped
    in_probation = window(scored_from - STEP)
    at_edge = window(scored_from)
    later = window(BURST - timedelta(hours=6))
    labels: list[object] = [early, in_probation, at_edge, later]
    kept, windows = drop_start(series, labels, 72)
    assert kept.timestamps[0] == START + timedelta(days=3)
    assert kept.timestamps == series.timestamps[3 * 288 :]
    assert kept.values == series.values[3 * 288 :]
    assert windows == [at_edge, later]
    # An hour dropped leaves every window that started after the old probation.
    assert drop_start(series, [in_probation, later], 1)[1] == [in_probation, later]
    # Label timestamps are left for NAB's own windowing on the rows that remain.
    stamps: list[object] = [series.raw_timestamps[2000]]
    assert drop_start(series, stamps, 72)[1] == stamps
    with pytest.raises(StressError, match="shorter than 72 hours"):
        drop_start(synthetic(rows=800), labels, 72)


@pytest.mark.skipif(not (NAB / "realTweets").is_dir(), reason="NAB data not present")
def test_the_copies_are_the_ones_the_published_figures_came_from() -> None:
    """First counts of the session-18 stress files, so a changed generator is noticed."""
    name = "Twitter_volume_AMZN.csv"
    series = read_series(NAB / "realTweets" / name)
    short = NabSeries(series.raw_timestamps[:5], series.timestamps[:5], series.values[:5])
    assert times_three_with_noise(short, name, 1).values == [243, 115, 151, 262, 341]
    assert times_three_with_noise(short, name, 2).values == [121, 97, 84, 207, 143]
    assert times_three_with_noise(short, name, 3).values == [130, 127, 161, 158, 302]
    assert thin(short, name, 25, 2).values == [14, 13, 10, 15, 24]


def _folder(tmp_path: Path, rows: int = DAYS * 288) -> tuple[Path, Path]:
    folder = tmp_path / "realTweets"
    folder.mkdir()
    series = synthetic(rows)
    lines = [f"{t},{int(v)}" for t, v in zip(series.raw_timestamps, series.values, strict=True)]
    (folder / "Twitter_volume_X.csv").write_text("timestamp,value\n" + "\n".join(lines) + "\n")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"realTweets/Twitter_volume_X.csv": [window(BURST - STEP * 60)]}))
    return folder, labels


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="vigil")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "spikes-stress", *argv])
    return int(args.func(args))


def test_the_command_scores_each_kind_of_copy_and_the_mean_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, labels = _folder(tmp_path)
    assert _run([str(folder), str(labels), "--verbose"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.rstrip().splitlines()
    runs = [line for line in lines if line.startswith("  ")]
    assert len(runs) == 18  # the originals and 17 copies (9 thinned, 5 cut, 3 noisy)
    summary = [line for line in lines if not line.startswith("  ")]
    assert summary[0].startswith("NAB standard score at medium")
    assert summary[1].startswith("originals:")
    assert summary[2].startswith("thinned to 50 % (3 seeds):")
    assert "first 3 days dropped:" in summary[5]
    assert summary[-2].startswith("x3 + noise (3 seeds):")
    assert len(summary) == 12
    assert summary[-1].startswith("mean of the variants: ")
    # The burst is big enough to be caught on the originals and on the 50 % copies.
    assert "events caught 1 / 1" in summary[1] and "events caught 1 / 1" in summary[2]
    scores = [float(line.split(":")[1].split()[0]) for line in summary[2:-1]]
    assert float(summary[-1].split(": ")[1]) == round(sum(scores) / 9, 1)  # the printed figures
    assert "[18/18" in captured.err and "x3 + noise, seed 3" in captured.err


def test_the_command_names_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, labels = _folder(tmp_path, rows=600)
    assert _run([str(folder), str(labels)]) == 2
    assert "shorter than 72 hours" in capsys.readouterr().err
    assert _run([str(tmp_path / "missing"), str(labels)]) == 2
    assert "not a folder" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text('{"realTweets/x.csv": "2015-01-01"}')
    assert _run([str(folder), str(tmp_path / "bad.json")]) == 2
    assert "expected a list" in capsys.readouterr().err
