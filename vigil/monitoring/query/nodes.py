"""The parsed form of a query: a small tree that prints and evaluates itself.

Leaves are :class:`Term` (words, phrases, CJK strings, wildcards, in some
fields) and :class:`Value` (``site:``, ``lang:``, ``channel:``). Positional
nodes (terms, OR-groups of them, NEAR, ``"…"~n``) also yield *spans* — token
ranges ``(first, last)`` within one field — which proximity needs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from vigil.monitoring.query.document import PreparedDocument, PreparedField

__all__ = ["DEFAULT_FIELDS", "And", "Near", "Node", "Not", "Or", "Slop", "Term", "Value"]

DEFAULT_FIELDS = ("title", "text")
STAR, ONE = "ǁ", "ǂ"  # how ``*`` and ``?`` live inside tokens (letters to the tokenizer)
_SHOW_WILDCARDS = str.maketrans({STAR: "*", ONE: "?"})
Span = tuple[int, int]
_SIGNATURES: dict[object, int] = {}
_NEXT_SIGNATURE = itertools.count()


def _signature_id(signature: object) -> int:
    """Equal terms share one small id, so a document's hit cache serves every query.

    Ids are never reused, so clearing the table (it only grows with distinct
    terms) costs cache sharing, never correctness.
    """
    found = _SIGNATURES.get(signature)
    if found is None:
        if len(_SIGNATURES) > 500_000:
            _SIGNATURES.clear()
        found = _SIGNATURES[signature] = next(_NEXT_SIGNATURE)
    return found


Spans = dict[str, list[Span]]

# Binding strength, for printing the fewest parentheses that keep the meaning.
_OR, _AND, _NOT, _NEAR, _ATOM = 1, 2, 3, 4, 5


class Node:
    """Base of every query node."""

    __slots__ = ()
    precedence = _ATOM

    def test(self, doc: PreparedDocument) -> bool:
        """True when the document satisfies this node."""
        raise NotImplementedError

    def render(self) -> str:
        """The canonical text of this node."""
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def collect(self, doc: PreparedDocument, out: Spans) -> None:
        """Add the token spans that made this (true) node match, for highlighting."""

    def wrap(self, child: Node, minimum: int) -> str:
        text = child.render()
        return f"({text})" if child.precedence < minimum else text

    def walk(self) -> Iterator[Node]:
        """This node and every node below it."""
        yield self
        for child in self.children():
            yield from child.walk()


class Positional(Node):
    """A node that can say *where* it matches, so NEAR can measure distances."""

    __slots__ = ()

    @property
    def fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def spans(self, doc: PreparedDocument, field: str) -> list[Span]:
        raise NotImplementedError

    def test(self, doc: PreparedDocument) -> bool:
        return any(self.spans(doc, field) for field in self.fields)

    def collect(self, doc: PreparedDocument, out: Spans) -> None:
        for child in self.children():
            if child.test(doc):
                child.collect(doc, out)


def _gap_text(prev_cjk: bool, cjk: bool, glued: bool) -> str:
    if glued:
        return ""
    # Between two CJK characters a space would mean "glued"; a comma keeps them apart.
    return "," if prev_cjk and cjk else " "


class Term(Positional):
    """Consecutive tokens (one word, a phrase, a CJK string), maybe with wildcards.

    ``glue[k]`` asks token ``k`` to follow token ``k-1`` with at most whitespace
    between (CJK characters written together); ``patterns[k]`` replaces an
    exact comparison when token ``k`` holds ``*`` or ``?``; ``raws`` is set for
    the case-sensitive ``{…}`` form.
    """

    __slots__ = ("_fields", "cjk", "glue", "marks", "patterns", "raws", "signature", "tokens")

    def __init__(
        self,
        fields: tuple[str, ...],
        tokens: tuple[str, ...],
        *,
        glue: tuple[bool, ...],
        cjk: tuple[bool, ...],
        marks: tuple[str, ...],
        raws: tuple[str, ...] | None = None,
        patterns: tuple[re.Pattern[str] | None, ...] | None = None,
    ) -> None:
        self._fields = fields
        self.tokens = tokens
        self.glue = glue
        self.cjk = cjk
        self.marks = marks
        self.raws = raws
        self.patterns = patterns
        signature = (
            tokens,
            glue,
            marks,
            raws,
            patterns is not None and tuple(p.pattern if p is not None else None for p in patterns),
        )
        self.signature = _signature_id(signature)

    @property
    def fields(self) -> tuple[str, ...]:
        return self._fields

    def body(self, space: str = " ") -> str:
        """The tokens as query text, ``space`` between words that are not glued."""
        shown = self.raws or self.tokens
        parts: list[str] = []
        for k, token in enumerate(shown):
            if k:
                gap = _gap_text(self.cjk[k - 1], self.cjk[k], self.glue[k])
                parts.append(space if gap == " " else gap)
            parts.append(self.marks[k] + token)
        return "".join(parts).translate(_SHOW_WILDCARDS)

    def render(self) -> str:
        text = self.body()
        if self.raws is not None:
            text = "{" + text + "}"
        elif len(self.tokens) > 1 and not all(self.glue[1:]):
            text = f'"{text}"'
        if self.fields != DEFAULT_FIELDS:
            return f"{self.fields[0]}:{text}"
        return text

    def test(self, doc: PreparedDocument) -> bool:
        for field in self._fields:  # noqa: SIM110 - a plain loop is faster on the hot path
            if self.spans(doc, field):
                return True
        return False

    def spans(self, doc: PreparedDocument, field: str) -> list[Span]:
        prepared = doc.field(field)
        found = prepared.hits.get(self.signature)
        if found is None:
            found = self._find(prepared)
            prepared.hits[self.signature] = found
        return found

    def collect(self, doc: PreparedDocument, out: Spans) -> None:
        for field in self.fields:
            spans = self.spans(doc, field)
            if spans:
                out.setdefault(field, []).extend(spans)

    def _find(self, prepared: PreparedField) -> list[Span]:
        texts = prepared.texts
        size = len(self.tokens)
        patterns = self.patterns
        if patterns is None or patterns[0] is None:
            starts: list[int] = prepared.index.get(self.tokens[0], [])
        else:
            first = patterns[0]
            starts = [p for p, text in enumerate(texts) if first.fullmatch(text)]
        found: list[Span] = []
        limit = len(texts) - size
        for start in starts:
            if start > limit:
                break
            if size > 1 and not self._rest_matches(prepared, start):
                continue
            if self.raws is not None and not self._case_matches(prepared, start):
                continue
            if any(
                mark and prepared.marks.get(start + k) != mark for k, mark in enumerate(self.marks)
            ):
                continue
            found.append((start, start + size - 1))
        return found

    def _rest_matches(self, prepared: PreparedField, start: int) -> bool:
        texts, glued, patterns = prepared.texts, prepared.glued, self.patterns
        for k in range(1, len(self.tokens)):
            text = texts[start + k]
            pattern = patterns[k] if patterns is not None else None
            if pattern is None:
                if text != self.tokens[k]:
                    return False
            elif not pattern.fullmatch(text):
                return False
            if self.glue[k] and not glued[start + k]:
                return False
        return True

    def _case_matches(self, prepared: PreparedField, start: int) -> bool:
        raws = prepared.full.raws
        assert self.raws is not None  # noqa: S101 - guarded by the caller
        for k, raw in enumerate(self.raws):
            pattern = self.patterns[k] if self.patterns is not None else None
            if pattern is None:
                if raws[start + k] != raw:
                    return False
            elif not re.fullmatch(pattern.pattern, raws[start + k]):
                return False
        return True


class Value(Node):
    """``site:``, ``lang:`` or ``channel:`` compared with the document's metadata."""

    __slots__ = ("field", "value")

    def __init__(self, field: str, value: str) -> None:
        self.field = field
        self.value = value

    def render(self) -> str:
        simple = re.fullmatch(r"[\w.\-]+", self.value) is not None
        return f"{self.field}:{self.value}" if simple else f'{self.field}:"{self.value}"'

    def test(self, doc: PreparedDocument) -> bool:
        if self.field == "site":
            host = doc.host
            return host == self.value or host.endswith("." + self.value)
        if self.field == "lang":
            lang = doc.lang
            return lang == self.value or lang.startswith(self.value + "-")
        return doc.channel == self.value


class Not(Node):
    """True when its child is not."""

    __slots__ = ("child",)
    precedence = _NOT

    def __init__(self, child: Node) -> None:
        self.child = child

    def children(self) -> tuple[Node, ...]:
        return (self.child,)

    def render(self) -> str:
        return "NOT " + self.wrap(self.child, _NOT)

    def test(self, doc: PreparedDocument) -> bool:
        return not self.child.test(doc)


class And(Node):
    """True when every child is."""

    __slots__ = ("items",)
    precedence = _AND

    def __init__(self, items: tuple[Node, ...]) -> None:
        self.items = items

    def children(self) -> tuple[Node, ...]:
        return self.items

    def render(self) -> str:
        return " AND ".join(self.wrap(item, _AND + 1) for item in self.items)

    def test(self, doc: PreparedDocument) -> bool:
        for item in self.items:  # noqa: SIM110 - a plain loop is faster on the hot path
            if not item.test(doc):
                return False
        return True

    def collect(self, doc: PreparedDocument, out: Spans) -> None:
        for item in self.items:
            item.collect(doc, out)


class Or(Positional):
    """True when any child is; positional when all its children are."""

    __slots__ = ("_fields", "items")
    precedence = _OR

    def __init__(self, items: tuple[Node, ...]) -> None:
        self.items = items
        fields: list[str] = []
        for item in items:
            if isinstance(item, Positional):
                fields.extend(f for f in item.fields if f not in fields)
        self._fields = tuple(fields)

    @property
    def fields(self) -> tuple[str, ...]:
        return self._fields

    def children(self) -> tuple[Node, ...]:
        return self.items

    def render(self) -> str:
        return " OR ".join(self.wrap(item, _OR + 1) for item in self.items)

    def test(self, doc: PreparedDocument) -> bool:
        for item in self.items:  # noqa: SIM110 - a plain loop is faster on the hot path
            if item.test(doc):
                return True
        return False

    def spans(self, doc: PreparedDocument, field: str) -> list[Span]:
        found: set[Span] = set()
        for item in self.items:
            if isinstance(item, Positional) and field in item.fields:
                found.update(item.spans(doc, field))
        return sorted(found)


def _within(first: Span, second: Span, distance: int) -> bool:
    """True when ``first`` ends before ``second`` starts with at most ``distance`` tokens between."""
    return first[1] < second[0] and second[0] - first[1] - 1 <= distance


class Near(Positional):
    """``a NEAR/n b`` (either order) or ``a ONEAR/n b`` (``a`` first)."""

    __slots__ = ("_fields", "distance", "left", "ordered", "right")
    precedence = _NEAR

    def __init__(self, left: Positional, right: Positional, distance: int, ordered: bool) -> None:
        self.left = left
        self.right = right
        self.distance = distance
        self.ordered = ordered
        self._fields = tuple(f for f in left.fields if f in right.fields)

    @property
    def fields(self) -> tuple[str, ...]:
        return self._fields

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def render(self) -> str:
        operator = "ONEAR" if self.ordered else "NEAR"
        left = self.wrap(self.left, _NEAR)
        right = self.wrap(self.right, _NEAR + 1)
        return f"{left} {operator}/{self.distance} {right}"

    def spans(self, doc: PreparedDocument, field: str) -> list[Span]:
        lefts = self.left.spans(doc, field)
        if not lefts:
            return []
        rights = self.right.spans(doc, field)
        found: set[Span] = set()
        for a in lefts:
            for b in rights:
                if _within(a, b, self.distance):
                    found.add((a[0], b[1]))
                elif not self.ordered and _within(b, a, self.distance):
                    found.add((b[0], a[1]))
        return sorted(found)


class Slop(Positional):
    """``"w1 w2 …"~n``: every part, in any order, with at most ``n`` other tokens in the window."""

    __slots__ = ("distance", "parts")

    def __init__(self, parts: tuple[Term, ...], distance: int) -> None:
        self.parts = parts
        self.distance = distance

    @property
    def fields(self) -> tuple[str, ...]:
        return self.parts[0].fields

    def children(self) -> tuple[Node, ...]:
        return self.parts

    def render(self) -> str:
        words = " ".join(part.body("-") for part in self.parts)
        prefix = "" if self.fields == DEFAULT_FIELDS else f"{self.fields[0]}:"
        return f'{prefix}"{words}"~{self.distance}'

    def spans(self, doc: PreparedDocument, field: str) -> list[Span]:
        options = [part.spans(doc, field) for part in self.parts]
        if not all(options):
            return []
        found: set[Span] = set()
        self._search(options, 0, [], found)
        return sorted(found)

    def _search(
        self, options: list[list[Span]], index: int, chosen: list[Span], found: set[Span]
    ) -> None:
        if chosen:
            low = min(s[0] for s in chosen)
            high = max(s[1] for s in chosen)
            covered = sum(s[1] - s[0] + 1 for s in chosen)
            remaining = sum(max(s[1] - s[0] + 1 for s in opts) for opts in options[index:])
            if (high - low + 1) - covered - remaining > self.distance:
                return  # the window can only grow; even perfect filling cannot help
            if index == len(options):
                found.add((low, high))
                return
        for span in options[index]:
            if any(span[0] <= s[1] and s[0] <= span[1] for s in chosen):
                continue
            chosen.append(span)
            self._search(options, index + 1, chosen, found)
            chosen.pop()
