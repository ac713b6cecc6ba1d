"""Fit a :class:`LinearHead` with scikit-learn and keep only plain arrays.

Weights per example let in-domain brand mentions (and analysts' corrections) count far
more than thousands of reviews (the caller's weights, see ``train.ITEM_WEIGHT``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from vigil.analysis.sentiment.features import DocFeatures, extract_features
from vigil.analysis.sentiment.model import CLASSES, LinearHead
from vigil.analysis.training.data import Example
from vigil.lib.text import to_simplified

__all__ = ["build_vocabulary", "example_features", "fit_head"]

SEED = 20240501


def build_vocabulary(docs: Sequence[DocFeatures], min_df: int) -> LinearHead:
    """A head with vocabulary and IDF but zero weights (filled by :func:`fit_head`)."""
    df: Counter[str] = Counter()
    dense: set[str] = set()
    for doc in docs:
        df.update(set(doc.terms))
        dense.update(doc.dense)
    terms = sorted(t for t, c in df.items() if c >= min_df)
    n = len(docs)
    idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms]
    names = terms + sorted(dense)
    idf += [1.0] * len(dense)
    return LinearHead(
        index={t: i for i, t in enumerate(names)},
        idf=np.asarray(idf, dtype=np.float32),
        weights=np.zeros((len(names), len(CLASSES)), dtype=np.float32),
        bias=np.zeros(len(CLASSES), dtype=np.float32),
    )


def example_features(examples: Sequence[Example], lang: str) -> list[DocFeatures]:
    """Features as the scorer computes them (Chinese folded to simplified first)."""
    if lang == "zh":
        return [extract_features(to_simplified(ex.text), lang) for ex in examples]
    return [extract_features(ex.text, lang) for ex in examples]


def fit_head(
    examples: Sequence[Example],
    weights: np.ndarray,
    lang: str,
    c: float = 4.0,
    min_df: int = 2,
    docs: Sequence[DocFeatures] | None = None,
) -> LinearHead:
    """Train a multinomial logistic regression on features seen in ``min_df`` examples or more.

    ``docs`` are the examples' features when the caller already has them (cross-validation
    fits the same examples several times).
    """
    from sklearn.linear_model import LogisticRegression

    if docs is None:
        docs = example_features(examples, lang)
    head = build_vocabulary(docs, min_df)
    x = _matrix(head, docs)
    y = np.asarray([CLASSES.index(ex.label) for ex in examples])
    clf = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    clf.fit(x, y, sample_weight=weights * (len(weights) / weights.sum()))
    coef = np.zeros((len(head.idf), len(CLASSES)), dtype=np.float32)
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    present = [int(k) for k in clf.classes_]
    coef[:, present] = clf.coef_.T
    bias[present] = clf.intercept_
    return LinearHead(index=head.index, idf=head.idf, weights=coef, bias=bias)


def _matrix(head: LinearHead, docs: Sequence[DocFeatures]) -> object:
    from scipy.sparse import csr_matrix

    indptr = [0]
    cols: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for doc in docs:
        ids, vals = head.vectorise(doc)
        cols.append(ids)
        data.append(vals)
        indptr.append(indptr[-1] + len(ids))
    return csr_matrix(
        (np.concatenate(data), np.concatenate(cols), np.asarray(indptr)),
        shape=(len(docs), len(head.idf)),
    )
