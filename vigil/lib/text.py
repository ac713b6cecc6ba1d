"""Text folding and tokenising shared by matching, search and analysis.

Vigil compares text the way a reader would: ``ＡＢＣ`` is ``ABC``, ``Café`` is
``cafe`` and Chinese has no spaces, so words are never found with ``\\b`` or
``str.split()``. Everything here is pure Python and cached, because every
incoming mention passes through it.

A *token* is a run of letters, digits and combining marks (a Latin-script word
or a number — Cyrillic, Greek, Hangul and so on behave the same way), or one
CJK character (Han, kana, bopomofo). Punctuation, spaces and symbols separate
tokens and are not tokens themselves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "CJK_CLASS",
    "Token",
    "TokenColumns",
    "canonical",
    "fold",
    "fold_keep_case",
    "has_cjk",
    "is_cjk",
    "scan",
    "scan_words",
    "tokenize",
]

# Han (incl. extension A, compatibility and the supplementary planes), kana,
# half-width katakana, bopomofo, CJK symbols' ideographic number zero.
_CJK_RANGES = (
    "\u3005-\u3007"
    "\u3040-\u30ff"
    "\u3100-\u312f"
    "\u31a0-\u31bf"
    "\u31f0-\u31ff"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uf900-\ufaff"
    "\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
_CJK_RE = re.compile(f"[{_CJK_RANGES}]")
# For building other patterns: ``f"[{CJK_CLASS}]"`` is one CJK character.
CJK_CLASS = _CJK_RANGES


def _mark_ranges() -> str:
    """Character-class body of the combining marks in the BMP.

    ``re``'s ``\\w`` leaves out combining marks (decomposed accents, Thai and
    Devanagari vowel signs), which would split words in two.
    """
    ranges: list[str] = []
    start = -1
    for code in range(0x300, 0x10000):
        is_mark = unicodedata.category(chr(code))[0] == "M"
        if is_mark and start < 0:
            start = code
        elif not is_mark and start >= 0:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = -1
    return "".join(ranges)


_MARKS = _mark_ranges()
# Accents only (combining diacriticals): stripping every mark would mangle
# Indic and Thai vowel signs.
_ACCENT_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# One CJK run, or one word: letters, digits and marks without underscore or CJK.
_SCAN_RE = re.compile(
    f"([{_CJK_RANGES}]+)|((?:[{_MARKS}]+)?[^\\W_{_CJK_RANGES}]+(?:[{_MARKS}]+[^\\W_{_CJK_RANGES}]*)*)"
)
_TOKEN_RE = re.compile(f"[{_CJK_RANGES}]|(?:[^\\W_{_CJK_RANGES}]|[{_MARKS}])+")
_MARK_CHARS = {"#": "#", "＃": "#", "@": "@", "＠": "@"}


class Token(NamedTuple):
    """One token of a text, with its place in the original string.

    ``text`` is fully folded (for matching), ``raw`` keeps letter case (for
    case-sensitive terms), ``start``/``end`` are offsets into the original.
    ``glued`` says a CJK token follows another CJK token with at most
    whitespace between (so ``华为`` is found across a line break but not
    across ``，``); ``mark`` is ``#`` or ``@`` when one comes right before.
    """

    text: str
    raw: str
    start: int
    end: int
    cjk: bool
    glued: bool
    mark: str


def _traditional_to_simplified() -> dict[int, str]:
    """One-to-one traditional → simplified characters (zhconv's zh-Hans table).

    Traditional characters appear in real posts (Hong Kong, Taiwan, overseas); folding
    them per character keeps offsets intact, so 蘋果 matches 苹果 and highlights still
    land on the right characters. Phrase-level conversions are not needed for matching.
    """
    try:
        from zhconv import zhconv as tables
    except ImportError:  # pragma: no cover - zhconv is a dependency
        return {}
    tables.loaddict()
    pairs = tables.zhcdicts["zh2Hans"]
    return str.maketrans({k: v for k, v in pairs.items() if len(k) == 1 and len(v) == 1 and k != v})


_T2S = _traditional_to_simplified()


def to_simplified(text: str) -> str:
    """Traditional Chinese characters folded to simplified, one for one (same length)."""
    return text.translate(_T2S)


def is_cjk(char: str) -> bool:
    """True for one Han, kana or bopomofo character."""
    return _CJK_RE.fullmatch(char) is not None


def has_cjk(text: str) -> bool:
    """True when any character of ``text`` is CJK."""
    return _CJK_RE.search(text) is not None


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _ACCENT_RE.sub("", decomposed))


@lru_cache(maxsize=131072)
def fold_keep_case(text: str) -> str:
    """Width- and accent-fold ``text`` (NFKC, accents removed), keeping case."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return _strip_marks(text)


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """Fold ``text`` for comparison: width (NFKC), case (casefold), accents, and
    traditional Chinese characters to simplified."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text.lower()
    return _strip_marks(text.casefold()).translate(_T2S)


@lru_cache(maxsize=131072)
def _fold_word(word: str) -> tuple[tuple[str, str, bool], ...]:
    """Fold one non-CJK word; NFKC may split it (``½`` → ``1⁄2``) or reveal CJK."""
    raw = fold_keep_case(word)
    low = fold(word)
    if _TOKEN_RE.fullmatch(low) and _TOKEN_RE.fullmatch(raw) and not has_cjk(low):
        return ((low, raw, False),)
    low_parts = [m.group() for m in _TOKEN_RE.finditer(low)]
    raw_parts = [m.group() for m in _TOKEN_RE.finditer(raw)]
    if len(raw_parts) != len(low_parts):  # casefold changed the shape; keep folded only
        raw_parts = low_parts
    return tuple(
        (low_part, raw_part, has_cjk(low_part))
        for low_part, raw_part in zip(low_parts, raw_parts, strict=True)
    )


class TokenColumns:
    """The tokens of one text as parallel lists: the fast form matching uses.

    ``texts`` are folded, ``raws`` keep case, ``starts``/``ends`` are offsets
    in ``source``, ``glued[i]`` says CJK token ``i`` follows CJK token ``i-1``
    with at most whitespace between, ``marks`` maps a token index to ``#`` or
    ``@`` when that character comes right before it.
    """

    __slots__ = ("cjk", "ends", "glued", "marks", "raws", "source", "starts", "texts")

    def __init__(self, source: str) -> None:
        self.source = source
        self.texts: list[str] = []
        self.raws: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cjk: list[bool] = []
        self.glued: list[bool] = []
        self.marks: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.texts)


def _append_cjk_slowly(cols: TokenColumns, chars: str, seg_start: int, first: bool) -> None:
    """Append CJK characters one by one when NFKC changes some (compatibility forms)."""
    is_glued = first
    for offset, char in enumerate(chars):
        folded = unicodedata.normalize("NFKC", char)
        if not folded or unicodedata.combining(folded[0]):  # a lone half-width sound mark
            continue
        cols.texts.append(folded.translate(_T2S))
        cols.raws.append(folded)
        cols.starts.append(seg_start + offset)
        cols.ends.append(seg_start + offset + 1)
        cols.cjk.append(True)
        cols.glued.append(is_glued)
        is_glued = True


def scan(text: str) -> TokenColumns:
    """Tokenise ``text`` into :class:`TokenColumns` (one regex pass, cached folds)."""
    cols = TokenColumns(text)
    texts, raws, starts, ends, cjk, glued = (
        cols.texts,
        cols.raws,
        cols.starts,
        cols.ends,
        cols.cjk,
        cols.glued,
    )
    prev_cjk_end = -1
    for match in _SCAN_RE.finditer(text):
        start = match.start()
        if start and text[start - 1] in _MARK_CHARS:
            cols.marks[len(texts)] = _MARK_CHARS[text[start - 1]]
        chars = match.group(1)
        if chars is not None:
            _append_cjk(cols, chars, start, prev_cjk_end)
            prev_cjk_end = match.end()
            continue
        prev_cjk_end = -1
        word = match.group(2)
        if word.isascii():
            texts.append(word.lower())
            raws.append(word)
            starts.append(start)
            ends.append(match.end())
            cjk.append(False)
            glued.append(False)
            continue
        for low, raw, is_cjk_part in _fold_word(word):
            texts.append(low)
            raws.append(raw)
            starts.append(start)
            ends.append(match.end())
            cjk.append(is_cjk_part)
            glued.append(False)
    return cols


def _append_cjk(cols: TokenColumns, chars: str, start: int, prev_cjk_end: int) -> None:
    """Append a run of CJK characters, one token each."""
    text = cols.source
    first = prev_cjk_end >= 0 and (prev_cjk_end == start or text[prev_cjk_end:start].isspace())
    if not unicodedata.is_normalized("NFKC", chars):
        _append_cjk_slowly(cols, chars, start, first)
        return
    size = len(chars)
    cols.texts.extend(chars.translate(_T2S))
    cols.raws.extend(chars)
    cols.starts.extend(range(start, start + size))
    cols.ends.extend(range(start + 1, start + size + 1))
    cols.cjk.extend([True] * size)
    cols.glued.append(first)
    cols.glued.extend([True] * (size - 1))


def scan_words(text: str) -> tuple[list[str], list[bool], dict[int, str], str]:
    """The hot-path form of :func:`scan`: folded texts, glue flags, marks and
    the :func:`canonical` string, without offsets (same tokens as ``scan``).
    """
    texts: list[str] = []
    glued: list[bool] = []
    marks: dict[int, str] = {}
    canon: list[str] = []
    prev_cjk_end = -1
    for match in _SCAN_RE.finditer(text):
        start = match.start()
        if start and text[start - 1] in _MARK_CHARS:
            marks[len(texts)] = _MARK_CHARS[text[start - 1]]
        chars = match.group(1)
        if chars is not None:
            first = prev_cjk_end >= 0 and (
                prev_cjk_end == start or text[prev_cjk_end:start].isspace()
            )
            prev_cjk_end = match.end()
            if not unicodedata.is_normalized("NFKC", chars):
                cols = TokenColumns(text)
                _append_cjk_slowly(cols, chars, start, first)
                chars = "".join(cols.texts)
                if not chars:
                    continue
            chars = chars.translate(_T2S)
            texts.extend(chars)
            glued.append(first)
            glued.extend([True] * (len(chars) - 1))
            canon.append(chars if first else " " + chars)
            continue
        prev_cjk_end = -1
        word = match.group(2)
        if word.isascii():
            low = word.lower()
            texts.append(low)
            glued.append(False)
            canon.append(" " + low)
            continue
        for low, _raw, _cjk in _fold_word(word):
            texts.append(low)
            glued.append(False)
            canon.append(" " + low)
    canon.append(" ")
    return texts, glued, marks, "".join(canon)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into folded tokens with their original character offsets."""
    cols = scan(text)
    return [
        Token(t, r, s, e, c, g, cols.marks.get(i, ""))
        for i, (t, r, s, e, c, g) in enumerate(
            zip(cols.texts, cols.raws, cols.starts, cols.ends, cols.cjk, cols.glued, strict=True)
        )
    ]


def canonical(cols: TokenColumns) -> str:
    """Tokens as one searchable string: ``" word word 华为手机 word "``.

    Latin tokens are wrapped in single spaces, so ``" word "`` finds a whole
    word; glued CJK tokens run together, so ``"华为"`` finds contiguous
    characters. Substring search in this string is a necessary condition for
    the token-level match, which is what a pre-filter needs.
    """
    parts: list[str] = []
    append = parts.append
    for token, is_glued in zip(cols.texts, cols.glued, strict=True):
        if not is_glued:
            append(" ")
        append(token)
    append(" ")
    return "".join(parts)
