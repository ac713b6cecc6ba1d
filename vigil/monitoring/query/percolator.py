"""Matching one document against every active query at once.

Each query is filed under the keys it cannot match without (see
:mod:`vigil.monitoring.query.keys`). All keys of all queries live in one
Aho-Corasick automaton; one pass over a document's canonical text finds the
keys present, and only the queries filed under them — the *candidates* — are
evaluated. Queries with no key at all (``NOT spam``, ``lang:en``) are always
evaluated.

Concurrency: readers never wait. ``add``/``remove`` edit the key index under a
lock and mark it stale; the next ``match`` that finds the lock free builds a
new immutable snapshot (automaton + candidate lists) and swaps it in with one
assignment. A reader sees the old snapshot or the new one, never a half-built
one; while someone else holds the lock it simply uses the previous snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from vigil.lib.text import fold
from vigil.monitoring.query.document import Document, PreparedDocument, prepare
from vigil.monitoring.query.keys import key_cost, requirements, set_cost
from vigil.monitoring.query.matching import MatchResult, Query, explain, parse

__all__ = ["Percolator"]


class _Entry:
    """One filed query. ``literals``/``checks`` change only under the writer lock;
    any value a reader sees is a valid set of necessary conditions.
    """

    __slots__ = (
        "channels",
        "checks",
        "exclude",
        "key",
        "langs",
        "literals",
        "mentions",
        "order",
        "query",
    )

    def __init__(
        self,
        key: Hashable,
        order: int,
        query: Query,
        exclude: Query | None,
        channels: frozenset[str],
        langs: frozenset[str],
        mentions: frozenset[str],
    ) -> None:
        self.key = key
        self.order = order
        self.query = query
        self.exclude = exclude
        self.channels = channels
        self.langs = langs
        self.mentions = mentions  # every key the query names, to learn which keys are common
        self.literals: frozenset[str] | None = None  # filed under these (None: always evaluated)
        self.checks: tuple[frozenset[str], ...] = ()  # and must hold one key of each of these

    def plausible(self, found: set[str]) -> bool:
        """False when a required key set has no key among those found: skip evaluating."""
        for keys in self.checks:  # noqa: SIM110 - a plain loop is faster on the hot path
            if keys.isdisjoint(found):
                return False
        return True

    def admits(self, doc: PreparedDocument) -> bool:
        """Channel and language filters, then the query, then the exclusion."""
        if self.channels and doc.channel not in self.channels:
            return False
        if self.langs and doc.lang not in self.langs and doc.lang.split("-")[0] not in self.langs:
            return False
        if not self.query.root.test(doc):
            return False
        return self.exclude is None or not self.exclude.root.test(doc)


def _all_literals(entry: _Entry) -> set[str]:
    found = set(entry.literals or ())
    for keys in entry.checks:
        found |= keys
    return found


@dataclass(frozen=True, slots=True)
class _Snapshot:
    automaton: Any  # ahocorasick.Automaton (untyped); value = the literal itself
    groups: dict[str, tuple[_Entry, ...]]  # literal → queries filed under it
    always: tuple[_Entry, ...]


_EMPTY = _Snapshot(None, {}, ())


def _as_query(query: str | Query) -> Query:
    return parse(query) if isinstance(query, str) else query


class Percolator:
    """Every active query compiled into one matcher; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Hashable, _Entry] = {}
        self._by_literal: dict[str, dict[Hashable, _Entry]] = {}
        self._always: dict[Hashable, _Entry] = {}
        self._literal_uses: dict[str, int] = {}  # literals filed or checked, for the automaton
        self._mentions: dict[str, int] = {}  # how many queries name each key
        self._order = 0
        self._refiled_at = 0  # query count at the last re-filing
        self._snapshot = _EMPTY
        self._stale = False

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def add(
        self,
        key: Hashable,
        query: str | Query,
        *,
        exclude: str | Query | None = None,
        channels: Collection[str] = (),
        langs: Collection[str] = (),
    ) -> None:
        """Add (or replace) the query filed as ``key``; raises QuerySyntaxError if bad."""
        parsed = _as_query(query)
        excluded = _as_query(exclude) if exclude is not None else None
        with self._lock:
            self._discard(key)
            self._order += 1
            entry = _Entry(
                key=key,
                order=self._order,
                query=parsed,
                exclude=excluded,
                channels=frozenset(fold(c.strip()) for c in channels),
                langs=frozenset(fold(lang.strip()).replace("_", "-") for lang in langs),
                mentions=frozenset(),
            )
            self._file(entry)
            self._stale = True

    def remove(self, key: Hashable) -> None:
        """Drop the query filed as ``key`` (no error if there is none)."""
        with self._lock:
            if self._discard(key):
                self._stale = True

    def _cost(self, literal: str) -> float:
        # A key many queries name is a generic word ("recall", "投诉"), likely in many posts.
        return key_cost(literal) * (1 + self._mentions.get(literal, 0))

    def _file(self, entry: _Entry) -> None:
        """Choose the entry's index keys with today's key statistics and index it."""
        needed = requirements(entry.query.root, self._cost)
        if not entry.mentions and needed:
            entry.mentions = frozenset().union(*needed)
            for literal in entry.mentions:
                self._mentions[literal] = self._mentions.get(literal, 0) + 1
        literals = min(needed, key=lambda keys: set_cost(keys, self._cost)) if needed else None
        entry.literals = literals
        entry.checks = tuple(keys for keys in needed if keys is not literals)
        self._entries[entry.key] = entry
        if literals is None:
            self._always[entry.key] = entry
        else:
            for literal in literals:
                self._by_literal.setdefault(literal, {})[entry.key] = entry
        for literal in _all_literals(entry):
            self._literal_uses[literal] = self._literal_uses.get(literal, 0) + 1

    def _unfile(self, entry: _Entry) -> None:
        self._always.pop(entry.key, None)
        for literal in entry.literals or ():
            group = self._by_literal[literal]
            del group[entry.key]
            if not group:
                del self._by_literal[literal]
        for literal in _all_literals(entry):
            uses = self._literal_uses[literal] - 1
            if uses:
                self._literal_uses[literal] = uses
            else:
                del self._literal_uses[literal]

    def _discard(self, key: Hashable) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        self._unfile(entry)
        for literal in entry.mentions:
            uses = self._mentions[literal] - 1
            if uses:
                self._mentions[literal] = uses
            else:
                del self._mentions[literal]
        return True

    def _refile_all(self) -> None:
        """Re-choose every query's keys once the statistics have changed a lot.

        Done when the number of queries has doubled (or halved) since the
        last time, so its cost is amortised over the adds that caused it.
        """
        for entry in list(self._entries.values()):
            self._unfile(entry)
            self._file(entry)
        self._refiled_at = len(self._entries)

    def rebuild(self) -> None:
        """Build the automaton now rather than on the next :meth:`match` (waits for writers)."""
        with self._lock:
            self._rebuild_if_stale()

    def _current(self) -> _Snapshot:
        """The newest snapshot; rebuilt first if stale and no writer holds the lock.

        A reader that finds the lock taken (a writer adding, or another reader
        rebuilding) goes on with the previous snapshot instead of waiting.
        """
        if self._stale and self._lock.acquire(blocking=False):
            try:
                self._rebuild_if_stale()
            finally:
                self._lock.release()
        return self._snapshot

    def _rebuild_if_stale(self) -> None:
        if not self._stale:
            return
        size = len(self._entries)
        if size > 2 * self._refiled_at or 2 * size < self._refiled_at:
            self._refile_all()
        self._snapshot = self._build()
        self._stale = False

    def _build(self) -> _Snapshot:
        automaton = ahocorasick.Automaton()
        for literal in self._literal_uses:
            automaton.add_word(literal, literal)
        if self._literal_uses:
            automaton.make_automaton()
        groups = {literal: tuple(group.values()) for literal, group in self._by_literal.items()}
        always = tuple(sorted(self._always.values(), key=lambda e: e.order))
        return _Snapshot(automaton if self._literal_uses else None, groups, always)

    def candidates(self, doc: PreparedDocument) -> list[Any]:
        """The entries worth evaluating on ``doc``, in the order they were added."""
        snapshot = self._current()
        found: dict[int, _Entry] = {}
        hit: set[str] = set()
        if snapshot.automaton is not None:
            groups = snapshot.groups
            hit = {literal for _end, literal in snapshot.automaton.iter(doc.haystack)}
            for literal in hit:
                for entry in groups.get(literal, ()):
                    if entry.order not in found and entry.plausible(hit):
                        found[entry.order] = entry
        for entry in snapshot.always:
            if entry.plausible(hit):
                found[entry.order] = entry
        return [found[order] for order in sorted(found)]

    def match(self, doc: Document | PreparedDocument) -> list[tuple[Hashable, MatchResult]]:
        """``(key, MatchResult)`` for every query ``doc`` matches, in the order added."""
        prepared = prepare(doc)
        return [
            (entry.key, explain(entry.query.root, prepared))
            for entry in self.candidates(prepared)
            if entry.admits(prepared)
        ]

    def match_keys(self, doc: Document | PreparedDocument) -> list[Hashable]:
        """Like :meth:`match` but only the keys (no highlights): the fast path."""
        prepared = prepare(doc)
        return [entry.key for entry in self.candidates(prepared) if entry.admits(prepared)]

    def match_naively(self, doc: Document | PreparedDocument) -> list[Hashable]:
        """Keys of matching queries found by evaluating every query: the reference path."""
        prepared = prepare(doc)
        with self._lock:
            entries = sorted(self._entries.values(), key=lambda e: e.order)
        return [entry.key for entry in entries if entry.admits(prepared)]
