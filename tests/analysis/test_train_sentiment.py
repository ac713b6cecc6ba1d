from __future__ import annotations

from pathlib import Path

import numpy as np

from vigil.analysis.sentiment.features import extract_features
from vigil.analysis.sentiment.model import CLASSES, LinearHead, softmax
from vigil.analysis.training.data import Example, dev_split, split_by_hash
from vigil.analysis.training.fit import fit_head, source_weights


def _examples() -> list[Example]:
    pos = ["great phone love it", "excellent service very happy", "love the camera great"]
    neg = ["terrible phone hate it", "awful service very angry", "broken camera terrible"]
    neu = ["the store opens on monday", "the company will hold a meeting", "launch date is friday"]
    return [
        Example(t, label, "en", "toy")
        for label, texts in (("positive", pos), ("negative", neg), ("neutral", neu))
        for t in texts * 3
    ]


def test_fit_head_learns_and_round_trips(tmp_path: Path) -> None:
    examples = _examples()
    head = fit_head(examples, source_weights(examples, {}), "en", c=10.0, min_df=1)
    probe = extract_features("terrible awful phone", "en")
    assert CLASSES[int(softmax(head.logits(probe)).argmax())] == "negative"
    head.save(tmp_path / "sentiment-en")
    loaded = LinearHead.load(tmp_path / "sentiment-en.npz")
    assert np.allclose(loaded.logits(probe), head.logits(probe), atol=0.05)


def test_corrections_outweigh_when_weighted() -> None:
    examples = _examples()
    fix = [Example("great phone love it", "negative", "en", "corrections")] * 3
    weights = source_weights(examples + fix, {"corrections": 500.0})
    head = fit_head(examples + fix, weights, "en", c=10.0, min_df=1)
    probe = extract_features("great phone love it", "en")
    assert CLASSES[int(head.logits(probe).argmax())] == "negative"


def test_splits_are_deterministic(tmp_path: Path) -> None:
    items = [Example(f"text {i}", "positive", "en", "s") for i in range(200)]
    a = split_by_hash(items, 0.2, "salt")
    b = split_by_hash(list(reversed(items)), 0.2, "salt")
    assert {e.text for e in a[1]} == {e.text for e in b[1]}
    assert 20 < len(a[1]) < 60
    dev = tmp_path / "dev.jsonl"
    dev.write_text(
        "".join(
            f'{{"id": "d{i}", "lang": "en", "text": "t{i}", "label": "neutral"}}\n'
            for i in range(10)
        )
    )
    train, test = dev_split(dev)
    assert len(test) == 5
    assert not {e.text for e in train} & {e.text for e in test}
