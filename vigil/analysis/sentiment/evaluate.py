"""Figures for a labelled set: polar accuracy, 3-class accuracy, macro-F1, per language.

Polar accuracy is computed over gold-polar items only (neutral gold items excluded)
and the prediction is the sign of the score: a positive item counts as right when
score > 0, a negative one when score < 0. A model that says "neutral" on a polar item
is thus judged by which way it leans; a score of exactly 0 counts as wrong. In 3-class
accuracy and macro-F1 a predicted "unknown" is simply wrong.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vigil.analysis.sentiment.scorer import Path_, score_many

__all__ = ["LangFigures", "evaluate", "figures"]

GOLD = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class LangFigures:
    n: int
    polar_accuracy: float
    accuracy: float
    macro_f1: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "polar_accuracy": round(self.polar_accuracy, 4),
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
        }


def figures(gold: Sequence[str], predicted: Sequence[str], scores: Sequence[float]) -> LangFigures:
    """Figures for aligned gold labels, predicted labels and scores."""
    n = len(gold)
    polar = [(g, s) for g, s in zip(gold, scores, strict=True) if g != "neutral"]
    right = sum(1 for g, s in polar if (s > 0 if g == "positive" else s < 0))
    f1s = []
    for cls in GOLD:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == cls)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == cls and g != cls)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == cls and p != cls)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    present = [f for cls, f in zip(GOLD, f1s, strict=True) if cls in gold]
    return LangFigures(
        n=n,
        polar_accuracy=right / len(polar) if polar else 0.0,
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / n if n else 0.0,
        macro_f1=sum(present) / len(present) if present else 0.0,
    )


def evaluate(
    texts: Sequence[str],
    labels: Sequence[str],
    langs: Sequence[str | None],
    path: Path_ = "fast",
    batch_size: int = 256,
    model_dir: Path | None = None,
    groups: Sequence[str] | None = None,
) -> dict[str, object]:
    """Score every text and return ``{"overall", <lang>…, <group>…, "docs_per_s"}``.

    ``groups`` (one name per text, e.g. ``en:later``) adds figures for each group.
    """
    firsts = {lang: i for i, lang in reversed(list(enumerate(langs)))}
    for i in firsts.values():  # load each language's model first: throughput is measured warm
        score_many([texts[i]] * 2, [langs[i]] * 2, path, model_dir)
    started = time.perf_counter()
    results = []
    for i in range(0, len(texts), batch_size):
        results.extend(
            score_many(texts[i : i + batch_size], langs[i : i + batch_size], path, model_dir)
        )
    elapsed = time.perf_counter() - started
    out: dict[str, object] = {}
    by_lang: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        by_lang.setdefault(r.lang, []).append(i)
    by_group: dict[str, list[int]] = {}
    for i, group in enumerate(groups or []):
        by_group.setdefault(group, []).append(i)
    everyone = list(range(len(results)))
    for name, idx in [("overall", everyone), *sorted(by_lang.items()), *sorted(by_group.items())]:
        out[name] = figures(
            [labels[i] for i in idx],
            [results[i].label for i in idx],
            [results[i].score for i in idx],
        ).as_dict()
    out["docs_per_s"] = round(len(texts) / elapsed, 1) if elapsed > 0 else 0.0
    return out
