"""Online clustering of mentions into stories (events), and their propagation paths.

Each mention becomes a TF-IDF vector — English content words and two-word phrases,
Chinese character bigrams (no segmentation needed, robust to new names) — with IDF
learned online from everything seen so far. It joins the story whose centroid is most
similar once that similarity is discounted by how long the story has been quiet
(half-life decay), or starts a new story below the threshold. Reprints short-cut the
vote: a mention whose reprint group already sits in a story joins it.

Candidate stories are found through an inverted index over each centroid's strongest
terms, so the cost per mention depends on how many stories share its words, not on how
many stories exist. Thread-safe; stories idle longer than ``max_idle`` leave the index.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from vigil.analysis.keywords import english_terms, extract_keywords

__all__ = [
    "PropagationEdge",
    "Story",
    "StoryAssignment",
    "StoryClusterer",
    "StoryMention",
    "first_mention",
    "propagation_path",
    "vectorise",
]

_CJK_RUN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
_CENTROID_TERMS = 120
_QUERY_TERMS = 12
_INDEXED_TERMS = 40
_CANDIDATES = 25
_KEPT_VECTORS = 60


@dataclass(frozen=True, slots=True)
class StoryMention:
    """What clustering needs of a mention; ``cited_source`` is a "来源：X"/"via X" if parsed."""

    mention_id: Hashable
    text: str
    published_at: datetime
    source: str = ""
    title: str = ""
    reprint_group: Hashable | None = None
    cited_source: str | None = None
    topics: tuple[Hashable, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    story_id: int
    is_new: bool
    similarity: float


@dataclass(frozen=True, slots=True)
class PropagationEdge:
    """``child`` reprinted ``parent`` at ``at`` (inferred from reprint group and time)."""

    parent: Hashable
    child: Hashable
    parent_source: str
    child_source: str
    at: datetime
    delay: timedelta


@dataclass
class Story:
    """A running story: its centroid, members (light records) and hourly counts."""

    story_id: int
    first_seen: datetime
    last_seen: datetime
    centroid: dict[str, float] = field(default_factory=dict)
    mentions: list[StoryMention] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)
    hourly: Counter[datetime] = field(default_factory=Counter)
    _vectors: list[tuple[StoryMention, dict[str, float]]] = field(default_factory=list)
    _norm: float = 0.0
    _indexed: set[str] = field(default_factory=set)

    @property
    def size(self) -> int:
        return len(self.mentions)

    def title(self) -> str:
        """The member title (or text opening) closest to the centroid."""
        best, best_sim = None, -1.0
        for mention, vec in self._vectors:
            sim = _dot(vec, self.centroid)
            if sim > best_sim:
                best, best_sim = mention, sim
        if best is None:
            return ""
        return best.title or _opening(best.text)

    def top_terms(self, k: int = 8) -> list[str]:
        """What the story is about, in words: keywords of its titles and openings.

        The centroid's features are character pairs for Chinese (务公, 分服 …), good for
        clustering and meaningless to read, so the words come from the keyword extractor.
        """
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


def vectorise(text: str, idf: dict[str, float] | None = None) -> dict[str, float]:
    """L2-normalised TF-IDF vector: English words/phrases and Chinese character bigrams."""
    lowered = text.lower()
    counts: Counter[str] = Counter(english_terms(lowered))
    for run in _CJK_RUN_RE.findall(lowered):
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    vec = {t: (1 + math.log(n)) * (idf.get(t, 1.0) if idf else 1.0) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


class StoryClusterer:
    """Assigns mentions to stories as they arrive (published order is not required)."""

    def __init__(
        self,
        threshold: float = 0.3,
        half_life: timedelta = timedelta(hours=24),
        max_idle: timedelta = timedelta(days=3),
    ) -> None:
        self.threshold = threshold
        self.half_life = half_life
        self.max_idle = max_idle
        self.stories: dict[int, Story] = {}
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._index: dict[str, set[int]] = {}
        self._by_group: dict[Hashable, int] = {}
        self._next_id = 1
        self._lock = threading.Lock()
        self._newest: datetime | None = None

    def add(self, mention: StoryMention) -> StoryAssignment:
        """Put ``mention`` in a story and return which one."""
        if mention.published_at.tzinfo is None:
            raise ValueError("published_at must be timezone-aware")
        raw = vectorise(f"{mention.title} {mention.text}")
        with self._lock:
            self._docs += 1
            self._df.update(raw.keys())
            vec = self._weigh(raw)
            story_id, sim = self._best_story(mention, vec)
            is_new = story_id is None
            if story_id is None:
                story_id = self._next_id
                self._next_id += 1
                self.stories[story_id] = Story(story_id, mention.published_at, mention.published_at)
                sim = 1.0
            self._join(self.stories[story_id], mention, vec)
            if self._newest is None or mention.published_at > self._newest:
                self._newest = mention.published_at
            return StoryAssignment(story_id, is_new, round(sim, 4))

    def expire(self, now: datetime | None = None) -> list[Story]:
        """Remove and return stories idle for longer than ``max_idle``."""
        with self._lock:
            now = now or self._newest or datetime.now(UTC)
            gone = [s for s in self.stories.values() if now - s.last_seen > self.max_idle]
            for story in gone:
                del self.stories[story.story_id]
                for term in story._indexed:
                    ids = self._index.get(term)
                    if ids is not None:
                        ids.discard(story.story_id)
                        if not ids:
                            del self._index[term]
                for group in {m.reprint_group for m in story.mentions} - {None}:
                    if self._by_group.get(group) == story.story_id:
                        del self._by_group[group]
            return gone

    def _weigh(self, raw: dict[str, float]) -> dict[str, float]:
        n = self._docs
        vec = {t: w * (math.log((n + 1) / (self._df[t] + 1)) + 1.0) for t, w in raw.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {t: v / norm for t, v in vec.items()} if norm else {}

    def _best_story(self, mention: StoryMention, vec: dict[str, float]) -> tuple[int | None, float]:
        if mention.reprint_group is not None:
            known = self._by_group.get(mention.reprint_group)
            if known is not None and known in self.stories:
                return known, 1.0
        strongest = sorted(vec.items(), key=lambda kv: -kv[1])[:_QUERY_TERMS]
        votes: Counter[int] = Counter()
        for term, _ in strongest:
            votes.update(self._index.get(term, ()))
        # Only stories sharing the most strong terms are worth a full cosine.
        candidates = [sid for sid, _ in votes.most_common(_CANDIDATES)]
        best: int | None = None
        best_score = 0.0
        for sid in candidates:
            story = self.stories[sid]
            cos = _dot(vec, story.centroid) / story._norm if story._norm else 0.0
            idle = max(timedelta(0), mention.published_at - story.last_seen)
            score = cos * 0.5 ** (idle / self.half_life)
            if score > best_score or (score == best_score and best is not None and sid < best):
                best, best_score = sid, score
        if best_score < self.threshold:
            return None, best_score
        return best, best_score

    def _join(self, story: Story, mention: StoryMention, vec: dict[str, float]) -> None:
        story.mentions.append(mention)
        story.sources[mention.source] += 1
        story.hourly[
            mention.published_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        ] += 1
        story.first_seen = min(story.first_seen, mention.published_at)
        story.last_seen = max(story.last_seen, mention.published_at)
        if len(story._vectors) < _KEPT_VECTORS:
            story._vectors.append((mention, vec))
        old_terms = story._indexed
        for term, w in vec.items():
            story.centroid[term] = story.centroid.get(term, 0.0) + w
        ranked = sorted(story.centroid.items(), key=lambda kv: -kv[1])
        if len(ranked) > 2 * _CENTROID_TERMS:
            story.centroid = dict(ranked[:_CENTROID_TERMS])
        story._norm = math.sqrt(sum(v * v for v in story.centroid.values()))
        new_terms = {t for t, _ in ranked[:_INDEXED_TERMS]}
        story._indexed = new_terms
        for term in old_terms - new_terms:
            ids = self._index.get(term)
            if ids is not None:
                ids.discard(story.story_id)
        for term in new_terms - old_terms:
            self._index.setdefault(term, set()).add(story.story_id)
        if mention.reprint_group is not None:
            self._by_group.setdefault(mention.reprint_group, story.story_id)


def propagation_path(mentions: Iterable[StoryMention]) -> list[PropagationEdge]:
    """Who reprinted whom, and when, from reprint groups and publication times.

    Within a reprint group the earliest mention is the original. A later member that
    cites a source ("来源：新华社", "via Reuters") hangs under the earliest earlier
    member from that source; otherwise under the original. Edges come out in time order.
    """
    groups: dict[Hashable, list[StoryMention]] = {}
    for m in mentions:
        if m.reprint_group is not None:
            groups.setdefault(m.reprint_group, []).append(m)
    edges: list[PropagationEdge] = []
    for members in groups.values():
        members.sort(key=lambda m: (m.published_at, str(m.mention_id)))
        original = members[0]
        for i, child in enumerate(members[1:], 1):
            parent = original
            if child.cited_source:
                cited = child.cited_source.strip().lower()
                for earlier in members[:i]:
                    if earlier.source.strip().lower() == cited:
                        parent = earlier
                        break
            edges.append(
                PropagationEdge(
                    parent=parent.mention_id,
                    child=child.mention_id,
                    parent_source=parent.source,
                    child_source=child.source,
                    at=child.published_at,
                    delay=child.published_at - parent.published_at,
                )
            )
    edges.sort(key=lambda e: (e.at, str(e.child)))
    return edges


def first_mention(mentions: Sequence[StoryMention]) -> StoryMention | None:
    """Who published first."""
    return min(mentions, key=lambda m: m.published_at, default=None)


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
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
