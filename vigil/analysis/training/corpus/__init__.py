"""A labelled corpus of brand mentions written for Vigil (English and Chinese).

Why: public corpora (reviews, tweets, editorials) never teach that a calmly worded
recall or 约谈 is bad for a company, and brand mentions are often neutral notices
or questions. The pieces in ``en_*``/``zh_*`` were written by hand for this project
(fictional companies, no real posts, nothing taken from the dev set); this module
combines them with fixed seeds into ``brand_mentions.jsonl``.

Each item carries a ``family`` (the hand-written piece it comes from) and a
``split``: 20 % of families are held out as a whole, so the held-out figure measures
unseen wording, not unseen slot fillers.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from vigil.analysis.training.corpus import (
    en_news,
    en_stories,
    en_voices,
    zh_news,
    zh_stories,
    zh_voices,
)
from vigil.analysis.training.corpus.common import INDUSTRIES_EN, INDUSTRIES_ZH, Industry, fill

__all__ = ["CORPUS_PATH", "HELD_OUT", "build_corpus", "write_corpus"]

CORPUS_PATH = Path(__file__).resolve().parent.parent / "brand_mentions.jsonl"
HELD_OUT = 0.2
SEED = 20240611
PHYSICAL = frozenset({"phones", "laptops", "ev", "food", "fashion", "appliance", "pharma", "coffee",
                      "tea"})  # fmt: skip
VOICE_CHANNELS = ("social", "social", "social", "forum", "review", "review", "blog")

Row = dict[str, str]


def _split(family: str) -> str:
    digest = hashlib.sha1(family.encode("utf-8"), usedforsecurity=False).hexdigest()
    return "heldout" if int(digest[:8], 16) / 0x100000000 < HELD_OUT else "train"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _industries(template: str, pool: Sequence[Industry]) -> tuple[str, list[Industry]]:
    if template.startswith("P|"):
        return template[2:], [i for i in pool if i.key in PHYSICAL]
    if template.startswith("S|"):
        return template[2:], [i for i in pool if i.key not in PHYSICAL]
    return template, list(pool)


class _Builder:
    """Collects rows, drops duplicate texts, tags family and split."""

    def __init__(self, lang: str, pool: Sequence[Industry], seed: int) -> None:
        self.lang = lang
        self.pool = pool
        self.rng = random.Random(f"{seed}:{lang}")
        self.rows: list[Row] = []
        self.seen: set[str] = set()

    def add(self, text: str, label: str, channel: str, family: str) -> None:
        text = " ".join(text.split()) if self.lang == "en" else text.strip()
        if text in self.seen:
            return
        self.seen.add(text)
        fam = f"{self.lang}:{family}"
        self.rows.append({"lang": self.lang, "channel": channel, "text": text, "label": label,
                          "family": fam, "split": _split(fam)})  # fmt: skip

    def templates(self, items: Sequence[str], label: str, kind: str, times: int,
                  channel: Callable[[], str]) -> None:  # fmt: skip
        for n, raw in enumerate(items):
            template, inds = _industries(raw, self.pool)
            for _ in range(times):
                ind = self.rng.choice(inds)
                self.add(fill(template, ind, self.rng), label, channel(), f"{kind}{n}")


def _pieces(items: Sequence[str], kind: str, lang: str) -> dict[str, list[tuple[int, str]]]:
    """Experience clauses grouped by the split of their family."""
    out: dict[str, list[tuple[int, str]]] = {"train": [], "heldout": []}
    for n, text in enumerate(items):
        out[_split(f"{lang}:{kind}{n}")].append((n, text))
    return out


def _english(seed: int) -> list[Row]:
    b = _Builder("en", INDUSTRIES_EN, seed)
    rng = b.rng
    news = lambda: "news"  # noqa: E731
    voice = lambda: rng.choice(VOICE_CHANNELS)  # noqa: E731
    b.templates(en_news.NEGATIVE, "negative", "news-neg", 6, news)
    b.templates(en_news.POSITIVE, "positive", "news-pos", 6, news)
    b.templates(en_news.NEUTRAL, "neutral", "news-neu", 8, news)
    b.templates(en_voices.QUESTIONS, "neutral", "q", 12, voice)
    b.templates(en_voices.STATEMENTS, "neutral", "st", 12, voice)
    pos = _pieces(en_voices.POSITIVE, "pos", "en")
    neg = _pieces(en_voices.NEGATIVE, "neg", "en")
    for split in ("train", "heldout"):
        for n, exp in pos[split]:
            for _ in range(8):
                ind = rng.choice(INDUSTRIES_EN)
                co = rng.choice(ind.companies)
                body = fill(exp, ind, rng, co=co)
                if rng.random() < 0.25:
                    frame = rng.choice(en_voices.POS_WITH_GRIPE)
                    text = fill(frame, ind, rng, co=co, pos=_cap(body), pos_lc=body)
                else:
                    op = rng.choice(en_voices.OPENERS_POS)
                    text = op + _cap(body) if op.endswith(": ") else _cap(op + body)
                    text = _cap(text) + rng.choice(en_voices.CLOSERS_POS)
                b.add(text, "positive", voice(), f"pos{n}")
        for n, exp in neg[split]:
            for _ in range(8):
                ind = rng.choice(INDUSTRIES_EN)
                co = rng.choice(ind.companies)
                body = fill(exp, ind, rng, co=co)
                if rng.random() < 0.25:
                    frame = rng.choice(en_voices.NEG_VARIANTS)
                    text = fill(frame, ind, rng, co=co, neg=_cap(body), neg_lc=body)
                else:
                    op = rng.choice(en_voices.OPENERS_NEG)
                    text = _cap(op + body) + rng.choice(en_voices.CLOSERS_NEG)
                b.add(text, "negative", voice(), f"neg{n}")
    for n, frame in enumerate(en_voices.SARCASM):
        split = _split(f"en:sarc{n}")
        for _ in range(12):
            ind = rng.choice(INDUSTRIES_EN)
            co = rng.choice(ind.companies)
            body = fill(rng.choice(neg[split])[1], ind, rng, co=co)
            text = fill(frame, ind, rng, co=co, neg=_cap(body), neg_ing=rng.choice(en_voices.SARCASM_ING),
                        neg_bare=rng.choice(en_voices.SARCASM_BARE))  # fmt: skip
            b.add(text, "negative", voice(), f"sarc{n}")
    for n, frame in enumerate(en_voices.BALANCED):
        split = _split(f"en:bal{n}")
        for _ in range(14):
            ind = rng.choice(INDUSTRIES_EN)
            co = rng.choice(ind.companies)
            p = fill(rng.choice(pos[split])[1], ind, rng, co=co).rstrip(".!") + "."
            q = fill(rng.choice(neg[split])[1], ind, rng, co=co).rstrip(".!") + "."
            text = fill(frame, ind, rng, co=co, pos=_cap(p), pos_lc=p, neg_lc=q)
            b.add(text, "neutral", voice(), f"bal{n}")
    _stories(b, en_stories, " ", "")
    return b.rows


def _chinese(seed: int) -> list[Row]:
    b = _Builder("zh", INDUSTRIES_ZH, seed)
    rng = b.rng
    news = lambda: "news"  # noqa: E731
    voice = lambda: rng.choice(VOICE_CHANNELS)  # noqa: E731
    b.templates(zh_news.NEGATIVE, "negative", "news-neg", 7, news)
    b.templates(zh_news.POSITIVE, "positive", "news-pos", 7, news)
    b.templates(zh_news.NEUTRAL, "neutral", "news-neu", 9, news)
    b.templates(zh_voices.QUESTIONS, "neutral", "q", 14, voice)
    b.templates(zh_voices.STATEMENTS, "neutral", "st", 14, voice)
    pos = _pieces(zh_voices.POSITIVE, "pos", "zh")
    neg = _pieces(zh_voices.NEGATIVE, "neg", "zh")
    for split in ("train", "heldout"):
        for n, exp in pos[split]:
            for _ in range(9):
                ind = rng.choice(INDUSTRIES_ZH)
                co = rng.choice(ind.companies)
                body = fill(exp, ind, rng, co=co)
                if rng.random() < 0.25:
                    text = fill(rng.choice(zh_voices.POS_WITH_GRIPE), ind, rng, pos=body)
                else:
                    text = rng.choice(zh_voices.OPENERS_POS) + body
                    text += rng.choice(zh_voices.CLOSERS_POS)
                b.add(text, "positive", voice(), f"pos{n}")
        for n, exp in neg[split]:
            for _ in range(9):
                ind = rng.choice(INDUSTRIES_ZH)
                co = rng.choice(ind.companies)
                body = fill(exp, ind, rng, co=co)
                roll = rng.random()
                if roll < 0.2:
                    text = fill(rng.choice(zh_voices.NEG_VARIANTS), ind, rng, neg=body)
                elif roll < 0.3:
                    text = (f"【投诉对象】{fill('{co}', ind, rng, co=co)}【投诉问题】{body}"
                            f"【投诉要求】{rng.choice(['退款', '赔偿', '道歉并整改', '解决问题'])}")  # fmt: skip
                else:
                    text = rng.choice(zh_voices.OPENERS_NEG) + body
                    text += rng.choice(zh_voices.CLOSERS_NEG)
                b.add(text, "negative", voice(), f"neg{n}")
    for n, frame in enumerate(zh_voices.SARCASM):
        split = _split(f"zh:sarc{n}")
        for _ in range(12):
            ind = rng.choice(INDUSTRIES_ZH)
            co = rng.choice(ind.companies)
            body = fill(rng.choice(neg[split])[1], ind, rng, co=co)
            text = fill(
                frame, ind, rng, co=co, neg=body, neg_short=rng.choice(zh_voices.SARCASM_SHORT)
            )
            b.add(text, "negative", voice(), f"sarc{n}")
    for n, frame in enumerate(zh_voices.BALANCED):
        split = _split(f"zh:bal{n}")
        for _ in range(14):
            ind = rng.choice(INDUSTRIES_ZH)
            co = rng.choice(ind.companies)
            p = fill(rng.choice(pos[split])[1], ind, rng, co=co)
            q = fill(rng.choice(neg[split])[1], ind, rng, co=co)
            b.add(fill(frame, ind, rng, co=co, pos=p, neg=q), "neutral", voice(), f"bal{n}")
    _stories(b, zh_stories, "，", "。")
    return b.rows


def _stories(b: _Builder, mod: ModuleType, sep: str, end: str) -> None:
    """Situation + handling (label from the handling), oblique posts, info posts."""
    rng = b.rng
    voice = lambda: rng.choice(VOICE_CHANNELS)  # noqa: E731
    for label, handlings, kind in (("positive", mod.GOOD_HANDLING, "good"),
                                   ("negative", mod.BAD_HANDLING, "bad")):  # fmt: skip
        for n, handling in enumerate(handlings):
            for problem in rng.sample(mod.PROBLEMS, 10):
                ind = rng.choice(b.pool)
                co = rng.choice(ind.companies)
                text = fill(problem + sep + handling + end, ind, rng, co=co)
                b.add(text, label, voice(), f"{kind}{n}")
    b.templates(mod.NEGATIVE_OBLIQUE, "negative", "obl-neg", 7, voice)
    b.templates(mod.POSITIVE_OBLIQUE, "positive", "obl-pos", 7, voice)
    b.templates(mod.PLAIN_REPORTS, "neutral", "plain", 9, voice)
    for n, intro in enumerate(mod.SPEC_INTROS):
        for _ in range(16):
            ind = rng.choice(b.pool)
            facts = (", " if b.lang == "en" else "，").join(rng.sample(mod.SPEC_FACTS, 3))
            b.add(fill(intro + " " * (b.lang == "en") + facts + end, ind, rng), "neutral",
                  voice(), f"spec{n}")  # fmt: skip


def build_corpus(seed: int = SEED) -> list[Row]:
    """Every row of the corpus, English then Chinese, in a fixed order."""
    return _english(seed) + _chinese(seed)


def write_corpus(path: Path = CORPUS_PATH, seed: int = SEED) -> int:
    """Write the corpus as JSONL (UTF-8, Chinese as characters); return the row count."""
    rows = build_corpus(seed)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)
