"""Who reprinted whom within a story, and who published first (pure, no Django)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

__all__ = ["PropagationEdge", "first_mention", "propagation_path"]


class _Published(Protocol):
    """What the propagation path reads of a mention (``StoryMention`` has it)."""

    @property
    def mention_id(self) -> Hashable: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def source(self) -> str: ...
    @property
    def reprint_group(self) -> Hashable | None: ...
    @property
    def cited_source(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PropagationEdge:
    """``child`` reprinted ``parent`` at ``at`` (inferred from reprint group and time)."""

    parent: Hashable
    child: Hashable
    parent_source: str
    child_source: str
    at: datetime
    delay: timedelta


def propagation_path(mentions: Iterable[_Published]) -> list[PropagationEdge]:
    """Who reprinted whom, and when, from reprint groups and publication times.

    Within a reprint group the earliest mention is the original. A later member that
    cites a source ("来源：新华社", "via Reuters") hangs under the earliest earlier
    member from that source; otherwise under the original. Edges come out in time order.
    """
    groups: dict[Hashable, list[_Published]] = {}
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


_M = TypeVar("_M", bound=_Published)


def first_mention(mentions: Sequence[_M]) -> _M | None:
    """Who published first."""
    return min(mentions, key=lambda m: m.published_at, default=None)
