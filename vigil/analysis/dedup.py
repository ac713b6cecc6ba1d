"""Reprint (转载) and near-duplicate detection with MinHash-LSH.

A reprint rarely equals its original byte for byte: portals add a source line, editors
change a word, self-media trims a paragraph. We compare *shingles* — overlapping word
pairs for Latin text, overlapping character triples for Chinese/Japanese/Korean — with
MinHash sketches and a banded LSH index, then confirm each candidate with the estimated
Jaccard similarity so that "same topic, different words" is not called a reprint.

Each mention joins the reprint group of its best match; the group remembers its
earliest-published member (the original). Only a sliding window of recent days is kept
in memory, so the index serves a long-running worker. Thread-safe: sketches are computed
outside the lock, index updates inside it.

The Rust-backed ``rensa`` is used when it imports; ``datasketch`` (pure Python, ~20×
slower) is the fallback.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import threading
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

__all__ = [
    "DedupConfig",
    "ReprintIndex",
    "ReprintMatch",
    "backend_name",
    "shingles",
]

DocId = Hashable

_NON_WORD_RE = re.compile(r"[\W_]+")
_WORD_RE = re.compile(r"[^\W_]+")
_FULL_WIDTH_RE = re.compile("[\uff10-\uff5a]")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Tuning knobs; the defaults are the ones measured by ``vigil eval dedup``."""

    num_perm: int = 96
    num_bands: int = 24
    threshold: float = 0.5
    word_shingle: int = 2
    cjk_shingle: int = 3
    min_shingles: int = 4
    window: timedelta = timedelta(days=3)
    seed: int = 1729


@dataclass(frozen=True, slots=True)
class ReprintMatch:
    """Where a mention landed: its reprint group and that group's original."""

    doc_id: DocId
    group_id: DocId
    original_id: DocId
    original_published_at: datetime
    matched_id: DocId
    similarity: float
    group_size: int


def _is_cjk(text: str) -> bool:
    # CJK characters take 3 bytes in UTF-8, Cyrillic/Greek/accented Latin at most 2:
    # counting extra bytes tells "mostly CJK" apart without a per-character loop.
    return len(text.encode()) - len(text) >= 1.2 * len(text)


def shingles(text: str, config: DedupConfig | None = None) -> list[str]:
    """Shingles of ``text``: word n-grams for Latin script, character n-grams for CJK.

    Case, punctuation and full-width letters/digits are folded first, so a reprint
    that only re-punctuates or changes width still matches.
    """
    cfg = config or DedupConfig()
    if text.isascii():
        return _word_shingles(_WORD_RE.findall(text.lower()), cfg.word_shingle)
    if _FULL_WIDTH_RE.search(text):
        text = text.translate(_FULL_WIDTH)
    if not _is_cjk(text):
        return _word_shingles(_WORD_RE.findall(text.lower()), cfg.word_shingle)
    chars = _NON_WORD_RE.sub("", text).lower()
    k = cfg.cjk_shingle
    if len(chars) <= k:
        return [chars] if chars else []
    return [chars[i : i + k] for i in range(len(chars) - k + 1)]


def _word_shingles(words: list[str], k: int) -> list[str]:
    if len(words) <= k:
        return [" ".join(words)] if words else []
    if k == 2:
        return [a + " " + b for a, b in zip(words, words[1:], strict=False)]
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


class _Backend(Protocol):
    name: str

    def sketch(self, tokens: Sequence[str]) -> Any: ...
    def sketch_many(self, token_sets: Sequence[Sequence[str]]) -> list[Any]: ...
    def query(self, sketch: Any) -> Iterable[int]: ...
    def insert(self, key: int, sketch: Any) -> None: ...
    def remove(self, key: int) -> None: ...
    def similarity(self, a: Any, b: Any) -> float: ...


class _RensaBackend:
    name = "rensa"

    def __init__(self, cfg: DedupConfig) -> None:
        import rensa

        self._rensa = rensa
        self._cfg = cfg
        self._lsh = rensa.RMinHashLSH(cfg.threshold, cfg.num_perm, cfg.num_bands)

    def sketch(self, tokens: Sequence[str]) -> Any:
        m = self._rensa.RMinHash(self._cfg.num_perm, self._cfg.seed)
        m.update(list(tokens))
        return m

    def sketch_many(self, token_sets: Sequence[Sequence[str]]) -> list[Any]:
        return list(
            self._rensa.RMinHash.from_token_sets(token_sets, self._cfg.num_perm, self._cfg.seed)
        )

    def query(self, sketch: Any) -> Iterable[int]:
        return self._lsh.query(sketch)

    def insert(self, key: int, sketch: Any) -> None:
        self._lsh.insert(key, sketch)

    def remove(self, key: int) -> None:
        self._lsh.remove(key)

    def similarity(self, a: Any, b: Any) -> float:
        return float(a.jaccard(b))


class _DatasketchBackend:
    name = "datasketch"

    def __init__(self, cfg: DedupConfig) -> None:
        from datasketch import MinHash, MinHashLSH

        self._minhash = MinHash
        self._cfg = cfg
        rows = cfg.num_perm // cfg.num_bands
        self._lsh = MinHashLSH(num_perm=cfg.num_perm, params=(cfg.num_bands, rows))

    def sketch(self, tokens: Sequence[str]) -> Any:
        m = self._minhash(num_perm=self._cfg.num_perm, seed=self._cfg.seed)
        m.update_batch([t.encode() for t in tokens])
        return m

    def sketch_many(self, token_sets: Sequence[Sequence[str]]) -> list[Any]:
        return [self.sketch(t) for t in token_sets]

    def query(self, sketch: Any) -> Iterable[int]:
        return self._lsh.query(sketch)

    def insert(self, key: int, sketch: Any) -> None:
        self._lsh.insert(key, sketch)

    def remove(self, key: int) -> None:
        self._lsh.remove(key)

    def similarity(self, a: Any, b: Any) -> float:
        return float(a.jaccard(b))


def _make_backend(cfg: DedupConfig, prefer: str | None = None) -> _Backend:
    if prefer != "datasketch":
        try:
            return _RensaBackend(cfg)
        except ImportError:
            if prefer == "rensa":
                raise
    return _DatasketchBackend(cfg)


def backend_name() -> str:
    """Which MinHash implementation this process would use."""
    return _make_backend(DedupConfig()).name


@dataclass(slots=True)
class _Entry:
    doc_id: DocId
    group_id: DocId
    published_at: datetime
    sketch: Any  # None for short texts matched exactly
    exact: str | None


@dataclass(slots=True)
class _Group:
    original_id: DocId
    original_at: datetime
    size: int
    live: int


class ReprintIndex:
    """In-memory reprint index over a sliding window of recent mentions."""

    def __init__(self, config: DedupConfig | None = None, *, backend: str | None = None) -> None:
        self.config = config or DedupConfig()
        if self.config.num_perm % self.config.num_bands:
            raise ValueError("num_perm must be a multiple of num_bands")
        self._backend = _make_backend(self.config, backend)
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}
        self._keys: dict[DocId, int] = {}
        self._groups: dict[DocId, _Group] = {}
        self._exact: dict[str, int] = {}
        self._heap: list[tuple[datetime, int]] = []
        self._next_key = 0
        self._newest: datetime | None = None

    @property
    def backend(self) -> str:
        return self._backend.name

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, doc_id: DocId, text: str, published_at: datetime) -> ReprintMatch | None:
        """Index a mention; return the group it joins, or None if it starts a new one."""
        sketch, exact = self._prepare(text)
        return self._add_prepared(doc_id, published_at, sketch, exact)

    def add_many(self, docs: Sequence[tuple[DocId, str, datetime]]) -> list[ReprintMatch | None]:
        """Like :meth:`add` for a batch, sketching all texts in one native call."""
        token_sets = [shingles(text, self.config) for _, text, _ in docs]
        long_idx = [i for i, t in enumerate(token_sets) if len(t) >= self.config.min_shingles]
        sketches: list[Any] = [None] * len(docs)
        for i, s in zip(
            long_idx, self._backend.sketch_many([token_sets[i] for i in long_idx]), strict=True
        ):
            sketches[i] = s
        results: list[ReprintMatch | None] = []
        for (doc_id, text, at), sketch in zip(docs, sketches, strict=True):
            exact = None if sketch is not None else _exact_key(text)
            results.append(self._add_prepared(doc_id, at, sketch, exact))
        return results

    def group_of(self, doc_id: DocId) -> DocId | None:
        """The reprint group of an indexed mention (its own id when it is alone)."""
        with self._lock:
            key = self._keys.get(doc_id)
            return None if key is None else self._entries[key].group_id

    def group_size(self, group_id: DocId) -> int:
        """How many mentions have joined a group (including evicted ones)."""
        with self._lock:
            group = self._groups.get(group_id)
            return 0 if group is None else group.size

    def _prepare(self, text: str) -> tuple[Any, str | None]:
        toks = shingles(text, self.config)
        if len(toks) < self.config.min_shingles:
            # Too short for MinHash to tell reprint from chance: exact match only.
            return None, _exact_key(text)
        return self._backend.sketch(toks), None

    def _add_prepared(
        self, doc_id: DocId, published_at: datetime, sketch: Any, exact: str | None
    ) -> ReprintMatch | None:
        if published_at.tzinfo is None:
            raise ValueError("published_at must be timezone-aware")
        with self._lock:
            existing = self._keys.get(doc_id)
            if existing is not None:
                return self._match_for(self._entries[existing], None, 1.0)
            best_key, best_sim = self._best_candidate(sketch, exact)
            key = self._next_key
            self._next_key += 1
            if best_key is None:
                entry = _Entry(doc_id, doc_id, published_at, sketch, exact)
                self._groups[doc_id] = _Group(doc_id, published_at, 1, 1)
            else:
                group_id = self._entries[best_key].group_id
                entry = _Entry(doc_id, group_id, published_at, sketch, exact)
                group = self._groups[group_id]
                group.size += 1
                group.live += 1
                if published_at < group.original_at:
                    group.original_id, group.original_at = doc_id, published_at
            self._entries[key] = entry
            self._keys[doc_id] = key
            if sketch is not None:
                self._backend.insert(key, sketch)
            elif exact is not None:
                self._exact.setdefault(exact, key)
            heapq.heappush(self._heap, (published_at, key))
            if self._newest is None or published_at > self._newest:
                self._newest = published_at
            self._evict()
            if best_key is None:
                return None
            return self._match_for(entry, self._entries.get(best_key), best_sim)

    def _best_candidate(self, sketch: Any, exact: str | None) -> tuple[int | None, float]:
        if sketch is None:
            key = self._exact.get(exact or "")
            return (key, 1.0) if key is not None else (None, 0.0)
        best_key: int | None = None
        best_sim = 0.0
        for key in self._backend.query(sketch):
            entry = self._entries.get(key)
            if entry is None or entry.sketch is None:
                continue
            sim = self._backend.similarity(sketch, entry.sketch)
            if sim > best_sim or (sim == best_sim and best_key is not None and key < best_key):
                best_key, best_sim = key, sim
        if best_sim < self.config.threshold:
            return None, best_sim
        return best_key, best_sim

    def _match_for(self, entry: _Entry, matched: _Entry | None, sim: float) -> ReprintMatch | None:
        group = self._groups.get(entry.group_id)
        if group is None or (matched is None and entry.group_id == entry.doc_id):
            return None
        return ReprintMatch(
            doc_id=entry.doc_id,
            group_id=entry.group_id,
            original_id=group.original_id,
            original_published_at=group.original_at,
            matched_id=matched.doc_id if matched is not None else entry.group_id,
            similarity=round(sim, 4),
            group_size=group.size,
        )

    def _evict(self) -> None:
        assert self._newest is not None  # noqa: S101 - set by the caller
        horizon = self._newest - self.config.window
        while self._heap and self._heap[0][0] < horizon:
            _, key = heapq.heappop(self._heap)
            entry = self._entries.pop(key)
            del self._keys[entry.doc_id]
            if entry.sketch is not None:
                self._backend.remove(key)
            elif entry.exact is not None and self._exact.get(entry.exact) == key:
                del self._exact[entry.exact]
            group = self._groups[entry.group_id]
            group.live -= 1
            if group.live == 0:
                del self._groups[entry.group_id]


def _exact_key(text: str) -> str:
    folded = _NON_WORD_RE.sub("", text.translate(_FULL_WIDTH).lower())
    return hashlib.blake2b(folded.encode(), digest_size=12).hexdigest()
