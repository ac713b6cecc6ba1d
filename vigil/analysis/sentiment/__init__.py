"""Sentiment of mentions in English and Chinese, overall and toward a matched topic.

Start here: :func:`score_sentiment` for one text, :func:`score_sentiments` for a batch,
and the ``_toward`` forms for sentiment toward a topic whose terms matched at given
character spans. Models ship in ``vigil/analysis/models`` and load once per process;
see docs/sentiment.md for how they were trained and measured.
"""

from __future__ import annotations

from collections.abc import Sequence

from vigil.analysis.sentiment.scorer import (
    FAST_LANGUAGES,
    Label,
    Path_,
    SentimentResult,
    score_many,
)
from vigil.analysis.sentiment.targeted import topic_window

__all__ = [
    "FAST_LANGUAGES",
    "Label",
    "SentimentResult",
    "score_sentiment",
    "score_sentiment_toward",
    "score_sentiments",
    "score_sentiments_toward",
]


def score_sentiment(text: str, lang: str | None = None, path: Path_ = "fast") -> SentimentResult:
    """Sentiment of the whole text; ``lang`` is identified when not given."""
    return score_many([text], [lang], path)[0]


def score_sentiments(
    texts: Sequence[str], langs: Sequence[str | None] | None = None, path: Path_ = "fast"
) -> list[SentimentResult]:
    """Batch form of :func:`score_sentiment` (faster per text)."""
    return score_many(texts, langs, path)


def score_sentiment_toward(
    text: str,
    spans: list[tuple[int, int]],
    lang: str | None = None,
    path: Path_ = "fast",
    others: list[tuple[int, int]] | None = None,
) -> SentimentResult:
    """Sentiment toward a topic matched at ``spans``, read from the sentences about it.

    ``others``: spans of other topics matched in the text (they bound this topic's
    sentences). The language is taken from the whole text, so a short clause is not
    misidentified.
    """
    return score_sentiments_toward([(text, spans, others or [])], [lang], path)[0]


def score_sentiments_toward(
    items: Sequence[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]],
    langs: Sequence[str | None] | None = None,
    path: Path_ = "fast",
) -> list[SentimentResult]:
    """Batch form of :func:`score_sentiment_toward`: (text, spans, other topics' spans)."""
    from vigil.analysis.langid import identify_language

    given = langs or [None] * len(items)
    resolved: list[str | None] = [
        lang or identify_language(text) for (text, _, _), lang in zip(items, given, strict=True)
    ]
    windows = [topic_window(text, spans, others) for text, spans, others in items]
    return score_many(windows, resolved, path)
