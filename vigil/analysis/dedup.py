"""Reprint (转载) and near-duplicate detection with MinHash-LSH.

A reprint rarely equals its original byte for byte: portals add a source line, editors
change a word, self-media trims a paragraph. We compare *shingles* — overlapping word
pairs for Latin text, overlapping character triples for Chinese/Japanese/Korean — with
MinHash sketches and a banded LSH index, then confirm each candidate with the estimated
Jaccard similarity so that "same topic, different words" is not called a reprint.

Each mention joins the reprint group of its best match; the group remembers its
earliest-published member (the original). Only a sliding window of recent days is kept
in memory, so the index serves a long-running worker. Thread-safe: sketches are computed
outside the lock, index updates inside it. What a batch adds can be undone (``begin``,
``rollback``) when the database transaction it was written in rolls back.

The Rust-backed ``rensa`` is used when it imports; ``datasketch`` (pure Python, ~20×
slower) is the fallback.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, AnyStr, Protocol

from vigil.lib.undo import MISSING, UndoLog

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
_CJK_ENCODING = "utf-32-le"  # four bytes per character, so n-grams are fixed-width slices
# Byte table for ASCII posts: letters and digits lower-cased, every other byte a space, so
# that split() gives the same words as _WORD_RE on the lower-cased text.
_ASCII_FOLD = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)).lower() + b" " * 128


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
    encoding = "utf-8" if text.isascii() else _CJK_ENCODING
    tokens = _tokens(text, config or DedupConfig())
    return [t.decode(encoding) if isinstance(t, bytes) else t for t in tokens]


def _tokens(text: str, cfg: DedupConfig) -> list[str] | list[bytes]:
    """The shingles as the sketch takes them: bytes for ASCII and CJK posts, else str.

    An ASCII post is folded (case, punctuation) by one ``bytes.translate`` and split in
    C; the hasher reads str and bytes alike (as UTF-8), so both give the same sketch.
    A CJK post's character n-grams are slices of its UTF-32 encoding: a bytes slice is
    one allocation, where a str slice of CJK text needs a second one (its UTF-8 copy)
    when it is hashed, and making and freeing those objects is most of the cost.
    """
    if text.isascii():
        words = text.encode().translate(_ASCII_FOLD).split()
        return _word_shingles(words, b" ", cfg.word_shingle)
    text = _fold_width(text)
    if not _is_cjk(text):
        return _word_shingles(_WORD_RE.findall(text.lower()), " ", cfg.word_shingle)
    chars = "".join(_WORD_RE.findall(text)).lower().encode(_CJK_ENCODING)
    width = 4 * cfg.cjk_shingle
    if len(chars) <= width:
        return [chars] if chars else []
    return [chars[i : i + width] for i in range(0, len(chars) - width + 4, 4)]


def _fold_width(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation to ASCII (ＡＢＣ１２３？ → ABC123?)."""
    # A search for one character class is a fast scan, and a match usually means a
    # stray ？ or ：, so rewrite just those; str.translate would cost a failed dict
    # lookup for every character of the post.
    if _FULL_WIDTH_RE.search(text) is None:
        return text
    return _FULL_WIDTH_RE.sub(lambda m: chr(ord(m[0]) - 0xFEE0), text)


def _word_shingles(words: list[AnyStr], sep: AnyStr, k: int) -> list[AnyStr]:
    if len(words) <= k:
        return [sep.join(words)] if words else []
    if k == 2:
        return list(map(sep.join, zip(words, words[1:], strict=False)))
    return [sep.join(words[i : i + k]) for i in range(len(words) - k + 1)]


class _Backend(Protocol):
    """A MinHash implementation and its LSH index.

    ``query``/``insert``/``remove`` are the index's own bound methods and sketches
    compare with their own ``jaccard``: no Python frame between the index and the
    native code on the per-mention path.
    """

    name: str
    query: Callable[[Any], Iterable[int]]
    insert: Callable[[int, Any], object]
    remove: Callable[[int], object]

    def sketch(self, tokens: list[str] | list[bytes]) -> Any: ...


class _RensaBackend:
    name = "rensa"

    def __init__(self, cfg: DedupConfig) -> None:
        import rensa

        self._minhash = rensa.RMinHash
        self._num_perm, self._seed = cfg.num_perm, cfg.seed
        lsh = rensa.RMinHashLSH(cfg.threshold, cfg.num_perm, cfg.num_bands)
        self.query, self.insert, self.remove = lsh.query, lsh.insert, lsh.remove

    def sketch(self, tokens: list[str] | list[bytes]) -> Any:
        m = self._minhash(self._num_perm, self._seed)
        m.update(tokens)
        return m


class _DatasketchBackend:
    name = "datasketch"

    def __init__(self, cfg: DedupConfig) -> None:
        from datasketch import MinHash, MinHashLSH

        self._minhash = MinHash
        self._cfg = cfg
        rows = cfg.num_perm // cfg.num_bands
        lsh = MinHashLSH(num_perm=cfg.num_perm, params=(cfg.num_bands, rows))
        self.query, self.insert, self.remove = lsh.query, lsh.insert, lsh.remove

    def sketch(self, tokens: list[str] | list[bytes]) -> Any:
        m = self._minhash(num_perm=self._cfg.num_perm, seed=self._cfg.seed)
        m.update_batch([t.encode() if isinstance(t, str) else t for t in tokens])
        return m


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
    """A reprint group of two or more mentions; a lone mention has none (most have none)."""

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
        self._newest = self._horizon = datetime.min.replace(tzinfo=UTC)
        self._undo: UndoLog | None = None  # what the current batch changed

    @property
    def backend(self) -> str:
        return self._backend.name

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, doc_id: DocId, text: str, published_at: datetime) -> ReprintMatch | None:
        """Index a mention; return the group it joins, or None if it starts a new one."""
        tokens = _tokens(text, self.config)
        if len(tokens) < self.config.min_shingles:
            # Too short for MinHash to tell reprint from chance: exact match only.
            return self._add_prepared(doc_id, published_at, None, _exact_key(text))
        return self._add_prepared(doc_id, published_at, self._backend.sketch(tokens), None)

    def add_many(self, docs: Sequence[tuple[DocId, str, datetime]]) -> list[ReprintMatch | None]:
        """:meth:`add` for each mention of a batch, in order (the pipeline's call).

        Not rensa's batch sketching: it hands each batch to a thread pool and measured
        slower per CPU-second than sketching one mention at a time.
        """
        return [self.add(doc_id, text, at) for doc_id, text, at in docs]

    def group_of(self, doc_id: DocId) -> DocId | None:
        """The reprint group of an indexed mention (its own id when it is alone)."""
        with self._lock:
            key = self._keys.get(doc_id)
            return None if key is None else self._entries[key].group_id

    def group_size(self, group_id: DocId) -> int:
        """How many mentions have joined a group (including evicted ones)."""
        with self._lock:
            group = self._groups.get(group_id)
            if group is not None:
                return group.size
            key = self._keys.get(group_id)
            return int(key is not None and self._entries[key].group_id == group_id)

    def begin(self) -> None:
        """Start a batch that ``rollback`` can undo; the one before can no longer be."""
        with self._lock:
            self._undo = UndoLog(self, ("_next_key", "_newest", "_horizon"))

    def rollback(self) -> bool:
        """Forget what was added since ``begin`` and put back the groups it joined and the
        mentions it pushed out of the window; False if no batch was begun."""
        with self._lock:
            undo, self._undo = self._undo, None
            if undo is None:
                return False
            for table, key, was in undo.changes():
                if table is not self._entries:
                    continue
                now = table.get(key)
                if now is not None and now.sketch is not None:
                    self._backend.remove(key)  # added by the batch
                if was is not MISSING and was.sketch is not None:
                    self._backend.insert(key, was.sketch)  # pushed out of the window by it
            undo.restore()
            self._heap = [(entry.published_at, key) for key, entry in self._entries.items()]
            heapq.heapify(self._heap)
            return True

    def _keep(self, table: dict[Any, Any], key: Hashable) -> None:
        if self._undo is not None:
            self._undo.keep(table, key, _copied if table is self._groups else None)

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
            self._next_key = key + 1
            group_id = doc_id if best_key is None else self._join(best_key, doc_id, published_at)
            self._keep(self._entries, key)
            self._keep(self._keys, doc_id)
            entry = self._entries[key] = _Entry(doc_id, group_id, published_at, sketch, exact)
            self._keys[doc_id] = key
            if sketch is not None:
                self._backend.insert(key, sketch)
            elif exact is not None and exact not in self._exact:
                self._keep(self._exact, exact)
                self._exact[exact] = key
            heapq.heappush(self._heap, (published_at, key))
            if published_at > self._newest:
                self._newest = published_at
                self._horizon = published_at - self.config.window
            if self._heap[0][0] < self._horizon:
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
        entries = self._entries
        for key in self._backend.query(sketch):
            entry = entries.get(key)
            if entry is None or entry.sketch is None:
                continue
            sim = sketch.jaccard(entry.sketch)
            if sim > best_sim or (sim == best_sim and best_key is not None and key < best_key):
                best_key, best_sim = key, sim
        if best_sim < self.config.threshold:
            return None, best_sim
        return best_key, best_sim

    def _join(self, matched_key: int, doc_id: DocId, published_at: datetime) -> DocId:
        """Count a new mention into the group of the one it matched; return the group id."""
        matched = self._entries[matched_key]
        self._keep(self._groups, matched.group_id)
        group = self._groups.get(matched.group_id)
        if group is None:  # the matched mention was alone until now
            group = _Group(matched.doc_id, matched.published_at, 1, 1)
            self._groups[matched.group_id] = group
        group.size += 1
        group.live += 1
        if published_at < group.original_at:
            group.original_id, group.original_at = doc_id, published_at
        return matched.group_id

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
        horizon = self._horizon
        while self._heap and self._heap[0][0] < horizon:
            _, key = heapq.heappop(self._heap)
            self._keep(self._entries, key)
            entry = self._entries.pop(key)
            self._keep(self._keys, entry.doc_id)
            del self._keys[entry.doc_id]
            if entry.sketch is not None:
                self._backend.remove(key)
            elif entry.exact is not None and self._exact.get(entry.exact) == key:
                self._keep(self._exact, entry.exact)
                del self._exact[entry.exact]
            group = self._groups.get(entry.group_id)
            if group is not None:
                self._keep(self._groups, entry.group_id)
                group.live -= 1
                if group.live == 0:
                    del self._groups[entry.group_id]


def _copied(group: _Group) -> _Group:
    return _Group(group.original_id, group.original_at, group.size, group.live)


def _exact_key(text: str) -> str:
    folded = _NON_WORD_RE.sub("", _fold_width(text).lower())
    return hashlib.blake2b(folded.encode(), digest_size=12).hexdigest()
