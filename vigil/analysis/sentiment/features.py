"""Turn a mention into sparse n-gram terms plus a few dense lexicon features.

The same code runs at training time and at scoring time, so a shipped model can
never disagree with the features it was trained on. English uses word 1–2-grams
with negation scope marked ("not_good"); Chinese uses character 1–3-grams, which
need no segmenter and carry local negation (不好) by themselves. Both add valence
sums from lexicons, with negation flipping, because the training corpora are too
small to learn every sentiment word from scratch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from vigil.analysis.sentiment.lexicons import (
    EMOJI_VALENCE,
    EN_BAD_NEWS,
    EN_GOOD_NEWS,
    EN_NEGATORS,
    EN_ROUTINE,
    ZH_BAD,
    ZH_GOOD,
    ZH_NEGATORS,
    ZH_ROUTINE,
    english_valence,
)

__all__ = ["DocFeatures", "extract_features", "normalise"]

_EN_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[!?]|[\U0001f300-\U0001faff\u2600-\u27bf]")
_CLAUSE_END = frozenset("!?")
_EN_CLAUSE_RE = re.compile(r"[.,;:!?()\"]|\s[-–—]\s")
_HAN_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ZH_OTHER_RE = re.compile(r"[a-z0-9]+|[!?！？]|[\U0001f300-\U0001faff\u2600-\u27bf]")
_ZH_CLAUSE_RE = re.compile(r"[。！？!?；;，,、…~～\n]")
_BUT_EN = frozenset({"but", "however", "yet", "though", "although"})
_BUT_ZH = ("但是", "但", "可是", "不过", "然而", "只是", "可")
_NEGATION_SCOPE = 3


def _saturate(x: float, k: float = 2.0) -> float:
    """Map an unbounded sum to (−1, 1) so long texts do not dominate."""
    return x / (abs(x) + k)


@dataclass(slots=True)
class DocFeatures:
    """Sparse binary terms (to be IDF-weighted and L2-normalised) and dense values."""

    terms: list[str] = field(default_factory=list)
    dense: dict[str, float] = field(default_factory=dict)


def normalise(text: str) -> str:
    """NFKC folds full-width forms (！, ＡＢＣ) into their ordinary shape; case is folded."""
    return unicodedata.normalize("NFKC", text).lower()


def _negated(token: str) -> bool:
    return token in EN_NEGATORS or token.endswith(("n't", "n’t"))


def _english(text: str) -> DocFeatures:
    valence = english_valence()
    doc = DocFeatures()
    terms = doc.terms
    pos = neg = 0.0
    bad = good = routine = 0
    clauses = _EN_CLAUSE_RE.split(text)
    after_but = False
    for clause in clauses:
        tokens = _EN_TOKEN_RE.findall(clause)
        marked: list[str] = []
        scope = 0
        for tok in tokens:
            tok = tok.replace("’", "'")
            if tok in _BUT_EN:
                after_but = True
            if _negated(tok):
                scope = _NEGATION_SCOPE
                marked.append(tok)
                continue
            word = ("not_" + tok) if scope else tok
            marked.append(word)
            v = valence.get(tok, 0.0) or EMOJI_VALENCE.get(tok, 0.0)
            if v:
                v = -0.7 * v if scope else v
                v *= 1.5 if after_but else 1.0
                if v > 0:
                    pos += v
                else:
                    neg -= v
            if tok in EN_BAD_NEWS and not scope:
                bad += 1
            elif tok in EN_GOOD_NEWS and not scope:
                good += 1
            if tok in EN_ROUTINE:
                routine += 1
            if scope:
                scope -= 1
        terms.extend(marked)
        terms.extend(a + " " + b for a, b in zip(marked, marked[1:], strict=False))
    _dense(doc, pos / 4, neg / 4, good, bad, routine, "?" in text, "!" in text)
    return doc


def _zh_lexicon() -> tuple[dict[str, int], int]:
    table: dict[str, int] = {}
    for w in ZH_ROUTINE:
        table[w] = 0
    for w in ZH_BAD:
        table[w] = -1
    for w in ZH_GOOD:
        table[w] = 1
    return table, max(len(w) for w in table)


_ZH_TABLE, _ZH_MAXLEN = _zh_lexicon()
# Longest cue starting with each character: most characters start none, so most
# positions cost one dict lookup instead of one per possible length.
_ZH_FIRST: dict[str, int] = {}
for _word in _ZH_TABLE:
    _ZH_FIRST[_word[0]] = max(_ZH_FIRST.get(_word[0], 0), len(_word))


def _chinese_lexicon(text: str) -> tuple[float, float, int]:
    """Forward maximum matching against the cue lists, flipping polarity after a negator."""
    pos = neg = 0.0
    routine = 0
    weight = 1.0
    for clause in _ZH_CLAUSE_RE.split(text):
        i, n = 0, len(clause)
        last_neg = -10
        while i < n:
            if clause.startswith(_BUT_ZH, i):
                weight = 1.5
            hit = 0
            longest = _ZH_FIRST.get(clause[i], 0)
            for size in range(min(longest, n - i), 0, -1):
                polarity = _ZH_TABLE.get(clause[i : i + size])
                if polarity is not None:
                    hit = size
                    break
            if hit:
                if polarity == 0:
                    routine += 1
                else:
                    sign = -1.0 if i - last_neg <= 2 else 1.0
                    value = weight * sign * (polarity or 0)
                    if value > 0:
                        pos += value
                    else:
                        neg -= value * (0.7 if sign < 0 else 1.0)
                i += hit
                continue
            if clause.startswith(ZH_NEGATORS, i):
                last_neg = i + 1
            i += 1
    return pos, neg, routine


def _chinese(text: str) -> DocFeatures:
    doc = DocFeatures()
    terms = doc.terms
    for run in _HAN_RUN_RE.findall(text):
        n = len(run)
        terms.extend(run)
        terms.extend(run[i : i + 2] for i in range(n - 1))
        terms.extend(run[i : i + 3] for i in range(n - 2))
    terms.extend("w:" + t for t in _ZH_OTHER_RE.findall(text))
    pos, neg, routine = _chinese_lexicon(text)
    for ch in text:
        v = EMOJI_VALENCE.get(ch)
        if v:
            pos, neg = (pos + v / 2, neg) if v > 0 else (pos, neg - v / 2)
    question = "?" in text or "吗" in text
    _dense(doc, pos, neg, 0, 0, routine, question, "!" in text)
    return doc


def _dense(
    doc: DocFeatures,
    pos: float,
    neg: float,
    good: int,
    bad: int,
    routine: int,
    question: bool,
    exclaim: bool,
) -> None:
    d = doc.dense
    d["_lex_pos"] = _saturate(pos)
    d["_lex_neg"] = _saturate(neg)
    d["_lex_bal"] = _saturate(pos - neg)
    d["_lex_none"] = 1.0 if pos == 0 and neg == 0 else 0.0
    d["_news_good"] = _saturate(good, 1.0)
    d["_news_bad"] = _saturate(bad, 1.0)
    d["_routine"] = _saturate(routine, 1.0)
    d["_question"] = 1.0 if question else 0.0
    d["_exclaim"] = 1.0 if exclaim else 0.0


def extract_features(text: str, lang: str) -> DocFeatures:
    """Features for one text in ``lang`` ("zh" → character model, anything else → word model)."""
    norm = normalise(text)
    if lang == "zh":
        return _chinese(norm)
    return _english(norm)
