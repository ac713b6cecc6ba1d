"""A story as the clusterer keeps it, and the records clustering takes and gives.

The clustering itself is in ``vigil.analysis.stories``, which exports these names too.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

from vigil.analysis.keywords import extract_keywords
from vigil.analysis.propagation import PropagationEdge, propagation_path

__all__ = ["Story", "StoryAssignment", "StoryMention", "Vector", "dot"]

Vector = dict[str, float]
_K = TypeVar("_K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class StoryMention:
    """What clustering needs of a mention; ``cited_source`` is a "来源：X"/"via X" if parsed,
    ``topics`` the ids of the topics it matched, ``lang`` its language if known."""

    mention_id: Hashable
    text: str
    published_at: datetime
    source: str = ""
    title: str = ""
    reprint_group: Hashable | None = None
    cited_source: str | None = None
    topics: tuple[Hashable, ...] = ()
    lang: str = ""


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """Where a mention went; ``merged`` lists stories folded into ``story_id`` just now."""

    story_id: int
    is_new: bool
    similarity: float
    merged: tuple[int, ...] = ()


@dataclass
class Story:
    """A running story: its members (light records), hourly counts, and what it is about."""

    story_id: int
    first_seen: datetime
    last_seen: datetime
    centroid: Vector = field(default_factory=dict)
    mentions: list[StoryMention] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)
    hourly: Counter[datetime] = field(default_factory=Counter)
    topics: Counter[Hashable] = field(default_factory=Counter)  # originals per topic
    languages: Counter[str] = field(default_factory=Counter)
    originals: int = 0  # members that are not reprints of another member
    _members: dict[int, tuple[StoryMention, Vector]] = field(default_factory=dict)
    _postings: dict[str, dict[int, float]] = field(default_factory=dict)
    _next_slot: int = 0
    _title_from: list[tuple[StoryMention, Vector]] = field(default_factory=list)
    _norm: float = 0.0

    @property
    def size(self) -> int:
        return len(self.mentions)

    @property
    def language(self) -> str:
        return self.languages.most_common(1)[0][0] if self.languages else ""

    def title(self) -> str:
        """The title (or text opening) of an early member closest to the centroid."""
        best, best_sim = None, -1.0
        for mention, vec in self._title_from:
            sim = dot(vec, self.centroid)
            if sim > best_sim:
                best, best_sim = mention, sim
        if best is None:
            return ""
        return best.title or _opening(best.text)

    def top_terms(self, k: int = 8) -> list[str]:
        """What the story is about, in words: keywords of its titles and openings."""
        text = "\n".join(m.title or _lead(m.text) for m in self.mentions[-50:])
        words = [t for t, _ in extract_keywords(text, top_k=k)]
        return words or [t for t, _ in sorted(self.centroid.items(), key=lambda kv: -kv[1])[:k]]

    def per_hour(self) -> list[tuple[datetime, int]]:
        """Mentions per UTC hour, oldest first, with empty hours filled in."""
        if not self.hourly:
            return []
        start, end = min(self.hourly), max(self.hourly)
        hours = int((end - start) / timedelta(hours=1)) + 1
        return [
            (start + timedelta(hours=h), self.hourly.get(start + timedelta(hours=h), 0))
            for h in range(hours)
        ]

    def growth_per_hour(self, now: datetime) -> tuple[int, int]:
        """(mentions in the last hour, change against the hour before)."""
        last = sum(1 for m in self.mentions if now - timedelta(hours=1) < m.published_at <= now)
        prev = sum(
            1
            for m in self.mentions
            if now - timedelta(hours=2) < m.published_at <= now - timedelta(hours=1)
        )
        return last, last - prev

    def propagation(self) -> list[PropagationEdge]:
        return propagation_path(self.mentions)

    def nearest(self, vec: Vector) -> float:
        """Cosine of ``vec`` with the most similar kept member."""
        sums: dict[int, float] = defaultdict(float)
        for term, weight in vec.items():
            for slot, w in self._postings.get(term, {}).items():
                sums[slot] += weight * w
        return max(sums.values(), default=0.0)

    def coherence(self, vec: Vector) -> float:
        """Cosine of ``vec`` with the centroid: how much it resembles the story as a whole."""
        return dot(vec, self.centroid) / self._norm if self._norm else 0.0

    def copy(self) -> Story:
        """The story as it is now, to put back if a batch is undone (its postings are
        rebuilt from the kept members then)."""
        return replace(
            self,
            centroid=dict(self.centroid),
            mentions=list(self.mentions),
            sources=Counter(self.sources),
            hourly=Counter(self.hourly),
            topics=Counter(self.topics),
            languages=Counter(self.languages),
            _members=dict(self._members),
            _postings={},
            _title_from=list(self._title_from),
        )


def dot(a: dict[_K, float], b: dict[_K, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _opening(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BREAK = re.compile(r"[\s。！？；，、.!?;,]")


def _lead(text: str, limit: int = 200) -> str:
    """The start of a text for keywords, cut where a word or clause ends (an opening cut
    mid-word gave keywords such as "proc" from "process")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = max((m.start() for m in _BREAK.finditer(text, 0, limit + 1)), default=-1)
    return text[:cut] if cut > limit // 2 else text[:limit]
