"""Linear sentiment heads: a vocabulary, IDF weights and a weight matrix in one .npz.

Artefacts are plain arrays (no pickle), so loading a shipped model cannot run code,
and they compress to a few hundred kilobytes. Models are loaded once per process
and shared by threads; scoring only reads them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vigil.analysis.sentiment.features import DocFeatures

__all__ = ["CLASSES", "MODEL_DIR", "LinearHead", "load_head", "softmax"]

#: Column order of every head's outputs.
CLASSES: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_DIR = Path(__file__).resolve().parent.parent / "models"


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax that tolerates large logits."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


@dataclass(frozen=True, slots=True)
class LinearHead:
    """A multinomial logistic regression over :class:`DocFeatures`."""

    index: dict[str, int]
    idf: np.ndarray  # (n_features,) float32; dense features carry 1.0
    weights: np.ndarray  # (n_features, 3) float32
    bias: np.ndarray  # (3,) float32

    def vectorise(self, doc: DocFeatures) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the known features: IDF-weighted, L2-normalised terms + dense."""
        index = self.index
        ids = sorted({index[t] for t in doc.terms if t in index})
        vals = self.idf[ids] if ids else np.zeros(0, dtype=np.float32)
        norm = float(np.sqrt(np.dot(vals, vals)))
        if norm:
            vals = vals / norm
        dense_ids = [index[k] for k in doc.dense if k in index]
        dense_vals = [v for k, v in doc.dense.items() if k in index]
        all_ids = np.asarray(ids + dense_ids, dtype=np.int64)
        all_vals = np.concatenate([vals, np.asarray(dense_vals, dtype=np.float32)])
        return all_ids, all_vals.astype(np.float32)

    def logits(self, doc: DocFeatures) -> np.ndarray:
        ids, vals = self.vectorise(doc)
        return np.asarray(vals @ self.weights[ids] + self.bias)

    def logits_many(self, docs: Sequence[DocFeatures]) -> np.ndarray:
        """Batch logits through one sparse product (used by evaluation and batch scoring)."""
        from scipy.sparse import csr_matrix

        rows, cols, data = [], [], []
        for r, doc in enumerate(docs):
            ids, vals = self.vectorise(doc)
            rows.append(np.full(len(ids), r, dtype=np.int64))
            cols.append(ids)
            data.append(vals)
        if not docs:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        m = csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(docs), len(self.idf)),
        )
        return np.asarray(m @ self.weights + self.bias)

    def save(self, path: Path) -> None:
        terms = np.array(sorted(self.index, key=self.index.__getitem__))
        np.savez_compressed(
            path,
            terms=terms,
            idf=self.idf.astype(np.float16),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            return cls(
                index={t: i for i, t in enumerate(terms)},
                idf=z["idf"].astype(np.float32),
                weights=z["weights"].astype(np.float32),
                bias=z["bias"].astype(np.float32),
            )


_lock = threading.Lock()
_heads: dict[tuple[str, str], LinearHead] = {}


def load_head(name: str, model_dir: Path | None = None) -> LinearHead:
    """The head ``sentiment-<name>.npz``, loaded once per process (thread-safe)."""
    directory = model_dir or MODEL_DIR
    key = (str(directory), name)
    head = _heads.get(key)
    if head is None:
        with _lock:
            head = _heads.get(key)
            if head is None:
                head = LinearHead.load(directory / f"sentiment-{name}.npz")
                _heads[key] = head
    return head


def clear_cache() -> None:
    """Forget loaded heads (after retraining in the same process, and in tests)."""
    with _lock:
        _heads.clear()
