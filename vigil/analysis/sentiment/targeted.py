"""Pick the part of a text that speaks about a matched topic.

One post can praise a competitor and attack us, so sentiment toward a topic is read
from the sentences holding its matched terms — narrowed to the clause when the
sentence turns on a contrast ("X is great, but Y…", "X很好，但是Y…") — and from the
sentences after them, up to the next sentence that names another topic: people name
the brand once and then say what they think ("Got the X kettle Monday. Lid cracked by
Thursday."). Measured on a toward-topic set in docs/sentiment.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["target_spans", "topic_window"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[.…])\s+")
#: "while" after "a"/"the" is time ("had it for a while now"), and 而 in 而且/从而/因而/进而
#: adds or concludes: a live review was cut to "I've had the Lumina air purifier for a".
_CONTRAST = re.compile(
    r"\b(?:but|however|whereas|(?<!\ba )(?<!\bthe )while|unlike|though|although|yet)\b"
    r"|但是|不过|可是|然而|(?<![从因进])而(?!且)|但|相比之下|相比|不像",
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


def topic_window(
    text: str,
    spans: Sequence[tuple[int, int]],
    others: Sequence[tuple[int, int]] = (),
) -> str:
    """The text about the topic matched at ``spans`` (character offsets).

    ``others`` are the spans of other topics matched in the same text: a sentence
    naming one of them ends the topic's run of sentences. Without spans, the whole text.
    """
    valid = _clipped(text, spans)
    if not valid:
        return text
    sentences = _segments(text, _SENTENCE_END)
    ours = _holding(sentences, valid)
    # A sentence where another topic matched on this topic's own words names the same thing
    # (the brand in "the Lumina purifier", also its product topic's): it is not another
    # topic's sentence, and the run goes on. A review read "In this video I put the Lumina
    # purifier through a few weeks of daily use." alone, and found it negative.
    clipped = _clipped(text, others)
    shared = _holding(sentences, [(s, e) for s, e in clipped if _overlaps(valid, s, e)])
    theirs = _holding(sentences, clipped) - shared
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
    # The sentences after a sentence naming only this topic speak about it, until the
    # next one that names a topic; a sentence naming two topics passes on to neither.
    for k in sorted(ours - theirs):
        for following in range(k + 1, len(sentences)):
            if following in ours or following in theirs:
                break
            chosen.add(sentences[following])
    return " ".join(text[a:b].strip() for a, b in _disjoint(chosen))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _clipped(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(max(0, s), min(len(text), e)) for s, e in spans if s < len(text) and e > s]


def _holding(sentences: list[tuple[int, int]], spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the sentences that hold any of ``spans``."""
    return {
        k for k, (a, b) in enumerate(sentences) for s, e in spans if a < max(e, s + 1) and s < b
    }


def _disjoint(ranges: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlaps merged (a clause inside a chosen sentence)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def target_spans(text: str, target: str) -> list[tuple[int, int]]:
    """Character spans of every occurrence of ``target`` (ignoring case), for evaluation sets."""
    if not target:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(target), text, re.IGNORECASE)]
