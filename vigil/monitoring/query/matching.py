"""Queries as users hold them: parse once, match many documents, explain the match."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.monitoring.query.document import Document, PreparedDocument, prepare
from vigil.monitoring.query.nodes import Node, Spans
from vigil.monitoring.query.parser import parse_tree

__all__ = ["MatchResult", "Query", "naive_match", "parse"]


@dataclass(slots=True)
class MatchResult:
    """Why a document matched: the matched words and where they are, for highlighting.

    ``terms`` are the document's own words (``recalled`` for ``recall*``), in
    order of appearance; ``spans`` maps a field to ``(start, end)`` character
    offsets in that field's text.
    """

    terms: list[str] = field(default_factory=list)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


class Query:
    """A parsed query. Build with :func:`parse`."""

    __slots__ = ("root", "source")

    def __init__(self, root: Node, source: str = "") -> None:
        self.root = root
        self.source = source

    def to_string(self) -> str:
        """The canonical parsed form (explicit operators, folded terms, minimal parentheses)."""
        return self.root.render()

    def __repr__(self) -> str:
        return f"Query({self.to_string()!r})"

    def test(self, doc: Document | PreparedDocument) -> bool:
        """True when ``doc`` matches, without working out highlights."""
        return self.root.test(prepare(doc))

    def match(self, doc: Document | PreparedDocument) -> MatchResult | None:
        """A :class:`MatchResult` when ``doc`` matches, else ``None``."""
        prepared = prepare(doc)
        if not self.root.test(prepared):
            return None
        return explain(self.root, prepared)


def explain(root: Node, doc: PreparedDocument) -> MatchResult:
    """Collect the words that made ``root`` match ``doc`` (call only when it does)."""
    token_spans: Spans = {}
    root.collect(doc, token_spans)
    result = MatchResult()
    seen: set[str] = set()
    found: list[tuple[int, int, str]] = []
    for name, spans in token_spans.items():
        full = doc.field(name).full
        merged: list[tuple[int, int]] = []
        for first, last in sorted(set(spans)):
            start, end = full.starts[first], full.ends[last]
            # Each term is its own word, even where two touch (爆炸 and 起火 in 爆炸起火):
            # the alert counts which of its words matched. Highlights merge them.
            found.append((start, end, full.source[start:end]))
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        result.spans[name] = merged
    for _start, _end, text in sorted(found):
        if text not in seen:
            seen.add(text)
            result.terms.append(text)
    return result


def parse(query: str) -> Query:
    """Parse ``query``; raises :class:`QuerySyntaxError` (and nothing else) when it is bad."""
    return Query(parse_tree(query), query)


def naive_match(query: str | Query, doc: Document | PreparedDocument) -> MatchResult | None:
    """Evaluate one query on one document with no index: the reference the percolator must equal."""
    if isinstance(query, str):
        query = parse(query)
    return query.match(doc)
