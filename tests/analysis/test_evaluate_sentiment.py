from __future__ import annotations

import pytest

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
