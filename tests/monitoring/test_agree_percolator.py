"""Properties: the percolator equals the naive evaluator; the parser fails only cleanly."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.monitoring.query import Document, Percolator, QuerySyntaxError, naive_match, parse

WORDS = [
    "apple",
    "pie",
    "recall",
    "recalled",
    "15",
    "华为",
    "手机",
    "降价",
    "小米",
    "su7",
    "#apple",
]
CHARS = ["华", "为", "手", "机", "a", "b", " ", "，", "-", "#"]


def _term() -> st.SearchStrategy[str]:
    simple = st.sampled_from(WORDS + ["rec*", "recall*", "华?", "{Apple}", "appl?"])
    phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(
        lambda words: '"' + " ".join(words) + '"'
    )
    fielded = st.tuples(st.sampled_from(["title:", "text:", "author:"]), simple).map("".join)
    values = st.sampled_from(["lang:zh", "lang:en", "channel:weibo", "site:apple.com"])
    return st.one_of(simple, phrase, fielded, values)


def _query() -> st.SearchStrategy[str]:
    return st.recursive(
        _term(),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from([" AND ", " OR ", " ", " -"]), inner).map("".join),
            inner.map(lambda q: f"NOT ({q})"),
            inner.map(lambda q: f"({q})"),
            st.tuples(
                st.sampled_from(WORDS[:10]),
                st.sampled_from([" NEAR/1 ", " NEAR/3 ", " ONEAR/2 "]),
                st.sampled_from(WORDS[:10]),
            ).map("".join),
        ),
        max_leaves=5,
    )


def _text() -> st.SearchStrategy[str]:
    pieces = st.sampled_from(WORDS + CHARS + ["Apple", "APPLE", "Recall", "蘋果", "pineapple"])
    return st.lists(pieces, max_size=12).map(lambda parts: " ".join(parts))


_documents = st.builds(
    Document,
    title=_text(),
    text=_text(),
    author=st.sampled_from(["", "Apple", "@apple", "华为"]),
    site=st.sampled_from(["", "apple.com", "www.apple.com", "example.org"]),
    lang=st.sampled_from(["", "zh", "zh-CN", "en"]),
    channel=st.sampled_from(["", "weibo", "news"]),
)


def _parses(query: str) -> bool:
    try:
        parse(query)
    except QuerySyntaxError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    queries=st.lists(_query(), min_size=1, max_size=8), documents=st.lists(_documents, max_size=4)
)
def test_percolator_agrees_with_naive_evaluation(
    queries: list[str], documents: list[Document]
) -> None:
    percolator = Percolator()
    good = [q for q in queries if _parses(q)]
    for number, query in enumerate(good):
        percolator.add(number, query)
    for document in documents:
        expected = [n for n, q in enumerate(good) if naive_match(q, document) is not None]
        assert [key for key, _ in percolator.match(document)] == expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_parser_raises_only_query_syntax_errors(query: str) -> None:
    try:
        parsed = parse(query)
    except QuerySyntaxError as error:
        assert error.column >= 1
    else:
        parsed.match(Document(text=query, title=query))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='abc 华为()"{}*?-:~/ANDORTNEAR0123#@，', max_size=30))
def test_parser_survives_query_shaped_noise(query: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse(query).match(Document(text="abc 华为"))
