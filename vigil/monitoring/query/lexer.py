"""Splitting a query into lexemes, each with its 1-based column.

Chinese keyboards type full-width punctuation, so ``（）“”：｛｝－`` work like
their ASCII forms. Operators are upper case (``AND OR NOT NEAR/n ONEAR/n``);
lower-case ``and`` is an ordinary word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigil.lib.i18n import gettext_noop
from vigil.lib.text import fold_keep_case
from vigil.monitoring.query.errors import QuerySyntaxError

__all__ = ["FIELD_ALIASES", "Lexeme", "lex"]

FIELD_ALIASES = {
    "title": "title",
    "text": "text",
    "author": "author",
    "site": "site",
    "url": "url",
    "lang": "lang",
    "channel": "channel",
    "标题": "title",
    "正文": "text",
    "作者": "author",
    "网站": "site",
    "站点": "site",
    "链接": "url",
    "语言": "lang",
    "渠道": "channel",
}
_OPEN = "(（"
_CLOSE = ")）"
_QUOTES = {'"': '"”', "“": '”"', "”": '”"', "＂": '＂"', "「": "」", "『": "』"}
_BRACES = {"{": "}｝", "｛": "}｝"}
_STRAY_CLOSERS = "}｝」』"
_WORD_END = set(_OPEN + _CLOSE + "".join(_QUOTES) + "{｛}｝」』")
_MINUS = "-－"
_WORD = re.compile("[^\\s" + re.escape("".join(sorted(_WORD_END))) + "]+")
_NEAR = re.compile(r"(O?NEAR)(?:/(.*))?")
_FIELD = re.compile(r"([A-Za-z]+|[\u4e00-\u9fff]+)[:：]")
_SLOP = re.compile(r"[~～](\d*)")


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One lexeme: ``kind`` is WORD, PHRASE, CASE, FIELD, LP, RP, AND, OR, NOT, NEAR or END."""

    kind: str
    column: int
    text: str = ""
    number: int = -1  # NEAR distance or phrase slop (-1: none)
    ordered: bool = False


def lex(query: str) -> list[Lexeme]:
    """All lexemes of ``query``, ending with an END lexeme."""
    out: list[Lexeme] = []
    i, size = 0, len(query)
    while i < size:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in _OPEN:
            out.append(Lexeme("LP", i + 1))
            i += 1
        elif char in _CLOSE:
            out.append(Lexeme("RP", i + 1))
            i += 1
        elif char in _QUOTES:
            i = _lex_phrase(query, i, out)
        elif char in _BRACES:
            close = _find(query, i + 1, _BRACES[char])
            if close < 0:
                raise QuerySyntaxError(gettext_noop("unclosed {"), i + 1)
            out.append(Lexeme("CASE", i + 2, query[i + 1 : close]))
            i = close + 1
        elif char in _STRAY_CLOSERS:
            raise QuerySyntaxError(gettext_noop("unmatched {char}"), i + 1, char=char)
        elif char in _MINUS and (i + 1 == size or query[i + 1].isspace()):
            raise QuerySyntaxError(gettext_noop("dangling operator -: nothing after it"), i + 1)
        elif char in _MINUS and query[i + 1] not in _CLOSE:
            out.append(Lexeme("NOT", i + 1, "-"))
            i += 1
        else:
            i = _lex_word(query, i, out)
    out.append(Lexeme("END", size + 1))
    return out


def _find(query: str, start: int, closers: str) -> int:
    for j in range(start, len(query)):
        if query[j] in closers:
            return j
    return -1


def _lex_phrase(query: str, i: int, out: list[Lexeme]) -> int:
    close = _find(query, i + 1, _QUOTES[query[i]])
    if close < 0:
        raise QuerySyntaxError(gettext_noop("unclosed quote"), i + 1)
    text = query[i + 1 : close]
    if not text.strip():
        raise QuerySyntaxError(gettext_noop("empty phrase"), i + 1)
    slop = _SLOP.match(query, close + 1)
    if slop is None:
        out.append(Lexeme("PHRASE", i + 2, text))
        return close + 1
    if not slop.group(1):
        raise QuerySyntaxError(gettext_noop('~ needs a number of tokens, e.g. "a b"~5'), close + 2)
    out.append(Lexeme("PHRASE", i + 2, text, number=_number(slop.group(1))))
    return slop.end()


def _number(digits: str) -> int:
    return int(digits[:9])  # anything longer is "unlimited" in practice


def _lex_word(query: str, i: int, out: list[Lexeme]) -> int:
    field = _FIELD.match(query, i)
    canonical: str | None = None
    if field is not None and not query.startswith("//", field.end()):
        name = field.group(1)
        canonical = FIELD_ALIASES.get(name.lower())
        if canonical is None and name.isascii():
            raise QuerySyntaxError(gettext_noop("unknown field {name}:"), i + 1, name=name)
    if field is not None and canonical is not None and not query.startswith("//", field.end()):
        after = field.end()
        if after == len(query) or query[after].isspace() or query[after] in _CLOSE:
            raise QuerySyntaxError(
                gettext_noop("{field}: needs a term right after it"), i + 1, field=canonical
            )
        out.append(Lexeme("FIELD", i + 1, canonical))
        return after
    word_match = _WORD.match(query, i)
    j = word_match.end() if word_match is not None else i + 1
    word = query[i:j]
    folded = fold_keep_case(word)
    if folded in ("AND", "OR", "NOT"):
        out.append(Lexeme(folded, i + 1, folded))
        return j
    near = _NEAR.fullmatch(folded)
    if near is not None:
        distance = near.group(2)
        if distance is None or not distance.isdigit() or not distance.isascii():
            raise QuerySyntaxError(
                gettext_noop("{op} needs a distance, e.g. {op}/5"), i + 1, op=near.group(1)
            )
        ordered = near.group(1) == "ONEAR"
        out.append(Lexeme("NEAR", i + 1, folded, number=_number(distance), ordered=ordered))
        return j
    out.append(Lexeme("WORD", i + 1, word))
    return j
