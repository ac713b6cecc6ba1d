"""The monitoring query language: parse, match one document, or percolate many queries.

Start here::

    from vigil.monitoring.query import Document, Percolator, parse

    parse('(华为 OR Huawei) AND 降价 -二手').match(Document(text="华为Mate60降价了"))

Errors: :class:`QuerySyntaxError` is the only exception :func:`parse` raises;
it carries the message and the 1-based column. See ``docs/query-language.md``.
"""

from __future__ import annotations

from vigil.monitoring.query.document import Document, PreparedDocument, prepare
from vigil.monitoring.query.errors import QuerySyntaxError
from vigil.monitoring.query.matching import MatchResult, Query, naive_match, parse
from vigil.monitoring.query.percolator import Percolator

__all__ = [
    "Document",
    "MatchResult",
    "Percolator",
    "PreparedDocument",
    "Query",
    "QuerySyntaxError",
    "naive_match",
    "parse",
    "prepare",
]
