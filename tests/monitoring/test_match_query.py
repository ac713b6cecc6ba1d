"""Matching semantics, in English and Chinese: one row per rule of the language."""

from __future__ import annotations

import pytest

from vigil.monitoring.query import Document, naive_match, parse

CASES = [
    # words: case-, accent- and width-folded, whole words only
    ("apple", "I love my Apple watch", True),
    ("apple", "pineapple juice", False),
    ("apple", "APPLE", True),
    ("ＡＰＰＬＥ", "apple", True),
    ("apple", "ａｐｐｌｅ store", True),
    ("cafe", "Café au lait", True),
    ("café", "CAFE", True),
    ("naive", "naïve question", True),
    ("2024", "back in 2024, we", True),
    # CJK: contiguous characters anywhere, across whitespace but not punctuation
    ("华为", "我爱华为手机", True),
    ("华为", "中华，为了明天", False),
    ("华为", "华\n为发布会", True),
    ("华为手机", "华为的手机", False),
    ("手机", "华为手机很好", True),
    ("苹果", "蘋果", True),  # traditional characters fold to simplified
    ("ｶﾒﾗ", "カメラ", True),
    # mixed scripts
    ("小米SU7", "小米SU7发布", True),
    ("小米SU7", "小米 SU7 发布", True),
    ("小米SU7", "小米SU71发布", False),
    ("iPhone手机", "新款 iPhone 手机", True),
    # phrases
    ('"iPhone 15"', "the new iPhone 15 is out", True),
    ('"iPhone 15"', "iPhone 14 and 15", False),
    ('"iPhone 15"', "iPhone, 15 left", True),  # consecutive tokens; punctuation is not a token
    ('"华为 手机"', "华为手机", True),
    ('"华为，手机"', "华为手机", True),
    # case-sensitive
    ("{Apple}", "Apple shares fell", True),
    ("{Apple}", "an apple a day", False),
    ("{iPhone}", "IPHONE", False),
    # boolean
    ("apple AND pie", "apple pie", True),
    ("apple pie", "pie and apple", True),
    ("apple pie", "apple tart", False),
    ("apple OR pear", "pear", True),
    ("apple -pie", "apple pie", False),
    ("apple -pie", "apple tart", True),
    ("NOT pie", "apple", True),
    ("apple OR pear AND pie", "apple", True),  # AND binds tighter than OR
    ("(apple OR pear) AND pie", "apple", False),
    ("华为 -二手", "二手华为手机", False),
    ("(华为 OR 小米) AND 降价", "小米降价了", True),
    # wildcards
    ("recall*", "Toyota recalled 1M cars", True),
    ("recall*", "a recall notice", True),
    ("recall*", "we precalled", False),
    ("wom?n", "women and men", True),
    ("wom?n", "woman", True),
    ("wom?n", "wooman", False),
    ("华?手机", "华为手机", True),
    ("华?手机", "华手机", False),
    ("华为手机*", "华为手机壳", True),
    # proximity: n tokens at most between; a CJK character is one token
    ("apple NEAR/2 recall", "recall of the apple", True),
    ("apple NEAR/1 recall", "recall of the apple", False),
    ("apple ONEAR/2 recall", "recall of the apple", False),
    ("apple ONEAR/2 recall", "apple issues a recall", True),
    ('"apple recall"~2', "recall of the apple", True),
    ('"apple recall"~1', "recall of the apple", False),
    ("华为 NEAR/3 降价", "华为手机又降价", True),
    ("华为 NEAR/1 降价", "华为手机又降价", False),
    ('"华为 降价"~3', "降价的是华为", True),
    ("(apple OR pear) NEAR/1 recall", "pear recall", True),
    ('"tim cook" NEAR/3 (resign OR quit)', "Tim Cook says he will quit", True),
    # hashtags and handles
    ("#iphone", "love my #iPhone", True),
    ("#iphone", "love my iPhone", False),
    ("iphone", "love my #iPhone", True),
    ("@elonmusk", "cc @ElonMusk", True),
    ("@elonmusk", "elonmusk said", False),
    ("#华为", "#华为# 新品", True),
]


@pytest.mark.parametrize(("query", "text", "expected"), CASES)
def test_query_matches_text(query: str, text: str, expected: bool) -> None:
    assert (parse(query).match(Document(text=text)) is not None) is expected


@pytest.mark.parametrize(
    ("query", "document", "expected"),
    [
        ("title:apple", Document(title="Apple news", text="nothing"), True),
        ("title:apple", Document(title="news", text="apple"), False),
        ("text:apple", Document(title="apple", text="news"), False),
        ("apple", Document(title="Apple", text="news"), True),
        ("apple", Document(author="apple"), False),
        ("author:@timcook", Document(author="@TimCook"), True),
        ('author:"Tim Cook"', Document(author="Tim Cook"), True),
        ("url:iphone", Document(url="https://apple.com/iphone-15"), True),
        ("site:apple.com", Document(site="apple.com"), True),
        ("site:apple.com", Document(site="news.apple.com"), True),
        ("site:apple.com", Document(url="https://www.apple.com/x"), True),
        ("site:apple.com", Document(site="notapple.com"), False),
        ("site:news.apple.com", Document(site="apple.com"), False),
        ("lang:zh", Document(lang="zh-CN"), True),
        ("lang:zh-cn", Document(lang="zh"), False),
        ("lang:en", Document(lang="zh"), False),
        ("channel:weibo", Document(channel="Weibo"), True),
        ("channel:weibo 华为", Document(channel="news", text="华为"), False),
        ("标题：华为", Document(title="华为发布会"), True),
        ("title:apple NEAR/1 recall", Document(title="apple", text="recall"), False),
    ],
)
def test_query_matches_fields(query: str, document: Document, expected: bool) -> None:
    assert (naive_match(query, document) is not None) is expected


def test_match_reports_terms_and_spans_for_highlighting() -> None:
    result = parse("(recall* OR 召回) -pie").match(
        Document(title="Recall!", text="Toyota recalled cars; 丰田召回")
    )
    assert result is not None
    assert result.terms == ["Recall", "recalled", "召回"]
    assert result.spans == {"title": [(0, 6)], "text": [(7, 15), (24, 26)]}


def test_match_leaves_negated_terms_out_of_highlights() -> None:
    result = parse("apple -pie OR pear").match(Document(text="apple and pear"))
    assert result is not None
    assert result.terms == ["apple", "pear"]


def test_no_match_returns_none() -> None:
    assert parse("apple").match(Document(text="pear")) is None
