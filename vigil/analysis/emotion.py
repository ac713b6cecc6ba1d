"""Emotion of a mention: anger, fear, sadness, joy, surprise, disgust.

Lexicon-based on purpose: the lists in ``lexicons/`` are ours (written for Vigil, no
licence strings attached — NRC EmoLex and DUTIR forbid commercial redistribution), every
score can be explained by the words that produced it, and it runs at tens of thousands
of posts per second. English is read word by word with a short negation scope; Chinese
and emoji with an Aho-Corasick automaton that prefers the longest term, so 不满意 is not
read as 满意. A negated term is dropped, except negated joy ("not happy", 不开心), which
counts half towards sadness.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ahocorasick


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


__all__ = ["EMOTIONS", "EmotionHit", "EmotionLexicon", "EmotionResult", "score_emotion"]

EMOTIONS: tuple[str, ...] = ("anger", "fear", "sadness", "joy", "surprise", "disgust")

_LATIN_RE = re.compile(r"[A-Za-z]")
_EN_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;:,]")
_EN_NEGATORS = _words(
    "not no never without hardly barely nobody nothing neither nor cannot cant dont isnt "
    "wasnt arent werent doesnt didnt wont"
)
_EN_INTENSIFIERS = _words(
    "very so really extremely totally absolutely super incredibly completely utterly too "
    "truly deeply"
)
_EN_SCOPE = 3
_ZH_NEGATORS = "不没无未别莫勿"
_ZH_INTENSIFIERS = (
    "非常",
    "特别",
    "超级",
    "极其",
    "十分",
    "太",
    "很",
    "超",
    "巨",
    "贼",
    "真",
    "最",
    "好",
)
_ZH_STOP = re.compile(r"[，。！？；：、,.!?;:\s]")
_ZH_SCOPE = 4


@dataclass(frozen=True, slots=True)
class EmotionHit:
    """One lexicon term found in the text, for the "why" shown to analysts."""

    term: str
    emotion: str
    weight: float
    negated: bool


@dataclass(frozen=True, slots=True)
class EmotionResult:
    """Per-emotion evidence (raw weights), their shares, and the dominant emotion or None."""

    raw: dict[str, float]
    scores: dict[str, float]
    intensity: float
    dominant: str | None
    hits: tuple[EmotionHit, ...]


class EmotionLexicon:
    """English words plus a CJK/emoji automaton; load once per process, share across threads."""

    _default: EmotionLexicon | None = None
    _default_lock = threading.Lock()

    def __init__(
        self,
        english: Iterable[tuple[str, str, float]],
        cjk_and_emoji: Iterable[tuple[str, str, float]],
    ) -> None:
        self._en: dict[str, tuple[str, float]] = {}
        self._en_bigrams: dict[str, tuple[str, float]] = {}
        for term, emotion, weight in english:
            _check(term, emotion)
            target = self._en_bigrams if " " in term else self._en
            target[term.lower().replace("'", "")] = (emotion, weight)
        self._cjk = ahocorasick.Automaton()
        count = 0
        for term, emotion, weight in cjk_and_emoji:
            _check(term, emotion)
            self._cjk.add_word(term, (term, emotion, weight))
            count += 1
        if count:
            self._cjk.make_automaton()
        self._cjk_ready = count > 0

    @classmethod
    def default(cls) -> EmotionLexicon:
        """The shipped lexicons, loaded lazily once per process."""
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls(
                    _load("emotion_en.txt"),
                    [*_load("emotion_zh.txt"), *_load("emotion_emoji.txt")],
                )
            return cls._default

    def score(self, text: str) -> EmotionResult:
        """Score ``text`` in any mix of English, Chinese and emoji."""
        hits: list[EmotionHit] = []
        if _LATIN_RE.search(text):
            hits.extend(self._english_hits(text.lower().replace("’", "'")))
        if self._cjk_ready and not text.isascii():
            hits.extend(self._cjk_hits(text))
        return _result(hits)

    def _english_hits(self, text: str) -> list[EmotionHit]:
        tokens = [t.replace("'", "") for t in _EN_TOKEN_RE.findall(text)]
        hits: list[EmotionHit] = []
        i = 0
        while i < len(tokens):
            found = None
            if i + 1 < len(tokens):
                bigram = tokens[i] + " " + tokens[i + 1]
                if bigram in self._en_bigrams:
                    found, width = (bigram, self._en_bigrams[bigram]), 2
            if found is None and tokens[i] in self._en:
                found, width = (tokens[i], self._en[tokens[i]]), 1
            if found is None:
                i += 1
                continue
            term, (emotion, weight) = found
            negated, boosted = _english_context(tokens, i)
            hits.append(_hit(term, emotion, weight * (1.5 if boosted else 1.0), negated))
            i += width
        return hits

    def _cjk_hits(self, text: str) -> list[EmotionHit]:
        hits: list[EmotionHit] = []
        previous_end = -1
        for end, (term, emotion, weight) in self._cjk.iter_long(text):
            start = end - len(term) + 1
            # The scope stops at punctuation and at the previous term (没想到 居然).
            scope_start = max(previous_end + 1, start - _ZH_SCOPE)
            previous_end = end
            window = _ZH_STOP.split(text[scope_start:start])[-1]
            boosted = window.endswith(_ZH_INTENSIFIERS)
            window = window.replace("非常", "")
            negated = any(n in window for n in _ZH_NEGATORS) and not term.startswith("[")
            hits.append(_hit(term, emotion, weight * (1.5 if boosted else 1.0), negated))
        return hits


def score_emotion(text: str) -> EmotionResult:
    """Score ``text`` with the shipped lexicons."""
    return EmotionLexicon.default().score(text)


def _english_context(tokens: list[str], i: int) -> tuple[bool, bool]:
    negated = False
    boosted = i > 0 and tokens[i - 1] in _EN_INTENSIFIERS
    for j in range(i - 1, max(-1, i - 1 - _EN_SCOPE), -1):
        tok = tokens[j]
        if tok in ".!?;:," or tok == "but":
            break
        if tok in _EN_NEGATORS:
            negated = True
            break
    return negated, boosted


def _hit(term: str, emotion: str, weight: float, negated: bool) -> EmotionHit:
    return EmotionHit(term, emotion, weight, negated)


def _result(hits: list[EmotionHit]) -> EmotionResult:
    raw = dict.fromkeys(EMOTIONS, 0.0)
    for h in hits:
        if not h.negated:
            raw[h.emotion] += h.weight
        elif h.emotion == "joy":
            raw["sadness"] += h.weight / 2
    total = sum(raw.values())
    scores = {e: (v / total if total else 0.0) for e, v in raw.items()}
    ranked = sorted(raw.items(), key=lambda kv: kv[1], reverse=True)
    dominant: str | None = ranked[0][0]
    if ranked[0][1] < 1.0 or ranked[0][1] == ranked[1][1]:
        dominant = None
    return EmotionResult(
        raw=raw,
        scores=scores,
        intensity=round(1 - math.exp(-total / 4), 4),
        dominant=dominant,
        hits=tuple(hits),
    )


def _check(term: str, emotion: str) -> None:
    if emotion not in EMOTIONS:
        raise ValueError(f"unknown emotion {emotion!r} for term {term!r}")
    if not term.strip():
        raise ValueError("empty lexicon term")


def _load(name: str) -> list[tuple[str, str, float]]:
    rows: list[tuple[str, str, float]] = []
    text = resources.files("vigil.analysis.lexicons").joinpath(name).read_text("utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{name}:{n}: expected term<TAB>emotion<TAB>weight")
        rows.append((parts[0], parts[1], float(parts[2])))
    return rows
