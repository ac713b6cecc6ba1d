from __future__ import annotations

import argparse
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from vigil.analysis.commands_extra import add_eval_dedup
from vigil.analysis.dedup import DedupConfig, ReprintIndex, shingles
from vigil.analysis.dedup_eval import run_dedup_eval

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)

EN = (
    "Nimbus confirmed on Tuesday that a battery fault in the X2 phone caused several "
    "devices to overheat in Leeds, and said owners can book a free inspection at any store."
)
EN_REPRINT = (
    "Reuters: Nimbus confirmed on Tuesday that a battery fault in the X2 phone caused "
    "several devices to overheat in Leeds, and said owners could book a free inspection "
    "at any store."
)
EN_OTHER = (
    "Nimbus said on Wednesday that its X2 phone sales in Leeds rose sharply, and that "
    "stores will open longer hours for the holiday season starting next week."
)
ZH = "星澜公司周二确认，X2手机电池存在缺陷，导致多台设备在杭州发生过热，用户可到任意门店免费检测。"
ZH_REPRINT = "【转载】星澜公司周二确认，X2手机电池存在缺陷，导致多台设备在杭州发生过热，用户可到任意门店免费检测！"
ZH_OTHER = "星澜公司周三表示，X2手机在杭州的销量大幅增长，门店将从下周起延长节假日营业时间。"


def test_reprint_joins_group_of_original() -> None:
    index = ReprintIndex()
    assert index.add("a", EN, T0) is None
    match = index.add("b", EN_REPRINT, T0 + timedelta(hours=1))
    assert match is not None
    assert match.group_id == "a"
    assert match.original_id == "a"
    assert match.matched_id == "a"
    assert match.group_size == 2
    assert match.similarity >= 0.5


def test_chinese_reprint_with_full_width_punctuation_matches() -> None:
    index = ReprintIndex()
    index.add("a", ZH, T0)
    match = index.add("b", ZH_REPRINT, T0 + timedelta(minutes=5))
    assert match is not None
    assert match.original_id == "a"


def test_same_topic_different_text_is_not_a_reprint() -> None:
    index = ReprintIndex()
    index.add("a", EN, T0)
    index.add("z", ZH, T0)
    assert index.add("b", EN_OTHER, T0 + timedelta(hours=1)) is None
    assert index.add("y", ZH_OTHER, T0 + timedelta(hours=1)) is None
    assert index.group_of("b") == "b"


def test_earlier_reprint_arriving_late_becomes_original() -> None:
    index = ReprintIndex()
    index.add("late", EN, T0 + timedelta(hours=3))
    match = index.add("early", EN_REPRINT, T0)
    assert match is not None
    assert match.group_id == "late"  # group ids are stable
    assert match.original_id == "early"
    assert match.original_published_at == T0


def test_adding_the_same_mention_twice_is_idempotent() -> None:
    index = ReprintIndex()
    index.add("a", EN, T0)
    first = index.add("b", EN_REPRINT, T0 + timedelta(hours=1))
    again = index.add("b", EN_REPRINT, T0 + timedelta(hours=1))
    assert first is not None and again is not None
    assert again.group_size == 2
    assert len(index) == 2
    assert index.add("a", EN, T0) is None


def test_short_posts_only_match_exactly() -> None:
    index = ReprintIndex()
    index.add("a", "转发微博", T0)
    assert index.add("b", "转发 微博！", T0) is not None
    assert index.add("c", "转发视频", T0) is None


def test_mentions_older_than_the_window_are_forgotten() -> None:
    index = ReprintIndex(DedupConfig(window=timedelta(days=1)))
    index.add("old", EN, T0)
    index.add("x", ZH, T0 + timedelta(days=2))
    assert index.group_of("old") is None
    assert index.add("new", EN_REPRINT, T0 + timedelta(days=2)) is None


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReprintIndex().add("a", EN, datetime(2025, 1, 1))  # noqa: DTZ001


def test_batch_add_gives_the_same_groups() -> None:
    index = ReprintIndex()
    results = index.add_many([("a", EN, T0), ("b", EN_OTHER, T0), ("c", EN_REPRINT, T0)])
    assert results[0] is None and results[1] is None
    assert results[2] is not None and results[2].group_id == "a"
    one_by_one = ReprintIndex()
    expected = [
        one_by_one.add(doc_id, text, T0)
        for doc_id, text in [("a", EN), ("b", EN_OTHER), ("c", EN_REPRINT)]
    ]
    assert results == expected


def test_shingles_fold_case_width_and_punctuation() -> None:
    assert shingles("Hello, WORLD again") == shingles("hello world  again!")
    assert shingles("ＡＢＣ手机电池") == shingles("abc手机电池")
    assert shingles("星澜手机")[0] == "星澜手"
    assert shingles("星澜手机怎么样？Ｘ２：") == shingles("星澜手机怎么样?x2:")


def test_ascii_posts_cut_the_same_shingles_as_other_latin_text() -> None:
    # ASCII posts take a byte-level shortcut; a non-word non-ASCII character (…) sends
    # the same words down the general path.
    text = "Nimbus X2 phone: battery_fault in LEEDS -- owners can't wait!!"
    assert shingles(text) == [
        "nimbus x2",
        "x2 phone",
        "phone battery",
        "battery fault",
        "fault in",
        "in leeds",
        "leeds owners",
        "owners can",
        "can t",
        "t wait",
    ]
    assert shingles(text + " …") == shingles(text)
    assert shingles("Café au lait, s'il vous plaît") == [
        "café au",
        "au lait",
        "lait s",
        "s il",
        "il vous",
        "vous plaît",
    ]


def test_a_lone_mention_is_a_group_of_one_until_it_leaves_the_window() -> None:
    index = ReprintIndex(DedupConfig(window=timedelta(days=1)))
    index.add("a", EN, T0)
    index.add("b", EN_REPRINT, T0)
    index.add("z", ZH, T0)
    assert index.group_size("z") == 1
    assert index.group_size("a") == 2
    assert index.group_size("b") == 0  # b joined a's group; it has none of its own
    index.add("later", EN_OTHER, T0 + timedelta(days=2))
    assert index.group_size("z") == 0
    assert index.group_size("a") == 0


def test_datasketch_fallback_finds_the_same_reprint() -> None:
    index = ReprintIndex(backend="datasketch")
    assert index.backend == "datasketch"
    index.add("a", EN, T0)
    match = index.add("b", EN_REPRINT, T0)
    assert match is not None and match.group_id == "a"


def test_concurrent_adds_lose_nothing() -> None:
    index = ReprintIndex()
    index.add("orig", EN, T0)

    def worker(n: int) -> None:
        for i in range(50):
            index.add(f"{n}-{i}", EN_REPRINT + f" {n} {i}", T0 + timedelta(minutes=i))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(index) == 201
    assert index.group_size("orig") == 201


def test_small_evaluation_finds_planted_copies_without_false_matches() -> None:
    report = run_dedup_eval(distinct=1200, planted=60, rates=(0.02,), passes=2)
    assert report.false_matches == 0
    assert report.recall["en-words@0.02"] >= 0.95
    assert report.recall["zh-chars@0.02"] >= 0.95


def test_eval_dedup_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    eval_parser = sub.add_parser("eval")
    add_eval_dedup(eval_parser.add_subparsers())
    args = parser.parse_args(
        ["eval", "dedup", "--distinct", "400", "--planted", "20", "--rates", "0.02", "--json"]
    )
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["false_matches"] == 0
    assert set(out["recall"]) == {"en-words@0.02", "en-chars@0.02", "zh-chars@0.02"}
