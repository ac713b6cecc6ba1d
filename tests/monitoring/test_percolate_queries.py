"""The percolator: add, replace, remove, exclusions, channel and language filters, threads."""

from __future__ import annotations

import threading

import pytest

from vigil.monitoring.query import Document, Percolator, QuerySyntaxError, parse


def keys(percolator: Percolator, document: Document) -> list[object]:
    return [key for key, _ in percolator.match(document)]


def test_percolator_returns_matching_keys_in_order_added() -> None:
    percolator = Percolator()
    percolator.add("huawei", "华为 OR Huawei")
    percolator.add("price", "降价 OR price*")
    percolator.add("apple", "{Apple}")
    assert keys(percolator, Document(text="华为Mate60降价了")) == ["huawei", "price"]
    assert keys(percolator, Document(text="apple prices")) == ["price"]
    assert len(percolator) == 3


def test_percolator_match_carries_highlights() -> None:
    percolator = Percolator()
    percolator.add(1, "recall* NEAR/3 toyota")
    [(key, result)] = percolator.match(Document(text="Toyota recalled cars"))
    assert key == 1
    assert result.terms == ["Toyota", "recalled"]


def test_add_replaces_and_remove_drops() -> None:
    percolator = Percolator()
    percolator.add("t", "apple")
    assert keys(percolator, Document(text="apple")) == ["t"]
    percolator.add("t", "pear")
    assert keys(percolator, Document(text="apple")) == []
    assert keys(percolator, Document(text="pear")) == ["t"]
    percolator.remove("t")
    percolator.remove("never added")
    assert keys(percolator, Document(text="pear")) == []
    assert len(percolator) == 0


def test_exclusion_query_drops_a_match() -> None:
    percolator = Percolator()
    percolator.add("apple", "苹果 OR apple", exclude="水果 OR fruit OR 吃")
    assert keys(percolator, Document(text="苹果发布会")) == ["apple"]
    assert keys(percolator, Document(text="苹果是一种水果")) == []


def test_channel_and_language_filters() -> None:
    percolator = Percolator()
    percolator.add("weibo", "华为", channels=["Weibo"])
    percolator.add("zh", "华为", langs=["zh"])
    percolator.add("any", "华为")
    assert keys(percolator, Document(text="华为", channel="weibo", lang="zh-CN")) == [
        "weibo",
        "zh",
        "any",
    ]
    assert keys(percolator, Document(text="华为", channel="news", lang="en")) == ["any"]


def test_queries_without_required_words_are_still_evaluated() -> None:
    percolator = Percolator()
    percolator.add("not-spam", "NOT spam")
    percolator.add("weibo", "channel:weibo")
    percolator.add("site", "site:apple.com OR lang:fr")
    assert keys(percolator, Document(text="hello", channel="weibo")) == ["not-spam", "weibo"]
    assert keys(percolator, Document(text="spam", site="www.apple.com")) == ["site"]


def test_add_accepts_parsed_queries_and_refuses_bad_ones() -> None:
    percolator = Percolator()
    percolator.add("parsed", parse("apple"), exclude=parse("pie"))
    with pytest.raises(QuerySyntaxError):
        percolator.add("bad", "apple AND")
    assert "bad" not in percolator
    assert keys(percolator, Document(text="apple")) == ["parsed"]


def test_readers_see_whole_snapshots_while_a_writer_adds() -> None:
    percolator = Percolator()
    percolator.add(0, "apple")
    document = Document(text="apple")
    seen: list[list[object]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(keys(percolator, document))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for number in range(1, 200):
        percolator.add(number, "apple OR pear")
    stop.set()
    for reader in readers:
        reader.join()
    assert keys(percolator, document) == list(range(200))
    assert all(found == sorted(found) and found[:1] == [0] for found in seen)


def test_many_queries_keep_agreeing_after_refiling() -> None:
    percolator = Percolator()
    for number in range(300):
        percolator.add(number, f"brand{number} AND (recall OR 召回)")
    document = Document(text="brand7 recall and brand9 召回")
    assert keys(percolator, document) == [7, 9] == percolator.match_naively(document)
