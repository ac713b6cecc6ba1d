"""Turning the text of one term into a :class:`Term` (or a metadata :class:`Value`).

A term is tokenised exactly as documents are (see :mod:`vigil.lib.text`), so a
query word and a document word fold the same way. Wildcards are swapped for
two letters no real text uses before tokenising, so ``recall*`` stays one
token and ``华?手机`` keeps its place among the characters.
"""

from __future__ import annotations

import re

from vigil.lib.i18n import gettext_noop
from vigil.lib.text import CJK_CLASS, TokenColumns, fold, scan
from vigil.monitoring.query.errors import QuerySyntaxError
from vigil.monitoring.query.nodes import ONE as _ONE
from vigil.monitoring.query.nodes import STAR as _STAR
from vigil.monitoring.query.nodes import Term, Value

__all__ = ["build_term", "build_value", "has_wildcard"]

_WILDCARDS = str.maketrans({"*": _STAR, "＊": _STAR, "?": _ONE, "？": _ONE})
_CJK_SLOT = re.compile(f"[{CJK_CLASS}]")  # one CJK token
MIN_PREFIX = 3
_TERMS: dict[tuple[str, tuple[str, ...], bool], Term] = {}


def has_wildcard(text: str) -> bool:
    """True when ``text`` holds ``*`` or ``?`` (half- or full-width)."""
    return text != text.translate(_WILDCARDS)


def _token_regex(text: str, *, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(
        ".*" if char == _STAR else "." if char == _ONE else re.escape(char) for char in text
    )
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


def build_term(
    text: str, column: int, fields: tuple[str, ...], *, case_sensitive: bool = False
) -> Term:
    """Build the term written as ``text``, which starts at 1-based ``column``.

    Terms are immutable, so queries that share a word share one object (cached);
    only the first build of a bad term pays, and its error carries its column.
    """
    cached = _TERMS.get((text, fields, case_sensitive))
    if cached is not None:
        return cached
    term = _build_term(text, column, fields, case_sensitive=case_sensitive)
    if len(_TERMS) > 100_000:
        _TERMS.clear()
    _TERMS[(text, fields, case_sensitive)] = term
    return term


def _build_term(text: str, column: int, fields: tuple[str, ...], *, case_sensitive: bool) -> Term:
    marked = text.translate(_WILDCARDS)
    cols = scan(marked)
    if not cols.texts:
        raise QuerySyntaxError(gettext_noop("nothing to search for in “{text}”"), column, text=text)
    tokens: list[str] = []
    raws: list[str] = []
    cjk: list[bool] = []
    starts: list[int] = []
    ends: list[int] = []
    patterns: list[re.Pattern[str] | None] = []
    marks: list[str] = []
    wildcard = False
    count = len(cols.texts)
    for k in range(count):
        token, raw, start, end = cols.texts[k], cols.raws[k], cols.starts[k], cols.ends[k]
        mark = cols.marks.get(k, "")
        if _STAR not in token and _ONE not in token:
            tokens.append(token)
            raws.append(raw)
            cjk.append(cols.cjk[k])
            patterns.append(None)
        elif set(token) == {_ONE} and _next_to_cjk(cols, k):
            for offset in range(len(token)):  # each ? stands for one CJK character
                tokens.append("?")
                raws.append("?")
                cjk.append(True)
                patterns.append(_CJK_SLOT)
                starts.append(start + offset)
                ends.append(start + offset + 1)
                marks.append(mark if offset == 0 else "")
            wildcard = True
            continue
        elif set(token) == {_STAR} and k == count - 1 and k and cols.cjk[k - 1]:
            continue  # 华为手机* — CJK already matches inside longer strings
        else:
            _check_wildcard(marked[start:end], column + start, k == 0)
            tokens.append(token)
            raws.append(raw)
            cjk.append(False)
            source = raw if case_sensitive else token
            patterns.append(_token_regex(source, ignore_case=case_sensitive))
            wildcard = True
        starts.append(start)
        ends.append(end)
        marks.append(mark)
    if patterns[0] is not None and cjk[0]:
        raise QuerySyntaxError(
            gettext_noop("a term cannot start with a wildcard"), column + starts[0]
        )
    glue = [False] + [
        cjk[k - 1] and cjk[k] and (not marked[ends[k - 1] : starts[k]].strip())
        for k in range(1, len(tokens))
    ]
    return Term(
        fields,
        tuple(tokens),
        glue=tuple(glue),
        cjk=tuple(cjk),
        marks=tuple(marks),
        raws=tuple(raws) if case_sensitive else None,
        patterns=tuple(patterns) if wildcard else None,
    )


def _next_to_cjk(cols: TokenColumns, k: int) -> bool:
    """True when token ``k`` touches a CJK token on either side (``华?手机``)."""
    before = k > 0 and cols.cjk[k - 1] and cols.ends[k - 1] == cols.starts[k]
    after = k + 1 < len(cols.texts) and cols.cjk[k + 1] and cols.starts[k + 1] == cols.ends[k]
    return bool(before or after)


def _check_wildcard(original: str, column: int, first: bool) -> None:
    """Refuse ``*pple``, ``?pple`` and ``ap*`` (too short a prefix to search on)."""
    if original[0] in (_STAR, _ONE):
        raise QuerySyntaxError(gettext_noop("a term cannot start with a wildcard"), column)
    star = original.find(_STAR)
    if star >= 0:
        literal = star - original[:star].count(_ONE)
        if literal < MIN_PREFIX:
            raise QuerySyntaxError(
                gettext_noop("a wildcard * needs at least {count} characters before it"),
                column + star,
                count=MIN_PREFIX,
            )


def build_value(field: str, text: str, column: int) -> Value:
    """Build ``site:``/``lang:``/``channel:`` compared as a whole value."""
    if has_wildcard(text):
        raise QuerySyntaxError(
            gettext_noop("wildcards are not allowed in {field}:"), column, field=field
        )
    value = fold(text).strip()
    if field == "site":
        value = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].strip(".")
    elif field == "lang":
        value = value.replace("_", "-")
    if not value:
        raise QuerySyntaxError(gettext_noop("{field}: needs a value"), column, field=field)
    return Value(field, value)
