"""Parsing: the canonical form of good queries and the column of every kind of error."""

from __future__ import annotations

import pytest

from vigil.monitoring.query import QuerySyntaxError, parse


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("apple", "apple"),
        ("Apple pie", "apple AND pie"),
        ("apple OR pear banana", "apple OR pear AND banana"),
        ("(apple OR pear) banana", "(apple OR pear) AND banana"),
        ("apple -pie", "apple AND NOT pie"),
        ("NOT apple", "NOT apple"),
        ("NOT NOT apple", "NOT NOT apple"),
        ('"iPhone 15 Pro"', '"iphone 15 pro"'),
        ("{Apple}", "{Apple}"),
        ("recall*", "recall*"),
        ("wom?n", "wom?n"),
        ("apple NEAR/3 recall", "apple NEAR/3 recall"),
        ("apple ONEAR/0 recall", "apple ONEAR/0 recall"),
        ('"apple recall"~4', '"apple recall"~4'),
        ("(apple OR pear) NEAR/2 recall", "(apple OR pear) NEAR/2 recall"),
        ("title:apple", "title:apple"),
        ("title:(apple OR pear)", "title:apple OR title:pear"),
        ("site:www.Apple.com", "site:www.apple.com"),
        ("lang:zh_CN", "lang:zh-cn"),
        ("channel:Weibo", "channel:weibo"),
        ("#iPhone @Tim_Cook", '#iphone AND "@tim cook"'),
        ("ＡＰＰＬＥ", "apple"),
        ("Café", "cafe"),
        ("华为", "华为"),
        ("华为 手机", "华为 AND 手机"),
        ('"华为 手机"', "华为手机"),
        ("小米SU7", '"小米 su7"'),
        ("华?手机", "华?手机"),
        ("（华为 OR 小米）AND 降价", "(华为 OR 小米) AND 降价"),
        ("“华为手机”", "华为手机"),
        ("标题：华为", "title:华为"),
        ("apple and pear", "apple AND and AND pear"),
        ("covid-19", '"covid 19"'),
        ("url:https://apple.com/iphone", 'url:"https apple com iphone"'),
        ("a OR b NEAR/3 c", "a OR b NEAR/3 c"),
    ],
)
def test_parse_prints_canonical_form(query: str, canonical: str) -> None:
    assert parse(query).to_string() == canonical


@pytest.mark.parametrize(
    "query",
    [
        "(apple OR pear) banana -pie",
        '"华为 手机"~3 OR {Apple}',
        "title:(a OR b) NEAR/2 c",
        "小米SU7",
    ],
)
def test_canonical_form_parses_to_itself(query: str) -> None:
    once = parse(query).to_string()
    assert parse(once).to_string() == once


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
        ("(apple OR pear", 1, "unclosed ("),
        ("apple (pear", 7, "unclosed ("),
        ("apple)", 6, "unmatched )"),
        ("()", 1, "empty parentheses"),
        ('"apple pie', 1, "unclosed quote"),
        ('apple "', 7, "unclosed quote"),
        ("{Apple", 1, "unclosed {"),
        ("Apple}", 6, "unmatched }"),
        ("apple AND", 7, "dangling operator AND"),
        ("OR apple", 1, "dangling operator OR"),
        ("apple AND OR pear", 7, "dangling operator AND"),
        ("apple NOT", 7, "dangling operator NOT"),
        ("apple -", 7, "dangling operator -"),
        ("apple NEAR/3", 7, "dangling operator NEAR/3"),
        ("apple NEAR pear", 7, "NEAR needs a distance"),
        ("apple NEAR/x pear", 7, "NEAR needs a distance"),
        ("apple ONEAR pear", 7, "ONEAR needs a distance"),
        ('"apple pear"~', 13, "~ needs a number"),
        ("*pple", 1, "cannot start with a wildcard"),
        ("?pple", 1, "cannot start with a wildcard"),
        ("ap*", 3, "at least 3 characters"),
        ("big ap*le", 7, "at least 3 characters"),
        ("foo:bar", 1, "unknown field foo"),
        ("apple Body:pie", 7, "unknown field Body"),
        ("title: apple", 1, "needs a term"),
        ("title:(text:apple)", 8, "inside another field"),
        ("(apple AND pear) NEAR/3 pie", 1, "NEAR needs a term"),
        ("apple NEAR/3 lang:en", 14, "NEAR needs a term"),
        ("site:*.gov.cn", 6, "wildcards are not allowed"),
        ("!!!", 1, "nothing to search for"),
    ],
)
def test_parse_refuses_with_column(query: str, column: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.column == column
    assert words in caught.value.message
    assert str(caught.value) == f"error at column {column}: {caught.value.message}"


def test_deep_nesting_is_refused_cleanly() -> None:
    with pytest.raises(QuerySyntaxError):
        parse("(" * 500 + "a" + ")" * 500)
