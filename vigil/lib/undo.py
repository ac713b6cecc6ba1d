"""Put in-memory state back as it was when a unit of work began.

An in-memory index that a database transaction feeds must forget what the transaction
wrote if it rolls back. Copying the whole index for every transaction costs as much as
the index is big; an ``UndoLog`` keeps the before-image of each dict entry at its first
change instead (the caller says ``keep`` just before writing), so the cost follows what
the work changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Final, TypeVar

__all__ = ["MISSING", "UndoLog"]

MISSING: Final[Any] = object()  # the before-image of an entry that did not exist
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class UndoLog:
    """Before-images of ``owner``'s ``attrs`` (now) and of dict entries (at first change)."""

    def __init__(self, owner: object, attrs: Iterable[str] = ()) -> None:
        self._attrs = [(name, getattr(owner, name)) for name in attrs]
        self._owner = owner
        self._saved: dict[tuple[int, Hashable], tuple[dict[Any, Any], Hashable, Any]] = {}

    def keep(self, table: dict[_K, _V], key: _K, copy: Callable[[_V], _V] | None = None) -> None:
        """Remember ``table[key]`` before its first change; ``copy`` it if it changes in place."""
        mark = (id(table), key)
        if mark not in self._saved:
            before: Any = table.get(key, MISSING)
            if copy is not None and before is not MISSING:
                before = copy(before)
            self._saved[mark] = (table, key, before)

    def changes(self) -> Iterator[tuple[dict[Any, Any], Any, Any]]:
        """(table, key, before-image) of every entry kept."""
        return iter(list(self._saved.values()))

    def restore(self) -> None:
        """Put every kept entry and attribute back."""
        for table, key, before in self._saved.values():
            if before is MISSING:
                table.pop(key, None)
            else:
                table[key] = before
        for name, value in self._attrs:
            setattr(self._owner, name, value)
