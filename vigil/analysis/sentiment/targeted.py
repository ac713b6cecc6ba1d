"""Pick the part of a text that speaks about a matched topic.

One post can praise a competitor and attack us, so sentiment toward a topic is read
from the sentences holding its matched terms — narrowed to the clause when the
sentence turns on a contrast ("X is great, but Y…", "X很好，但是Y…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["topic_window"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[.…])\s+")
_CONTRAST = re.compile(
    r"\b(?:but|however|whereas|while|unlike|though|although|yet)\b|但是|不过|可是|然而|而|但|相比之下|相比|不像",
    re.IGNORECASE,
)


def _segments(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Half-open character ranges between the pattern's matches (the match opens the next one)."""
    bounds = [0]
    for m in pattern.finditer(text):
        if pattern is _CONTRAST:
            bounds.append(m.start())
        else:
            bounds.append(m.end())
    bounds.append(len(text))
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _containing(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b in ranges if a < max(end, start + 1) and start < b]


def topic_window(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text around ``spans`` (character offsets), or the whole text when there are none."""
    valid = [(max(0, s), min(len(text), e)) for s, e in spans if s < len(text) and e > s]
    if not valid:
        return text
    sentences = _segments(text, _SENTENCE_END)
    chosen: set[tuple[int, int]] = set()
    for start, end in valid:
        for sa, sb in _containing(sentences, start, end):
            sentence = text[sa:sb]
            clauses = [(sa + a, sa + b) for a, b in _segments(sentence, _CONTRAST)]
            inside = _containing(clauses, start, end)
            # A clause too short to carry an opinion (the bare name) falls back to its sentence.
            if len(clauses) > 1 and inside and sum(b - a for a, b in inside) >= 8:
                chosen.update(inside)
            else:
                chosen.add((sa, sb))
    return " ".join(text[a:b].strip() for a, b in sorted(chosen))
