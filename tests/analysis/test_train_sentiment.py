from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from vigil.analysis.sentiment.features import extract_features
from vigil.analysis.sentiment.model import CLASSES, LinearHead, softmax
from vigil.analysis.training.crossval import cross_validate
from vigil.analysis.training.data import (
    Example,
    echoes,
    read_heldout,
    read_written,
    split_by_hash,
    stratified_folds,
)
from vigil.analysis.training.fit import fit_head


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
    head = fit_head(examples, np.ones(len(examples)), "en", c=10.0, min_df=1)
    probe = extract_features("terrible awful phone", "en")
    assert CLASSES[int(softmax(head.logits(probe)).argmax())] == "negative"
    head.save(tmp_path / "sentiment-en")
    loaded = LinearHead.load(tmp_path / "sentiment-en.npz")
    assert np.allclose(loaded.logits(probe), head.logits(probe), atol=0.05)


def test_corrections_outweigh_when_weighted() -> None:
    examples = _examples()
    fix = [Example("great phone love it", "negative", "en", "corrections")] * 3
    weights = np.asarray([500.0 / len(fix) if ex.source == "corrections" else 1.0
                          for ex in examples + fix])  # fmt: skip
    head = fit_head(examples + fix, weights, "en", c=10.0, min_df=1)
    probe = extract_features("great phone love it", "en")
    assert CLASSES[int(head.logits(probe).argmax())] == "negative"


def test_splits_are_deterministic() -> None:
    items = [Example(f"text {i}", "positive", "en", "s") for i in range(200)]
    a = split_by_hash(items, 0.2, "salt")
    b = split_by_hash(list(reversed(items)), 0.2, "salt")
    assert {e.text for e in a[1]} == {e.text for e in b[1]}
    assert 20 < len(a[1]) < 60


def test_stratified_folds_keep_each_label_mix_and_are_stable() -> None:
    items = [
        Example(f"{label} text {i}", label, lang, "dev")
        for lang in ("en", "zh")
        for label in ("positive", "neutral", "negative")
        for i in range(10)
    ]
    folds = stratified_folds(items, 5, "salt")
    assert folds == stratified_folds(items, 5, "salt")
    for k in range(5):
        chosen = [ex for ex, f in zip(items, folds, strict=True) if f == k]
        assert Counter((ex.lang, ex.label) for ex in chosen) == {
            (lang, label): 2
            for lang in ("en", "zh")
            for label in ("positive", "neutral", "negative")
        }
    assert folds != stratified_folds(items, 5, "other salt")


def test_shipped_written_mentions_are_well_formed() -> None:
    items = read_written()
    assert len(items) > 5000
    assert {ex.lang for ex in items} == {"en", "zh"}
    assert {ex.label for ex in items} == set(CLASSES)
    assert all(ex.text.strip() for ex in items)
    texts = [ex.text for ex in items]
    assert len(set(texts)) == len(texts)
    for lang in ("en", "zh"):
        labels = Counter(ex.label for ex in items if ex.lang == lang)
        assert min(labels.values()) / sum(labels.values()) > 0.25  # no label starved


def test_cross_validation_scores_every_dev_item_without_training_on_it(monkeypatch) -> None:
    import vigil.analysis.training.train as train

    seen: list[set[str]] = []
    real_fit = train.fit_fast

    def spying_fit(lang, examples, docs=None):
        seen.append({ex.text for ex in examples if ex.source == "dev"})
        return real_fit(lang, examples, docs)

    monkeypatch.setattr(train, "fit_fast", spying_fit)
    monkeypatch.setitem(train.REGULARISATION, "en", 10.0)
    monkeypatch.setattr(train, "MIN_DF", 1)
    domain = _examples()
    # Dev texts reverse the word order: same words, no shared phrase (so no echoes).
    dev = [
        Example(" ".join(reversed(ex.text.split())) + f" {i}", ex.label, "en", "dev")
        for i, ex in enumerate(domain)
    ]
    figures = cross_validate(dev, {"en": []}, domain, cache=None, folds=3)
    assert set(figures) == {"echoes_left_out", "cv:fast:en", "unseen:fast:en"}
    assert figures["echoes_left_out"] == 0
    assert figures["cv:fast:en"]["n"] == len(dev)
    assert figures["cv:fast:en"]["accuracy"] > 0.8
    assert len(seen) == 4  # three folds, then one fit with no dev item
    assert seen[-1] == set()
    assert figures["unseen:fast:en"]["n"] == len(dev)
    assert all(len(s) == len(dev) * 2 // 3 for s in seen[:3])


def test_echoes_flag_shared_phrasing_not_shared_topic() -> None:
    dev = [
        Example("Strideon leggings went see-through the moment I squatted.", "negative", "en", "d"),
        Example("汇澄银行的柜员硬是拦了下来，还陪着他报了警。", "positive", "zh", "d"),
    ]
    items = [
        Example("Trackora leggings went see-through the moment I squatted, refund pending", "negative", "en", "w"),
        Example("Trackora leggings are see-through, returned them", "negative", "en", "w"),
        Example("柜员硬是拦了下来，还陪着我报了警，谢谢", "positive", "zh", "w"),
        Example("银行柜员帮我拦下了一笔诈骗转账", "positive", "zh", "w"),
    ]  # fmt: skip
    assert echoes(dev, items) == [True, False, True, False]


def test_held_out_mentions_are_well_formed_and_never_training_data() -> None:
    held = read_heldout()
    assert Counter(ex.lang for ex in held) == {"en": 300, "zh": 300}
    assert {ex.label for ex in held} == set(CLASSES)
    assert {ex.source for ex in held} == {"heldout"}
    assert not {ex.text for ex in held} & {ex.text for ex in read_written()}
