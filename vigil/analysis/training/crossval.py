"""Cross-validation of the sentiment models on the brand-mention dev set.

Why: the shipped models train on the whole dev set, so scoring them on it would flatter
them. Here each fold of the dev set is scored by models trained on everything else (the
other folds, written mentions, corpus, public data), and once more by models trained with
no dev item at all; both estimate accuracy on brand mentions the models never saw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vigil.analysis.sentiment.evaluate import figures
from vigil.analysis.sentiment.model import CLASSES, softmax
from vigil.analysis.sentiment.scorer import ACCURATE_BLEND
from vigil.analysis.training.data import Example, echoes, stratified_folds
from vigil.analysis.training.fit import example_features

__all__ = ["cross_validate"]

_LANGS = ("en", "zh")


def _report(gold: list[str], probs: np.ndarray) -> dict[str, float | int]:
    predicted = [CLASSES[int(i)] for i in probs.argmax(axis=1)]
    return figures(gold, predicted, list(probs[:, 2] - probs[:, 0])).as_dict()


def cross_validate(
    dev: Sequence[Example],
    external: dict[str, list[Example]],
    domain: Sequence[Example],
    cache: Path | None,
    folds: int = 5,
) -> dict[str, object]:
    """Figures per path and language: ``folds``-fold ("cv") and without any dev item ("unseen").

    Training items that echo a dev item's phrasing (:func:`echoes`) are left out of every
    model here. ``cache`` (the embedding cache) given means the accurate path is measured too.
    """
    from vigil.analysis.training.train import embed_cached, fit_e5, fit_fast

    fold_of = stratified_folds(dev, folds, "dev-cv")
    echo = echoes(dev, domain)
    domain = [ex for ex, echoed in zip(domain, echo, strict=True) if not echoed]
    out: dict[str, object] = {"echoes_left_out": sum(echo)}
    for lang in _LANGS:
        tests = [i for i, ex in enumerate(dev) if ex.lang == lang]
        if not tests:
            continue
        base = external.get(lang, []) + [ex for ex in domain if ex.lang == lang]
        base_docs = example_features(base, lang)
        dev_docs = dict(zip(tests, example_features([dev[i] for i in tests], lang), strict=True))
        brand = [ex for ex in domain if ex.lang == lang]
        vectors = (
            embed_cached([ex.text for ex in brand + [dev[i] for i in tests]], cache)
            if cache
            else None
        )
        dev_vec = (
            dict(zip(tests, vectors[len(brand) :], strict=True)) if vectors is not None else {}
        )
        gold = [dev[i].label for i in tests]
        for scheme in ("cv", "unseen"):
            fast = np.zeros((len(tests), len(CLASSES)))
            dense = np.zeros_like(fast)
            for k in range(folds if scheme == "cv" else 1):
                train = [i for i in tests if scheme == "cv" and fold_of[i] != k]
                scored = [n for n, i in enumerate(tests) if scheme == "unseen" or fold_of[i] == k]
                head = fit_fast(lang, base + [dev[i] for i in train],
                                base_docs + [dev_docs[i] for i in train])  # fmt: skip
                fast[scored] = softmax(head.logits_many([dev_docs[tests[n]] for n in scored]))
                if vectors is not None:
                    x = np.vstack([vectors[: len(brand)]] + [dev_vec[i][None, :] for i in train])
                    e5 = fit_e5(brand + [dev[i] for i in train], x)
                    dense[scored] = e5.probs(np.stack([dev_vec[tests[n]] for n in scored]))
            out[f"{scheme}:fast:{lang}"] = _report(gold, fast)
            if vectors is not None:
                blend = (1 - ACCURATE_BLEND) * fast + ACCURATE_BLEND * dense
                out[f"{scheme}:accurate:{lang}"] = _report(gold, blend)
                out[f"{scheme}:e5-only:{lang}"] = _report(gold, dense)
    for key, value in out.items():
        print(f"dev {key:<22} {json.dumps(value)}", flush=True)
    return out
