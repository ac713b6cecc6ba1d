"""Which literal strings a query cannot match without: the percolator's index keys.

A key is a substring of a document's canonical string (see
:func:`vigil.lib.text.canonical`): ``" apple "`` for a whole word, ``"华为"``
for contiguous characters, ``" recall"`` for ``recall*``. A query is filed
under a *set* of keys, at least one of which every matching document holds;
the set chosen is the cheapest — the least likely to occur — by a static
estimate (longer is rarer, a CJK character says more than a Latin letter).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from vigil.lib.text import is_cjk
from vigil.monitoring.query.document import value_key
from vigil.monitoring.query.nodes import ONE, STAR, And, Near, Node, Or, Slop, Term, Value

Cost = Callable[[str], float]

__all__ = ["key_cost", "required_keys", "requirements", "set_cost", "term_keys"]


_TERM_KEYS: dict[int, list[str]] = {}


def term_keys(term: Term) -> list[str]:
    """Every substring the canonical text must hold for ``term`` to match (cached)."""
    found = _TERM_KEYS.get(term.signature)
    if found is None:
        if len(_TERM_KEYS) > 200_000:
            _TERM_KEYS.clear()
        found = _TERM_KEYS[term.signature] = _term_keys(term)
    return found


def _term_keys(term: Term) -> list[str]:
    segments: list[str] = []
    current = ""
    tokens, cjk, glue, patterns = term.tokens, term.cjk, term.glue, term.patterns
    for k, token in enumerate(tokens):
        if k == 0:
            gap = "" if cjk[0] else " "
        elif cjk[k - 1] and cjk[k]:
            gap = ""
            if not glue[k]:  # the document may or may not write these two together
                segments.append(current)
                current = ""
        else:
            gap = " "
        if patterns is not None and patterns[k] is not None:
            if not cjk[k]:
                cut = min((i for i, c in enumerate(token) if c in (STAR, ONE)), default=0)
                current += gap + token[:cut]
            segments.append(current)
            return [s for s in segments if s.strip()]
        current += gap + token
    segments.append(current if cjk[-1] else current + " ")
    return [s for s in segments if s.strip()]


@lru_cache(maxsize=65536)
def key_cost(key: str) -> float:
    """Estimated chance that a document holds ``key`` (only the order matters)."""
    if key.startswith("\x01"):
        # a language or channel is shared by many documents, a site by few
        return 0.01 if key.startswith("\x01site=") else 0.5
    information = sum(3 if is_cjk(char) else 1 for char in key if char != " ")
    cost = 1.0 / max(1, information) ** 2
    if not key.endswith(" ") and not is_cjk(key[-1]):
        cost *= 2  # a word prefix matches more words
    return cost


def requirements(node: Node, cost: Cost = key_cost) -> list[frozenset[str]]:
    """Key sets that every match of ``node`` holds at least one key of, each.

    A conjunction of disjunctions: the percolator files a query under the
    cheapest set and checks the others against the keys found before it pays
    for an evaluation.
    """
    if isinstance(node, Term):
        keys = term_keys(node)
        return [frozenset([min(keys, key=cost)])] if keys else []
    if isinstance(node, Value):
        return [frozenset([value_key(node.field, node.value)])]
    if isinstance(node, Or):
        union: set[str] = set()
        for item in node.items:
            best = required_keys(item, cost)
            if best is None:
                return []
            union |= best
        return [frozenset(union)]
    if isinstance(node, And | Near | Slop):
        found: list[frozenset[str]] = []
        for child in node.children():
            found.extend(r for r in requirements(child, cost) if r not in found)
        return found
    return []  # NOT: nothing is required


def set_cost(keys: frozenset[str], cost: Cost = key_cost) -> float:
    """Estimated chance that a document holds any key of ``keys``."""
    return sum(map(cost, keys))


def required_keys(node: Node, cost: Cost = key_cost) -> frozenset[str] | None:
    """The cheapest key set every match of ``node`` holds one of; ``None`` if there is none."""
    options = requirements(node, cost)
    return min(options, key=lambda keys: set_cost(keys, cost)) if options else None
