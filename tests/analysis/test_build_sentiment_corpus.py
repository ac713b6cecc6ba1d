from __future__ import annotations

import json
from collections import Counter
from functools import cache

from vigil.analysis.training.corpus import CORPUS_PATH
from vigil.analysis.training.corpus import build_corpus as _build


@cache
def build_corpus() -> list[dict[str, str]]:
    return _build()


def test_corpus_is_reproducible_and_matches_the_shipped_file() -> None:
    rows = build_corpus()
    assert rows == _build()
    shipped = [json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()]
    assert shipped == rows


def test_families_never_straddle_the_held_out_split() -> None:
    splits: dict[str, set[str]] = {}
    for row in build_corpus():
        splits.setdefault(row["family"], set()).add(row["split"])
    assert all(len(s) == 1 for s in splits.values())
    held = sum(1 for s in splits.values() if s == {"heldout"})
    assert 0.1 < held / len(splits) < 0.35


def test_every_language_has_three_classes_with_neutral_common() -> None:
    counts = Counter((r["lang"], r["label"]) for r in build_corpus())
    for lang in ("en", "zh"):
        total = sum(v for (lg, _), v in counts.items() if lg == lang)
        assert total > 1500
        assert counts[(lang, "neutral")] / total > 0.3
        assert counts[(lang, "positive")] / total > 0.2


def test_no_unfilled_slots_and_no_duplicate_texts() -> None:
    rows = build_corpus()
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts)
    assert not [t for t in texts if "{" in t or "}" in t]
