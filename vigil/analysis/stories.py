"""Online clustering of mentions into stories (events).

A mention becomes a TF-IDF vector of content words (jieba words for Chinese, with the
names the plans register; English words and two-word phrases; Weibo #话题# whole). It
joins the best-scoring story, or starts one below ``threshold``. What each choice is for
(figures in docs/analysis.md, measured with ``vigil eval stories``):

- **Words, not character pairs**: most Chinese character bigrams straddle two words
  ("天我", "了测"), and their rarity gave them the largest weights.
- **Document frequency counts a reprint group once**: a post reposted a hundred times
  otherwise makes its own story's words look common just as the story grows.
- **A mention with topics only joins stories of its broadest topic** (the brand, usually):
  a word such as "recall" or "regulator" does not make two brands' stories one.
- **Nearest member, not centroid**: the centroid of a big, varied story spreads over
  thousands of terms, so a new post resembled it less as it grew and a developing story
  split into dozens. A story scores as its most similar recent member, discounted by how
  long the story has been quiet (half-life), provided the post also resembles the story
  as a whole a little (``coherence``), so chains of look-alikes do not grow without end.
- **Reprints short-cut the vote**: a mention whose reprint group sits in a story joins it.
- **Languages**: posts in two languages share almost no words. Two stories in different
  languages that run at the same time and are about the same watched things (their topic
  profiles agree) are merged into the older; ``StoryAssignment.merged`` names the absorbed
  ones so stored rows can follow.

Candidate stories come from an inverted index over their kept members' terms, so the
cost per mention depends on how many stories share its words, not on how many exist.
Thread-safe; stories idle longer than ``max_idle`` leave the index (``expire``). What a
batch changes can be undone (``begin``, ``rollback``) when the database transaction it
was written in rolls back: memory must not hold stories, members or merges the database
never got.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from vigil.analysis.keywords import terms
from vigil.analysis.propagation import PropagationEdge, first_mention, propagation_path
from vigil.analysis.story import Story, StoryAssignment, StoryMention, Vector, dot
from vigil.lib.undo import MISSING, UndoLog

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

_HASHTAG_RE = re.compile(r"#([^#\s]{1,40})#")
_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_CENTROID_TERMS = 120
_QUERY_TERMS = 12
_CANDIDATES = 25
_KEPT_MEMBERS = 200  # recent originals a new mention is compared with
_TITLE_MEMBERS = 60  # the first originals, from which the title is chosen

Profile = dict[Hashable, float]
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


def vectorise(text: str, idf: dict[str, float] | None = None) -> Vector:
    """L2-normalised TF-IDF vector of ``text`` (content words and #话题#)."""
    counts = _features(text)
    vec = {t: (1 + math.log(n)) * (idf.get(t, 1.0) if idf else 1.0) for t, n in counts.items()}
    return _normalised(vec)


def _features(text: str) -> Counter[str]:
    counts: Counter[str] = Counter(terms(text))
    counts.update("#" + tag.lower() for tag in _HASHTAG_RE.findall(text))
    return counts


class StoryClusterer:
    """Assigns mentions to stories as they arrive (published order is not required)."""

    def __init__(
        self,
        threshold: float = 0.15,
        coherence: float = 0.08,
        half_life: timedelta = timedelta(hours=24),
        max_idle: timedelta = timedelta(days=3),
        merge_profile: float = 0.7,
        merge_gap: timedelta = timedelta(hours=6),
    ) -> None:
        self.threshold = threshold
        self.coherence = coherence
        self.half_life = half_life
        self.max_idle = max_idle
        self.merge_profile = merge_profile
        self.merge_gap = merge_gap
        self.stories: dict[int, Story] = {}
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._topic_docs: Counter[Hashable] = Counter()
        self._with_topics = 0
        self._index: dict[str, set[int]] = {}
        self._by_topic: dict[Hashable, set[int]] = {}
        self._by_group: dict[Hashable, int] = {}
        self._next_id = 1
        self._lock = threading.Lock()
        self._newest: datetime | None = None
        self._undo: UndoLog | None = None  # what the current batch changed

    def add(self, mention: StoryMention, story_id: int | None = None) -> StoryAssignment:
        """Put ``mention`` in a story and return which one.

        With ``story_id``, the mention goes into that story (created if unknown) without a
        vote: a restarted process restores the stored clustering this way.
        """
        if mention.published_at.tzinfo is None:
            raise ValueError("published_at must be timezone-aware")
        raw = _features(f"{mention.title} {mention.text}")
        with self._lock:
            group = mention.reprint_group
            known = self._by_group.get(group) if group is not None else None
            original = known is None or known not in self.stories
            if original:
                self._count(raw, mention.topics)
            vec = self._weigh(raw)
            sim = 1.0
            if story_id is not None:
                target: int | None = story_id
            elif not original:
                target = known
            else:
                target, sim = self._best_story(mention, vec)
            is_new = target is None or target not in self.stories
            if target is None:
                target = self._next_id
            if is_new:
                self._keep_story(target)
                self.stories[target] = Story(target, mention.published_at, mention.published_at)
                self._next_id = max(self._next_id, target + 1)
                sim = 1.0
            story = self.stories[target]
            self._join(story, mention, vec if original else None)
            merged: tuple[int, ...] = ()
            if original and story_id is None:
                story, merged = self._merge_across_languages(story)
            if self._newest is None or mention.published_at > self._newest:
                self._newest = mention.published_at
            return StoryAssignment(story.story_id, is_new, round(sim, 4), merged)

    def expire(self, now: datetime | None = None) -> list[Story]:
        """Remove and return stories idle for longer than ``max_idle``."""
        with self._lock:
            now = now or self._newest or datetime.now(UTC)
            gone = [s for s in self.stories.values() if now - s.last_seen > self.max_idle]
            for story in gone:
                self._keep_story(story.story_id)
                self._forget(story)
                for group in {m.reprint_group for m in story.mentions} - {None}:
                    if self._by_group.get(group) == story.story_id:
                        self._keep(self._by_group, group)
                        del self._by_group[group]
            return gone

    # --- a batch that may be undone -------------------------------------------------------
    def begin(self) -> None:
        """Start a batch that ``rollback`` can undo; the one before can no longer be."""
        with self._lock:
            self._undo = UndoLog(self, ("_docs", "_with_topics", "_next_id", "_newest"))

    def rollback(self) -> bool:
        """Put stories, counts and indexes back as they were at ``begin`` (the batch's
        transaction rolled back); False if no batch was begun."""
        with self._lock:
            undo, self._undo = self._undo, None
            if undo is None:
                return False
            changed = [(sid, was) for table, sid, was in undo.changes() if table is self.stories]
            for sid, _ in changed:
                if sid in self.stories:
                    self._forget(self.stories[sid])
            undo.restore()
            for _, was in changed:
                if was is not MISSING:
                    self._index_story(was)
            return True

    def _keep(self, table: dict[_K, _V], key: _K, copy: Callable[[_V], _V] | None = None) -> None:
        if self._undo is not None:
            self._undo.keep(table, key, copy)

    def _keep_story(self, story_id: int) -> None:
        self._keep(self.stories, story_id, Story.copy)

    def _index_story(self, story: Story) -> None:
        """Index a story put back: its postings follow from its kept members."""
        for slot, (_, vec) in story._members.items():
            for term, w in vec.items():
                story._postings.setdefault(term, {})[slot] = w
        for term in story._postings:
            self._index.setdefault(term, set()).add(story.story_id)
        for topic in story.topics:
            self._by_topic.setdefault(topic, set()).add(story.story_id)

    # --- weighing -------------------------------------------------------------------------
    def _count(self, raw: Counter[str], topics: tuple[Hashable, ...]) -> None:
        if self._undo is not None:
            for term in raw:
                self._undo.keep(self._df, term)
            for topic in topics:
                self._undo.keep(self._topic_docs, topic)
        self._docs += 1
        self._df.update(raw.keys())
        if topics:
            self._with_topics += 1
        self._topic_docs.update(topics)

    def _broadest(self, topics: tuple[Hashable, ...]) -> Hashable | None:
        """The mention's broadest topic (most mentions so far): the stories it may join."""
        if not topics:
            return None
        return max(topics, key=lambda t: (self._topic_docs[t], str(t)))

    def _weigh(self, raw: Counter[str]) -> Vector:
        docs, df = self._docs, self._df
        vec = {
            t: (1 + math.log(n)) * (math.log((docs + 1) / (df[t] + 1)) + 1.0)
            for t, n in raw.items()
        }
        return _normalised(vec)

    # --- choosing a story -----------------------------------------------------------------
    def _best_story(self, mention: StoryMention, vec: Vector) -> tuple[int | None, float]:
        strongest = sorted(vec.items(), key=lambda kv: -kv[1])[:_QUERY_TERMS]
        votes: Counter[int] = Counter()
        for term, _ in strongest:
            votes.update(self._index.get(term, ()))
        best: int | None = None
        best_score = 0.0
        broadest = self._broadest(mention.topics)
        # Only stories sharing the most strong terms are worth comparing member by member.
        for sid, _ in votes.most_common(_CANDIDATES):
            story = self.stories[sid]
            if broadest is not None and story.topics and broadest not in story.topics:
                continue
            if story.coherence(vec) < self.coherence:
                continue
            # Time outside the story's span, on either side: a week-old post that a retro
            # search or an import brings in late is a week away from the story, not "now"
            # (a zh trial's fire story took in week-old routine posts, first seen 11-20).
            idle = max(
                timedelta(0),
                mention.published_at - story.last_seen,
                story.first_seen - mention.published_at,
            )
            score = story.nearest(vec) * 0.5 ** (idle / self.half_life)
            if score > best_score or (score == best_score and best is not None and sid < best):
                best, best_score = sid, score
        if best_score < self.threshold:
            return None, best_score
        return best, best_score

    def _join(self, story: Story, mention: StoryMention, vec: Vector | None) -> None:
        """Add a member; ``vec`` is None for a reprint of a member (counted, not compared)."""
        self._keep_story(story.story_id)
        story.mentions.append(mention)
        story.sources[mention.source] += 1
        story.hourly[_hour(mention.published_at)] += 1
        story.first_seen = min(story.first_seen, mention.published_at)
        story.last_seen = max(story.last_seen, mention.published_at)
        group = mention.reprint_group
        if group is not None and group not in self._by_group:
            self._keep(self._by_group, group)
            self._by_group[group] = story.story_id
        if vec is None:
            return
        story.originals += 1
        story.topics.update(mention.topics)
        for topic in mention.topics:
            self._by_topic.setdefault(topic, set()).add(story.story_id)
        story.languages[mention.lang or _script(mention.text)] += 1
        for term, w in vec.items():
            story.centroid[term] = story.centroid.get(term, 0.0) + w
        self._trim_centroid(story)
        if len(story._title_from) < _TITLE_MEMBERS:
            story._title_from.append((mention, vec))
        self._keep_member(story, mention, vec)

    def _keep_member(self, story: Story, mention: StoryMention, vec: Vector) -> None:
        slot = story._next_slot
        story._next_slot += 1
        story._members[slot] = (mention, vec)
        for term, w in vec.items():
            postings = story._postings.setdefault(term, {})
            if not postings:
                self._index.setdefault(term, set()).add(story.story_id)
            postings[slot] = w
        if len(story._members) > _KEPT_MEMBERS:
            oldest = next(iter(story._members))  # the first kept: members arrive in time order
            _, old_vec = story._members.pop(oldest)
            for term in old_vec:
                postings = story._postings[term]
                del postings[oldest]
                if not postings:
                    del story._postings[term]
                    self._unindex(term, story.story_id)

    @staticmethod
    def _trim_centroid(story: Story) -> None:
        if len(story.centroid) > 2 * _CENTROID_TERMS:
            ranked = sorted(story.centroid.items(), key=lambda kv: -kv[1])
            story.centroid = dict(ranked[:_CENTROID_TERMS])
        story._norm = math.sqrt(sum(v * v for v in story.centroid.values()))

    def _unindex(self, term: str, story_id: int) -> None:
        ids = self._index.get(term)
        if ids is not None:
            ids.discard(story_id)
            if not ids:
                del self._index[term]

    def _forget(self, story: Story) -> None:
        """Take ``story`` out of the indexes and the story table."""
        del self.stories[story.story_id]
        for term in story._postings:
            self._unindex(term, story.story_id)
        for topic in story.topics:
            ids = self._by_topic.get(topic)
            if ids is not None:
                ids.discard(story.story_id)
                if not ids:
                    del self._by_topic[topic]

    # --- one story in two languages -------------------------------------------------------
    def _profile(self, story: Story) -> Profile:
        """Share of the story's originals per topic, weighted by how specific the topic is
        (a topic every mention matches, such as the brand, weighs nothing)."""
        total = self._with_topics
        profile = {
            topic: n / story.originals * math.log(total / self._topic_docs[topic])
            for topic, n in story.topics.items()
            if self._topic_docs[topic]
        }
        return _normalised({t: w for t, w in profile.items() if w > 0})

    def _merge_across_languages(self, story: Story) -> tuple[Story, tuple[int, ...]]:
        """Fold ``story`` and a concurrent story in another language about the same watched
        things into the older of the two; return the survivor and the absorbed ids."""
        # Checked as the story doubles (2, 4, 8 … originals): its profile has moved by then,
        # and checking on every mention of a big story cost more than the rest of clustering.
        if story.originals < 2 or story.originals & (story.originals - 1):
            return story, ()
        candidates: list[Story] = []
        for sid in sorted(
            set().union(*(self._by_topic[t] for t in story.topics)) - {story.story_id}
        ):
            other = self.stories[sid]
            gap = max(story.first_seen - other.last_seen, other.first_seen - story.last_seen)
            if gap <= self.merge_gap and other.originals >= 2 and other.language != story.language:
                candidates.append(other)
        profile = self._profile(story) if candidates else {}
        best: Story | None = None
        best_score = self.merge_profile
        for other in candidates if profile else []:
            score = dot(profile, self._profile(other))
            if score >= best_score:
                best, best_score = other, score
        if best is None:
            return story, ()
        keep, gone = sorted((story, best), key=lambda s: (s.first_seen, s.story_id))
        self._absorb(keep, gone)
        return keep, (gone.story_id,)

    def _absorb(self, keep: Story, gone: Story) -> None:
        self._keep_story(keep.story_id)
        self._keep_story(gone.story_id)
        self._forget(gone)
        for term in keep._postings:
            self._unindex(term, keep.story_id)
        keep.mentions.extend(gone.mentions)
        keep.sources.update(gone.sources)
        keep.hourly.update(gone.hourly)
        keep.topics.update(gone.topics)
        keep.languages.update(gone.languages)
        keep.originals += gone.originals
        keep.first_seen = min(keep.first_seen, gone.first_seen)
        keep.last_seen = max(keep.last_seen, gone.last_seen)
        for term, w in gone.centroid.items():
            keep.centroid[term] = keep.centroid.get(term, 0.0) + w
        self._trim_centroid(keep)
        both = sorted(keep._title_from + gone._title_from, key=lambda mv: mv[0].published_at)
        keep._title_from = both[:_TITLE_MEMBERS]
        members = sorted(
            [*keep._members.values(), *gone._members.values()], key=lambda mv: mv[0].published_at
        )
        keep._members, keep._postings, keep._next_slot = {}, {}, 0
        for mention, vec in members[-_KEPT_MEMBERS:]:
            self._keep_member(keep, mention, vec)
        for topic in keep.topics:
            self._by_topic.setdefault(topic, set()).add(keep.story_id)
        for m in gone.mentions:
            if m.reprint_group is not None and self._by_group.get(m.reprint_group) == gone.story_id:
                self._keep(self._by_group, m.reprint_group)
                self._by_group[m.reprint_group] = keep.story_id


def _normalised(vec: dict[_K, float]) -> dict[_K, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _script(text: str) -> str:
    """A language stand-in when none is given: Chinese characters or not."""
    return "zh" if len(_CJK_RE.findall(text)) * 3 >= len(text.strip()) else "latin"
