"""Keywords of a mention and hot words of a set of mentions.

Chinese is segmented with jieba (plus the brand and product names the monitoring plans
register through :func:`add_terms`); English is split on words with our stop-word list,
and adjacent content words also count as two-word phrases ("battery drain"). Keywords
of one text are TF-IDF against a :class:`Background` (jieba's shipped IDF table for
Chinese when there is none); hot words of a topic-period are the terms whose document
frequency rose most against a background period.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from vigil.analysis import segment

__all__ = [
    "Background",
    "HotWord",
    "add_terms",
    "english_terms",
    "extract_keywords",
    "hot_words",
    "terms",
]

_LATIN_WORD_RE = re.compile(r"[a-z][a-z0-9]*(?:['\-][a-z0-9]+)*")
_HAS_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_CJK_OR_ALNUM_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")
_lock = threading.Lock()
_stop_en: frozenset[str] | None = None
_stop_zh: frozenset[str] | None = None
_jieba_idf: dict[str, float] | None = None
_jieba_idf_median = 10.0
_phrases: dict[str, str] = {}  # lower-case Latin user term -> canonical form
_phrase_re: re.Pattern[str] | None = None
_cjk_names: dict[str, str] = {}  # lower-case CJK user term -> canonical form


def _read_words(name: str) -> frozenset[str]:
    text = resources.files("vigil.analysis.lexicons").joinpath(name).read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(w.replace("'", "") for w in line.split())
    return frozenset(words)


def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    global _stop_en, _stop_zh
    if _stop_en is None or _stop_zh is None:
        with _lock:
            _stop_en = _read_words("stopwords_en.txt")
            _stop_zh = _read_words("stopwords_zh.txt")
    return _stop_en, _stop_zh


def add_terms(words: Iterable[str], tag: str = "nz") -> int:
    """Register brand/product names so they come out whole; returns how many were new.

    Names with Chinese characters go to jieba's user dictionary; Latin names (which may
    hold spaces, like "Harbor Bank") are matched case-insensitively before splitting.
    """
    global _phrase_re
    cjk: list[str] = []
    new = 0
    with _lock:
        for raw in words:
            word = raw.strip()
            if not word:
                continue
            if _HAS_CJK_RE.search(word):
                # Text is lower-cased before cutting, so jieba learns both spellings.
                cjk.extend({word, word.lower()})
                _cjk_names[word.lower()] = word
            elif word.lower() not in _phrases:
                _phrases[word.lower()] = word
                new += 1
        if _phrases:
            alternatives = sorted(_phrases, key=len, reverse=True)
            _phrase_re = re.compile(
                r"(?<![a-z0-9])(" + "|".join(map(re.escape, alternatives)) + r")(?![a-z0-9])"
            )
    return new + segment.add_terms(cjk, tag=tag)


def terms(text: str, phrases: bool = True) -> list[str]:
    """Content terms of ``text`` in order: user names, Chinese words, English words.

    With ``phrases``, adjacent English content words are also emitted as "a b".
    """
    stop_en, stop_zh = _stopwords()
    lowered = text.lower()
    out: list[str] = []
    if _phrase_re is not None:
        for m in _phrase_re.finditer(lowered):
            out.append(_phrases[m.group(1)])
        lowered = _phrase_re.sub(" | ", lowered)
    if not _HAS_CJK_RE.search(lowered):
        return out + _english_terms(lowered, stop_en, phrases)
    previous: str | None = None
    for word in segment.cut(lowered):
        w = word.strip()
        if not w or not _CJK_OR_ALNUM_RE.search(w):
            previous = None
            continue
        if w in _cjk_names:
            out.append(_cjk_names[w])
            previous = None
        elif _HAS_CJK_RE.search(w):
            if len(w) >= 2 and w not in stop_zh:
                out.append(w)
            previous = None
        elif _LATIN_WORD_RE.fullmatch(w) and len(w) > 1 and w not in stop_en:
            out.append(w)
            if phrases and previous is not None:
                out.append(previous + " " + w)
            previous = w
        else:
            previous = None
    return out


def english_terms(text: str, phrases: bool = True) -> list[str]:
    """Lower-cased English content words (and two-word phrases) of ``text``, no jieba."""
    return _english_terms(text.lower(), _stopwords()[0], phrases)


def _english_terms(lowered: str, stop: frozenset[str], phrases: bool) -> list[str]:
    out: list[str] = []
    previous: str | None = None
    position = 0
    for m in _LATIN_WORD_RE.finditer(lowered):
        w = m.group().replace("'", "")
        gap = lowered[position : m.start()]
        position = m.end()
        if len(w) < 2 or w in stop or w.isdigit():
            previous = None
            continue
        out.append(w)
        if phrases and previous is not None and gap.strip() == "":
            out.append(previous + " " + w)
        previous = w
    return out


class Background:
    """Document frequencies of a reference set (earlier periods, other topics)."""

    def __init__(self) -> None:
        self.docs = 0
        self.df: Counter[str] = Counter()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Background:
        bg = cls()
        bg.add(texts)
        return bg

    def add(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add_terms(terms(text))

    def add_terms(self, doc_terms: Iterable[str]) -> None:
        self.docs += 1
        self.df.update(set(doc_terms))

    def idf(self, term: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(term, 0) + 1)) + 1.0


def _default_idf(term: str) -> float:
    global _jieba_idf, _jieba_idf_median
    if not _HAS_CJK_RE.search(term):
        return _jieba_idf_median
    if _jieba_idf is None:
        with _lock:
            if _jieba_idf is None:
                table: dict[str, float] = {}
                path = resources.files("jieba.analyse").joinpath("idf.txt")
                for line in path.read_text("utf-8").splitlines():
                    word, _, value = line.partition(" ")
                    if value:
                        table[word] = float(value)
                values = sorted(table.values())
                _jieba_idf_median = values[len(values) // 2]
                _jieba_idf = table
    return _jieba_idf.get(term, _jieba_idf_median)


def extract_keywords(
    text: str, top_k: int = 10, background: Background | None = None
) -> list[tuple[str, float]]:
    """The ``top_k`` terms of ``text`` by TF-IDF, with scores normalised to the best = 1."""
    counts = Counter(terms(text))
    if not counts:
        return []
    idf = background.idf if background is not None else _default_idf
    scored = {t: n * idf(t) * (1.2 if " " in t else 1.0) for t, n in counts.items()}
    best = max(scored.values())
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    return [(t, round(s / best, 4)) for t, s in ranked]


@dataclass(frozen=True, slots=True)
class HotWord:
    """A term that is hot in the focus set: how many mentions use it and how much more often."""

    term: str
    docs: int
    count: int
    share: float
    lift: float
    score: float


def hot_words(
    texts: Sequence[str] | Iterable[Sequence[str]],
    background: Background | None = None,
    top_k: int = 20,
    min_docs: int = 2,
) -> list[HotWord]:
    """Hot words of a topic-period: frequent here, and rarer in ``background``.

    ``texts`` are raw strings or already-extracted term lists. Score = documents using
    the term × log(lift), lift = smoothed share here / share in the background; without
    a background, the IDF within the set itself stands in (TF-IDF over the set).
    """
    doc_terms = [terms(t) if isinstance(t, str) else list(t) for t in texts]
    n = len(doc_terms)
    if n == 0:
        return []
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for dt in doc_terms:
        tf.update(dt)
        df.update(set(dt))
    out: list[HotWord] = []
    for term, d in df.items():
        if d < min_docs:
            continue
        share = d / n
        if background is not None and background.docs:
            base = (background.df.get(term, 0) + 0.5) / (background.docs + 1)
            lift = (d + 0.5) / (n + 1) / base
            score = d * math.log(lift) if lift > 1 else 0.0
        else:
            lift = 1.0
            score = tf[term] * _default_idf(term)
        if " " in term:
            score *= 1.2
        if score > 0:
            out.append(HotWord(term, d, tf[term], round(share, 4), round(lift, 3), round(score, 3)))
    out.sort(key=lambda h: (-h.score, h.term))
    return _drop_subsumed(out, top_k)


def _drop_subsumed(words: list[HotWord], top_k: int | None = None) -> list[HotWord]:
    """``words`` without single words nearly always used inside a kept phrase, in order;
    stops once ``top_k`` are kept."""
    # "battery" adds nothing next to "battery drain" when nearly every use is the phrase.
    # Each word's most-used phrase decides, so every candidate is looked up once (a topic's
    # thousands of phrases made the pairwise check cost seconds).
    widest: dict[str, int] = {}
    for phrase in words:
        if " " in phrase.term:
            for part in phrase.term.split():
                widest[part] = max(widest.get(part, 0), phrase.docs)
    keep: list[HotWord] = []
    for w in words:
        if top_k is not None and len(keep) >= top_k:
            break
        if " " not in w.term and widest.get(w.term, 0) >= 0.8 * w.docs:
            continue
        keep.append(w)
    return keep
