"""The one error the query language raises."""

from __future__ import annotations

__all__ = ["QuerySyntaxError"]


class QuerySyntaxError(Exception):
    """A query was refused; ``column`` (1-based) points at the offending spot."""

    def __init__(self, message: str, column: int) -> None:
        self.message = message
        self.column = max(1, column)
        super().__init__(f"error at column {self.column}: {message}")
