"""People, organisations and places named in a mention.

Chinese: jieba's parts of speech (nr person, ns place, nt organisation), corrected by a
small gazetteer of companies jieba mis-tags (华为 comes out as a person) and by suffix
rules that glue 星澜科技 + 有限公司 into one organisation. English: capitalised
sequences (allowing "of", "&", "and" inside: "Bank of America"), classified by
organisation suffixes (Inc, Ltd, Bank, University …), gazetteers of places, well-known
organisations and given names, titles (Mr, CEO …) and "in <Capitalised>" for places.

Precision over recall: an English capitalised sequence nothing classifies is dropped,
not guessed. Expect roughly: organisations with a suffix or in the gazetteer and places
in the gazetteer are reliable; people are found when a title, a known given name or a
reporting verb ("said") points at them; unknown single-word brands are missed unless
the monitoring plan registers them (:func:`vigil.analysis.keywords.add_terms`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from vigil.analysis.entities.chinese import find_chinese
from vigil.analysis.entities.english import find_english
from vigil.analysis.entities.lexicon import HAS_CJK_RE, ORGANISATION, PERSON, PLACE

__all__ = ["ORGANISATION", "PERSON", "PLACE", "Entity", "extract_entities", "link_to_topics"]


@dataclass(frozen=True, slots=True)
class Entity:
    """A named person, organisation or place, with how often the text names it."""

    name: str
    kind: str
    count: int = 1


def extract_entities(text: str) -> list[Entity]:
    """Entities of ``text`` (any mix of Chinese and English), most-named first."""
    found: list[tuple[str, str]] = []
    if HAS_CJK_RE.search(text):
        found.extend(find_chinese(text))
    found.extend(find_english(text))
    counts: dict[tuple[str, str], int] = {}
    for name, kind in found:
        counts[(name, kind)] = counts.get((name, kind), 0) + 1
    order = {key: i for i, key in reversed(list(enumerate(found)))}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    return [Entity(name, kind, n) for (name, kind), n in ranked]


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def link_to_topics(
    entities: Iterable[Entity], topic_terms: Mapping[Hashable, Iterable[str]]
) -> dict[str, list[Hashable]]:
    """For each entity, the topics whose terms name it (equal, or one contains the other).

    ``topic_terms`` maps a topic id to its brand/product/person names (from the
    monitoring plan). Terms of one or two characters only match exactly.
    """
    folded = {topic: [_fold(t) for t in terms if t.strip()] for topic, terms in topic_terms.items()}
    out: dict[str, list[Hashable]] = {}
    for entity in entities:
        name = _fold(entity.name)
        hits = [
            topic
            for topic, terms in folded.items()
            if any(
                t == name or (len(t) > 2 and len(name) > 2 and (t in name or name in t))
                for t in terms
            )
        ]
        if hits:
            out[entity.name] = hits
    return out
