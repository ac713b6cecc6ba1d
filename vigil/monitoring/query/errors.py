"""The one error the query language raises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["QuerySyntaxError"]


class QuerySyntaxError(Exception):
    """A query was refused; ``column`` (1-based) points at the offending spot.

    ``message`` is an English template with ``{name}`` fields filled from ``params``, marked
    for the catalogue at the raise site, so screens can say it in the reader's language
    (``localized``) while this pure package stays free of Django.
    """

    def __init__(self, message: str, column: int, **params: Any) -> None:
        self.template = message
        self.params = params
        self.message = message.format(**params) if params else message
        self.column = max(1, column)
        super().__init__(f"error at column {self.column}: {self.message}")

    def localized(self, gettext: Callable[[str], str]) -> str:
        """The error in the active language, e.g. ``gettext`` from django.utils.translation."""
        text = gettext(self.template)
        message = text.format(**self.params) if self.params else text
        return gettext("error at column {column}: {message}").format(
            column=self.column, message=message
        )
