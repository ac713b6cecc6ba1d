from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from vigil.analysis.commands import register
from vigil.analysis.sentiment.evaluate import evaluate, figures


def test_polar_accuracy_uses_sign_and_ignores_neutral_gold() -> None:
    got = figures(
        gold=["positive", "negative", "neutral", "positive"],
        predicted=["neutral", "negative", "positive", "negative"],
        scores=[0.1, -0.5, 0.9, -0.2],
    )
    assert got.polar_accuracy == pytest.approx(2 / 3)
    assert got.accuracy == pytest.approx(1 / 4)
    assert got.n == 4


def test_macro_f1_is_perfect_only_when_all_right() -> None:
    gold = ["positive", "neutral", "negative"]
    assert figures(gold, gold, [1, 0, -1]).macro_f1 == pytest.approx(1.0)
    assert figures(gold, ["positive", "positive", "negative"], [1, 1, -1]).macro_f1 < 1.0


def test_zero_score_on_polar_item_counts_as_wrong() -> None:
    assert figures(["positive"], ["unknown"], [0.0]).polar_accuracy == 0.0


def test_evaluate_reports_languages_and_speed() -> None:
    report = evaluate(
        ["Awful, broken on arrival.", "非常满意，推荐！"],
        ["negative", "positive"],
        ["en", "zh"],
    )
    assert set(report) >= {"overall", "en", "zh", "docs_per_s"}
    assert report["overall"]["n"] == 2  # type: ignore[index]


def test_eval_command_reads_sentiment_toward_each_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "text": "Quorrin opened a shop in Leeds today. Telvaro is a scam, worst company ever, avoid them.",
            "target": "Quorrin",
            "others": ["Telvaro"],
            "label": "neutral",
            "lang": "en",
            "kind": "compare",
        },
        {
            "text": "Got the Brisa kettle Monday. Lid cracked by Thursday, support never answered.",
            "target": "Brisa",
            "label": "negative",
            "lang": "en",
            "kind": "later",
        },
    ]
    data = tmp_path / "toward.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    parser = argparse.ArgumentParser(prog="vigil")
    register(parser.add_subparsers(dest="command"))

    args = parser.parse_args(["eval", "sentiment", str(data), "--toward", "--json"])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out)
    # Quorrin's own sentence is news without a side; the complaint is Telvaro's.
    assert report["en"]["n"] == 2
    assert report["en"]["accuracy"] == 1.0
    assert report["en:compare"]["n"] == report["en:later"]["n"] == 1  # figures by kind

    rows[0]["target"] = "Nobody"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    args = parser.parse_args(["eval", "sentiment", str(data), "--toward"])
    assert args.func(args) == 2
    assert capsys.readouterr().err == f"{data}:1: target not found in text\n"
