from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vigil.analysis.stories import (
    Story,
    StoryClusterer,
    StoryMention,
    first_mention,
    propagation_path,
)

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


def _m(mid: str, text: str, hours: float, source: str = "", **kw: object) -> StoryMention:
    return StoryMention(mid, text, T0 + timedelta(hours=hours), source, **kw)  # type: ignore[arg-type]


BATTERY = [
    _m(
        "a",
        "Nimbus X2 battery explodes while charging in Leeds, owners report burns",
        0,
        "BBC",
        title="Nimbus X2 battery explosion",
        reprint_group="g1",
    ),
    _m("b", "Another Nimbus X2 battery caught fire overnight while charging", 1, "twitter"),
    _m(
        "c",
        "Nimbus X2 battery explodes while charging in Leeds, owners report burns",
        2,
        "yahoo",
        reprint_group="g1",
        cited_source="BBC",
    ),
]
OUTAGE = [
    _m("d", "Harbor Bank mobile app outage leaves customers unable to pay", 1, "Reuters"),
    _m(
        "e",
        "Harbor Bank app still down, customers unable to pay rent, outage day three",
        3,
        "reddit",
    ),
]
ZH = [
    _m("f", "星澜X2手机充电时电池爆炸，多名用户烧伤", 2, "新华社"),
    _m("g", "又一台星澜X2手机充电时电池起火，星澜称正在调查", 4, "微博"),
]


def _cluster(mentions: list[StoryMention], **kw: object) -> StoryClusterer:
    clusterer = StoryClusterer(**kw)  # type: ignore[arg-type]
    for m in sorted(mentions, key=lambda m: m.published_at):
        clusterer.add(m)
    return clusterer


def test_mentions_of_the_same_event_share_a_story_and_others_do_not() -> None:
    c = _cluster(BATTERY + OUTAGE + ZH)
    groups = sorted(sorted(str(m.mention_id) for m in s.mentions) for s in c.stories.values())
    assert groups == [["a", "b", "c"], ["d", "e"], ["f", "g"]]


def test_story_has_title_first_seen_sources_and_hourly_growth() -> None:
    c = _cluster(BATTERY)
    (story,) = c.stories.values()
    assert story.title() == "Nimbus X2 battery explosion"
    assert story.first_seen == T0
    assert story.sources == {"BBC": 1, "twitter": 1, "yahoo": 1}
    assert [n for _, n in story.per_hour()] == [1, 1, 1]
    assert story.growth_per_hour(T0 + timedelta(hours=2, minutes=30)) == (1, 0)
    assert "battery" in story.top_terms()


def test_a_quiet_story_decays_and_the_event_starts_a_new_one() -> None:
    c = StoryClusterer(half_life=timedelta(hours=2))
    first = c.add(BATTERY[0])
    later = c.add(_m("z", "Another Nimbus X2 battery caught fire while charging", 48))
    assert later.is_new and later.story_id != first.story_id


def test_reprint_group_joins_the_story_of_its_original() -> None:
    c = StoryClusterer(threshold=0.99)  # similarity alone would split everything
    c.add(BATTERY[0])
    result = c.add(_m("r", "completely different words", 1, reprint_group="g1"))
    assert not result.is_new


def test_propagation_path_from_reprint_groups_and_citations() -> None:
    mentions = [
        _m("o", "original", 0, "新华社", reprint_group="g"),
        _m("p", "portal copy", 1, "新浪", reprint_group="g"),
        _m("q", "copy of the portal copy", 2, "个人博客", reprint_group="g", cited_source="新浪"),
        _m("s", "unrelated", 0.5, "x"),
    ]
    edges = propagation_path(mentions)
    assert [(e.parent, e.child) for e in edges] == [("o", "p"), ("p", "q")]
    assert edges[0].delay == timedelta(hours=1)
    assert edges[1].parent_source == "新浪"
    first = first_mention(mentions)
    assert first is not None and first.mention_id == "o"


def test_expired_stories_leave_the_index() -> None:
    c = _cluster(BATTERY, max_idle=timedelta(days=1))
    gone = c.expire(T0 + timedelta(days=3))
    assert len(gone) == 1 and not c.stories
    assert c.add(BATTERY[1]).is_new


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        StoryClusterer().add(StoryMention("x", "text", datetime(2025, 1, 1)))  # noqa: DTZ001


def test_a_chinese_storys_terms_are_words_not_character_pairs() -> None:
    story = Story(1, T0, T0)
    for i, title in enumerate(
        [
            "今晚起部分服务出现故障，官方发布公告",
            "明光公告：今晚部分服务暂停维护",
            "部分服务故障 明光致歉",
        ]
    ):
        story.mentions.append(StoryMention(i, title, T0, title=title))
    terms = story.top_terms()
    assert "服务" in terms and "故障" in terms
    assert not {"务出", "分服", "时起"} & set(terms)


def test_keywords_of_untitled_posts_are_whole_words() -> None:
    story = Story(1, T0, T0)
    text = "Owners of the Lumina K2 kettle said the lid refuses to close during boiling."
    for i in range(3):
        story.mentions.append(StoryMention(i, text, T0))
    terms = story.top_terms(k=20)
    assert "close" in terms and "clos" not in terms  # not cut where a 60-character opening ends
