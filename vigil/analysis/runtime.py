"""Process-wide analysis state: the reprint index, the story clusterer, the authority table.

Both indexes live in memory over a sliding window (3 days) and are warmed from the
database on first use, so a restarted process continues the same reprint groups and
stories. In scale mode each worker process has its own copy; stories found by
different workers are joined when their mentions are reprints of each other. The
clusterer's story ids are its own; ``story_rows`` maps them to stored Story pks.

Memory must say what the database says. An analysis batch writes its reprints and
stories in the pipeline batch's transaction; ``begin_batch`` answers how to undo what
the batch changed in memory, which the pipeline calls if that transaction rolls back
(otherwise a later mention could join a story row that was never committed, or a merge
that was rolled back would leave the absorbed stored story with nothing feeding it).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from vigil.analysis.dedup import ReprintIndex
from vigil.analysis.impact_tiers import AuthorityTable
from vigil.analysis.stories import StoryClusterer, StoryMention
from vigil.lib.undo import UndoLog

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(days=3)


@dataclass
class AnalysisRuntime:
    reprints: ReprintIndex
    stories: StoryClusterer
    authority: AuthorityTable
    story_rows: dict[int, int] = field(default_factory=dict)  # clusterer id -> Story pk
    lock: threading.Lock = field(default_factory=threading.Lock)
    _undo: UndoLog | None = field(default=None, init=False, repr=False)  # to story_rows
    _batches: int = field(default=0, init=False, repr=False)

    def begin_batch(self) -> Callable[[], None]:
        """Start a batch (under ``lock``); the answer undoes its changes to memory, for when
        its transaction rolls back. Only the latest batch can be undone: undoing an older
        one drops the whole state, to be warmed again from the database."""
        self.reprints.begin()
        self.stories.begin()
        self._undo = UndoLog(self)
        self._batches += 1
        batch = self._batches

        def undo() -> None:
            with self.lock:
                try:
                    undone = batch == self._batches and self._put_back()
                except Exception:
                    log.exception("could not put the analysis memory back after a rollback")
                    undone = False
                if not undone:  # a later batch began, or putting back failed: start afresh
                    _drop(self)

        return undo

    def _put_back(self) -> bool:
        undo, self._undo = self._undo, None
        if undo is None:
            return False
        undo.restore()
        reprints = self.reprints.rollback()
        stories = self.stories.rollback()
        return reprints and stories

    def set_row(self, story_id: int, row: int) -> None:
        """Record that clusterer story ``story_id`` is stored as Story ``row``."""
        if self._undo is not None:
            self._undo.keep(self.story_rows, story_id)
        self.story_rows[story_id] = row

    def drop_row(self, story_id: int) -> int | None:
        """Forget clusterer story ``story_id``'s row (merged, or out of memory); its pk."""
        if self._undo is not None:
            self._undo.keep(self.story_rows, story_id)
        return self.story_rows.pop(story_id, None)


_runtime: AnalysisRuntime | None = None
_build_lock = threading.Lock()


def authority_table() -> AuthorityTable:
    from vigil.analysis.models import SiteAuthority

    return AuthorityTable(overrides={a.domain: a.tier for a in SiteAuthority.objects.all()})


def runtime() -> AnalysisRuntime:
    """The process's analysis state, built and warmed on first use."""
    global _runtime
    with _build_lock:
        if _runtime is None:
            _runtime = _warm(AnalysisRuntime(ReprintIndex(), StoryClusterer(), authority_table()))
        return _runtime


def reset_runtime() -> None:
    """Forget the in-memory state (tests; after bulk deletes)."""
    global _runtime
    with _build_lock:
        _runtime = None


def _drop(state: AnalysisRuntime) -> None:
    """Forget ``state`` if it is still the process's: the next use warms a new one."""
    global _runtime
    with _build_lock:
        if _runtime is state:
            _runtime = None


def story_mention(mention: object, topics: tuple[int, ...] = (), lang: str = "") -> StoryMention:
    """The clusterer's view of a mention; ``topics`` are the ids of the topics it matched."""
    return StoryMention(
        mention_id=mention.pk,  # type: ignore[attr-defined]
        text=mention.text,  # type: ignore[attr-defined]
        title=mention.title,  # type: ignore[attr-defined]
        published_at=mention.published_at,  # type: ignore[attr-defined]
        source=mention.site,  # type: ignore[attr-defined]
        reprint_group=mention.reprint_group,  # type: ignore[attr-defined]
        topics=topics,
        lang=lang or mention.lang,  # type: ignore[attr-defined]
    )


def topics_of(mention_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The topics each mention matched, as the clusterer wants them."""
    from vigil.monitoring.models import Match

    pairs = Match.objects.filter(mention_id__in=mention_ids).values_list("mention_id", "topic_id")
    return topics_by_mention(pairs)


def topics_by_mention(pairs: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    """(mention id, topic id) pairs as each mention's sorted topic ids."""
    found: dict[int, list[int]] = {}
    for mention_id, topic_id in pairs:
        found.setdefault(mention_id, []).append(topic_id)
    return {mention_id: tuple(sorted(ids)) for mention_id, ids in found.items()}


def _warm(state: AnalysisRuntime) -> AnalysisRuntime:
    """Replay the window's mentions into both indexes; stories are restored as stored (the
    clusterer takes each mention into its stored story, keyed by the Story pk)."""
    from vigil.mentions.models import Mention

    since = timezone.now() - WINDOW
    recent = (
        Mention.objects.filter(published_at__gte=since, analysed_at__isnull=False)
        .only("id", "title", "text", "published_at", "site", "lang", "reprint_group", "story_id")
        .order_by("published_at", "id")
    )
    chunk: list[Any] = []
    for mention in recent.iterator(chunk_size=2000):
        chunk.append(mention)
        if len(chunk) == 2000:
            _replay(state, chunk)
            chunk = []
    _replay(state, chunk)
    return state


def _replay(state: AnalysisRuntime, mentions: list[Any]) -> None:
    topics = topics_of([m.pk for m in mentions if m.story_id])
    for mention in mentions:
        state.reprints.add(mention.pk, f"{mention.title}\n{mention.text}", mention.published_at)
        if mention.story_id:
            state.stories.add(
                story_mention(mention, topics.get(mention.pk, ())), story_id=mention.story_id
            )
            state.set_row(mention.story_id, mention.story_id)
