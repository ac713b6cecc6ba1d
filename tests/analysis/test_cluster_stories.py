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


def test_a_post_from_before_a_story_that_arrives_late_does_not_join_it() -> None:
    # A retro search or an import brings week-old posts after the story is running; they
    # are as far from it as a post a week after it would be.
    c = StoryClusterer(half_life=timedelta(hours=2))
    story = c.add(BATTERY[1])
    old = c.add(_m("old", "My Nimbus X2 battery caught fire while charging", -24 * 7))
    near = c.add(_m("near", "Nimbus X2 battery caught fire overnight, charging", 1.5))
    assert old.is_new and old.story_id != story.story_id
    assert near.story_id == story.story_id
    assert c.stories[story.story_id].first_seen == BATTERY[1].published_at


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


# --- a developing story stays one story ---------------------------------------------------
BRAND, KETTLE, SAFETY, X2, X3, DAIRY = "brand", "kettle", "safety", "x2", "x3", "dairy"


def _zh(mid: str, text: str, hours: float, *topics: str, group: str | None = None) -> StoryMention:
    return StoryMention(
        mid, text, T0 + timedelta(hours=hours), "weibo", "", group or mid, None, topics, "zh"
    )


def _en(mid: str, text: str, hours: float, *topics: str, group: str | None = None) -> StoryMention:
    return StoryMention(
        mid, text, T0 + timedelta(hours=hours), "x", "", group or mid, None, topics, "en"
    )


def _routine(n: int) -> list[StoryMention]:
    """Everyday posts about the brand and others, so document frequencies mean something."""
    lines = [
        "明光净化器用了一个月，卧室空气明显好了，睡眠模式很安静",
        "明光扫地机器人避障不错，猫毛吸得很干净",
        "明光门锁指纹识别很快，老人用起来也方便",
        "明光充电宝能带上飞机吗，两万毫安那款",
        "星澜手机拍照真的能打，夜景比之前干净",
        "港湾银行信用卡积分可以换里程，出差很方便",
        "青山鲜奶早餐配燕麦，奶香很足",
        "飞途打车司机师傅很健谈，一路聊到家",
    ]
    return [_zh(f"r{i}", lines[i % len(lines)] + f"（第{i}条）", -48 + i, BRAND) for i in range(n)]


SCALD_STORY = [
    _zh(
        "k1",
        "明光K2电水壶烧水时壶盖突然弹开，孩子手臂被开水烫伤，客服四天不回复",
        0,
        BRAND,
        KETTLE,
        SAFETY,
    ),
    _zh("k2", "我家的明光K2电水壶壶盖也弹开过，是不是同一批次的问题", 1, BRAND, KETTLE),
    _zh("k3", "电水壶壶盖弹开烫伤孩子，明光客服还说是使用不当，太过分了", 2, BRAND, KETTLE, SAFETY),
    _zh("k4", "明光回应电水壶烫伤事件：系个例，与使用不当有关", 4, BRAND, KETTLE, SAFETY),
    _zh("k5", "“个例”“使用不当”？明光这份回应就是甩锅", 5, BRAND),
    _zh("k6", "甩锅之后又威胁追究法律责任，明光公关太差了", 6, BRAND),
    _zh("k7", "消协约谈明光，建议消费者暂停使用K2电水壶", 9, BRAND, KETTLE),
    _zh("k8", "明光致歉并召回K2电水壶，收回使用不当的说法", 14, BRAND, KETTLE, SAFETY),
    _zh("k9", "召回登记很顺利，明光这次致歉算是有诚意", 16, BRAND, SAFETY),
]


def test_a_developing_story_that_changes_its_words_stays_one_story() -> None:
    """Complaint, reply, backlash, regulator, recall: each post shares words with some
    earlier post, none with all of them. Against the centroid of the whole, later posts
    looked less and less alike, and the story split."""
    c = _cluster(_routine(40) + SCALD_STORY)
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert len({story_of[m.mention_id] for m in SCALD_STORY}) == 1
    assert not any(story_of[f"r{i}"] == story_of["k1"] for i in range(40))


def test_reposts_do_not_make_their_storys_own_words_look_common() -> None:
    """Sixty copies of the first post, counted as sixty documents, would make its words
    (壶盖, 弹开, 烫伤) look as common as the brand, and a new post about the same thing,
    in other words, would find no story to join."""
    copies = [
        _zh(f"c{i}", SCALD_STORY[0].text + f" 转发{i}", 0.1 + i / 100, BRAND, KETTLE, group="k1")
        for i in range(60)
    ]
    later = _zh("new", "看到壶盖弹开烫伤孩子的新闻，赶紧检查了自家厨房里的水壶", 3, BRAND, KETTLE)
    c = _cluster(_routine(40) + [SCALD_STORY[0], *copies, later])
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert story_of["new"] == story_of["k1"] == story_of["c59"]


def test_a_story_told_in_two_languages_at_the_same_time_is_one_story() -> None:
    english = [
        _en(
            "e1",
            "Viral in China: a Lumina K2 kettle lid popped open and scalded a child",
            8,
            BRAND,
            KETTLE,
            SAFETY,
        ),
        _en(
            "e2",
            "Just checked our Lumina K2 kettle after the scald reports from China. Unplugged.",
            9,
            BRAND,
            KETTLE,
            SAFETY,
        ),
        _en(
            "e3",
            "Lumina recalls K2 kettles after scald reports and apologises",
            31,
            BRAND,
            KETTLE,
            SAFETY,
        ),
    ]
    c = StoryClusterer()
    merged: list[int] = []
    for m in sorted(_routine(40) + SCALD_STORY + english, key=lambda m: m.published_at):
        merged.extend(c.add(m).merged)
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert story_of["e1"] == story_of["e3"] == story_of["k1"]
    assert merged  # the English story was folded into the older Chinese one, and said so
    assert all(sid not in c.stories for sid in merged)


def test_stories_in_two_languages_stay_apart_when_they_are_about_other_things() -> None:
    """Same brand and same hours, but one is about the X2 and the other about the X3."""
    chinese = [
        _zh("z1", "星澜X2在高铁上冒烟，后盖鼓包，吓死人", 0, BRAND, X2, SAFETY),
        _zh("z2", "我的星澜X2电池也鼓包了，充电时发烫", 1, BRAND, X2, SAFETY),
        _zh("z3", "星澜X2电池鼓包的越来越多，官方还不回应", 2, BRAND, X2, SAFETY),
    ]
    english = [
        _en("n1", "Nimbus X3 announced: 200MP camera, 2K screen, from 3,999 yuan", 1, BRAND, X3),
        _en("n2", "Nimbus X3 hands-on: the 200MP camera is sharp in daylight", 2, BRAND, X3),
        _en("n3", "Nimbus X3 sold out in minutes, scalpers already listing it", 3, BRAND, X3),
    ]
    c = _cluster(
        chinese
        + english
        + [
            _zh(f"q{i}", f"星澜手机日常使用体验第{i}篇，续航和拍照都还行", -30 + i, BRAND)
            for i in range(10)
        ]
    )
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert story_of["z1"] == story_of["z3"] and story_of["n1"] == story_of["n3"]
    assert story_of["z1"] != story_of["n1"]


def test_the_same_kind_of_event_a_week_later_is_another_story() -> None:
    first = [
        _en("a1", "Harbor Bank app down? Can't log in, error 503", 0, BRAND),
        _en("a2", "Harbor Bank app outage: login fails with 503 for everyone", 0.5, BRAND),
    ]
    again = [
        _en("b1", "Harbor Bank app down again? Can't log in, error 503", 24 * 7, BRAND),
        _en("b2", "Harbor Bank app outage again, login fails with 503", 24 * 7 + 0.5, BRAND),
    ]
    c = _cluster(first + again)
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert story_of["a1"] == story_of["a2"] and story_of["b1"] == story_of["b2"]
    assert story_of["a1"] != story_of["b1"]


def test_shared_words_do_not_join_two_brands_stories() -> None:
    """Both are recalls the regulator ordered, but one is about phones and one about milk."""
    phone = [
        _zh("p1", "市场监管部门约谈星澜，要求召回电池有缺陷的X2手机", 0, "nimbus", X2),
        _zh("p2", "星澜宣布召回X2手机，免费更换电池", 2, "nimbus", X2),
    ]
    milk = [
        _zh("m1", "市场监管部门抽检发现青山奶粉检出细菌，要求召回该批次", 1, "qingshan", DAIRY),
        _zh("m2", "青山乳业宣布召回该批次奶粉，全额退款", 3, "qingshan", DAIRY),
    ]
    c = _cluster(phone + milk)
    story_of = {m.mention_id: s.story_id for s in c.stories.values() for m in s.mentions}
    assert story_of["p1"] == story_of["p2"] and story_of["m1"] == story_of["m2"]
    assert story_of["p1"] != story_of["m1"]


def test_a_restarted_process_restores_stored_stories_and_continues_them() -> None:
    c = StoryClusterer()
    c.add(SCALD_STORY[0], story_id=41)
    c.add(SCALD_STORY[2], story_id=41)
    assert set(c.stories) == {41}
    follow_up = c.add(SCALD_STORY[1])
    assert follow_up.story_id == 41 and not follow_up.is_new
    assert c.add(_en("other", "Harbor Bank raises savings rates", 3)).story_id == 42


def test_a_merged_storys_reprints_and_expiry_follow_the_survivor() -> None:
    c = StoryClusterer()
    for m in [
        *SCALD_STORY[:3],
        *[
            _en(
                "e1",
                "Viral in China: a Lumina K2 kettle lid popped open and scalded a child",
                2.5,
                BRAND,
                KETTLE,
                SAFETY,
            ),
            _en(
                "e2",
                "Checked our Lumina K2 kettle after the scald reports from China",
                2.6,
                BRAND,
                KETTLE,
                SAFETY,
            ),
        ],
    ]:
        c.add(m)
    (story,) = c.stories.values()
    repost = c.add(
        _en("rt", "RT: Viral in China: a Lumina K2 kettle lid popped open", 3, BRAND, group="e1")
    )
    assert repost.story_id == story.story_id
    assert c.expire(T0 + timedelta(days=10)) == [story]
    assert not c.stories and not c._index and not c._by_topic and not c._by_group
