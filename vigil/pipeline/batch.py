"""What flows between pipeline stages: one batch of raw items and their mention drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from vigil.mentions.models import Mention
    from vigil.sources.models import RawItem


@dataclass
class MentionDraft:
    """A normalised item before it is stored; stages may fill or drop fields."""

    channel: str
    title: str
    text: str
    url: str
    canonical_url: str
    item_key: str
    content_key: str
    author: str
    author_handle: str
    author_followers: int | None
    site: str
    lang: str
    published_at: dt.datetime
    fetched_at: dt.datetime
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    views: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    search_text: str = ""


@dataclass
class Entry:
    """One raw item's way through a batch.

    ``draft`` is set by normalisation; ``duplicate_of`` when dedup finds the mention
    already stored, ``leader`` when an earlier entry of the batch is the same item; ``mention`` once stored (new or existing); ``error`` drops it.
    """

    raw: RawItem
    draft: MentionDraft | None = None
    duplicate_of: Mention | None = None
    leader: Entry | None = None  # an earlier entry of this batch that this one repeats
    mention: Mention | None = None
    is_new: bool = False
    error: str = ""


@dataclass
class Batch:
    entries: list[Entry]
    _undo: list[Callable[[], None]] = field(default_factory=list, init=False, repr=False)

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Have ``undo`` called if the batch's transaction rolls back: a stage that keeps
        state outside the database (analysis: reprints and stories in memory) puts it back.

        The pipeline's batch transaction is the outermost one where it runs; inside an
        outer transaction (a test's), a rollback of that outer one is not seen.
        """
        self._undo.append(undo)

    def rolled_back(self) -> None:
        """The transaction rolled back: undo, the latest stage first."""
        while self._undo:
            self._undo.pop()()

    def live(self) -> list[Entry]:
        """Entries still in play (normalised, not failed)."""
        return [e for e in self.entries if e.draft is not None and not e.error]

    def new_mentions(self) -> list[Mention]:
        """Mentions this batch created: what match, analyse and warn work on."""
        return [e.mention for e in self.entries if e.is_new and e.mention is not None]


class Stage(Protocol):
    """A pipeline stage: idempotent, runs inside the batch's transaction."""

    name: str

    def __call__(self, batch: Batch) -> None: ...
