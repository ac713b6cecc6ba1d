"""What alert rules read from the analysis stage, behind one small interface.

The analysis stage (sentiment, stories, impact, authority) fills fields on ``Mention``
and ``Match``; rules read them only through these functions, which use ``getattr`` so
they work before analysis lands (they return None) and after it. The lead connects
them to the analysis models; nothing else in the alerts app reads analysis fields.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "NEGATIVE",
    "authority_tier_of",
    "impact_of",
    "is_negative",
    "is_negative_label",
    "sentiment_of",
    "story_growth_per_hour",
    "story_id_of",
    "story_title",
]

NEGATIVE = "negative"
_NEGATIVE_LABELS = {"negative", "neg"}


def sentiment_of(mention: Any, match: Any = None) -> str | None:
    """The sentiment label toward the topic when the match has one, else the mention's
    (an analyst's correction first); None before analysis."""
    for source, attr in (
        (match, "sentiment"),
        (mention, "effective_sentiment"),
        (mention, "sentiment"),
    ):
        if source is None:
            continue
        value = getattr(source, attr, None)
        if value:
            return str(value)
    return None


def is_negative(mention: Any, match: Any = None) -> bool | None:
    """True/False once analysed, None when the sentiment is unknown."""
    return is_negative_label(sentiment_of(mention, match))


def is_negative_label(label: str | None) -> bool | None:
    """``is_negative`` for a label already read (a query's values, no model objects)."""
    if not label:
        return None
    return label.lower() in _NEGATIVE_LABELS


def story_id_of(mention: Any) -> int | None:
    value = getattr(mention, "story_id", None)
    return int(value) if value else None


def story_title(mention: Any) -> str | None:
    story = getattr(mention, "story", None) if story_id_of(mention) else None
    return str(getattr(story, "title", "") or "") or None


def story_growth_per_hour(mention: Any) -> int | None:
    """Mentions the mention's story gained in the last hour, or None without a story."""
    if story_id_of(mention) is None:
        return None
    story = getattr(mention, "story", None)
    value = getattr(story, "growth_per_hour", None)
    return int(value) if value is not None else None


def impact_of(mention: Any) -> float | None:
    value = getattr(mention, "impact", None)
    return float(value) if value is not None else None


def authority_tier_of(mention: Any) -> str | None:
    value = getattr(mention, "authority_tier", None)
    return str(value) if value else None
