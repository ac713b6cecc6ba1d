"""A developing story, told in Chinese and in English, is one stored story with one alert,
through the pipeline, across a merge and a restart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import RawItemFactory
from vigil.alerts.models import Alert, RuleSubject
from vigil.alerts.services import create_rule
from vigil.analysis.models import Story
from vigil.analysis.runtime import reset_runtime
from vigil.mentions.models import Mention
from vigil.monitoring.services import create_plan, create_topic
from vigil.pipeline.services import process_pending

pytestmark = pytest.mark.django_db

ROUTINE = [
    "明光净化器用了一个月，卧室空气明显好了，睡眠模式很安静",
    "明光扫地机器人避障不错，猫毛吸得很干净",
    "The Lumina smart lock unlocks fast, even for my parents",
    "Is the Lumina power bank allowed on planes? The 20K one",
    "明光门锁指纹识别很快，老人用起来也方便",
    "Lumina purifier filters are pricey but the air is much better",
]
ZH_FIRST = "明光K2电水壶烧水时壶盖突然弹开，孩子手臂被开水烫伤，客服四天不回复"
ZH_LATER = "又一位家长说明光K2电水壶壶盖弹开，孩子被开水烫伤，明光客服还说是使用不当"
EN = [
    "Viral in China: a Lumina K2 kettle lid popped open at the boil and scalded a child",
    "Checked our Lumina K2 kettle after the scald reports from China: the lid popped open too",
    "Lumina K2 kettle lid popping open and scalding kids? Unplugging ours tonight",
]


@pytest.fixture
def plan():  # noqa: ANN201
    plan = create_plan(name="Lumina")
    brand = create_topic(plan, name="Brand", query="明光 OR Lumina", retro_days=0)
    create_topic(plan, name="Kettle", query='"Lumina K2" OR 电水壶 OR kettle', retro_days=0)
    create_topic(
        plan,
        name="Safety",
        query="(明光 OR Lumina) NEAR/20 (烫伤 OR scald* OR 弹开 OR popped)",
        retro_days=0,
    )
    return brand


def _push(text: str, minutes_ago: float) -> None:
    published = timezone.now() - dt.timedelta(minutes=minutes_ago)
    RawItemFactory(payload={"title": "", "text": text, "published_at": published.isoformat()})
    process_pending()


def test_the_story_in_two_languages_is_one_stored_story_with_one_alert(plan) -> None:
    rule = create_rule(
        name="Catching fire",
        kind="story_growth",
        topic=plan,
        level="II",
        conditions={"min_per_hour": 3},
    )
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    _push(ZH_FIRST, 50)
    chinese = Mention.objects.get(text=ZH_FIRST).story_id
    for i, text in enumerate(EN):  # the English story grows first and fires
        _push(text, 40 - i)
    english = Mention.objects.get(text=EN[0]).story_id
    assert english != chinese
    first = Alert.objects.get(rule=rule)
    assert first.story_id == english

    _push(ZH_LATER, 30)  # the Chinese story's second post: the two are found to be one

    assert not Story.objects.filter(pk=english).exists()
    story = Story.objects.get(pk=chinese)
    members = set(Mention.objects.filter(story=story).values_list("text", flat=True))
    assert members == {ZH_FIRST, ZH_LATER, *EN}
    assert story.size == 5
    alert = Alert.objects.get(rule=rule)  # the same alert, updated, not a second one
    assert alert.pk == first.pk and alert.story_id == chinese
    linked = set(alert.links_to_mentions.values_list("mention__text", flat=True))
    assert linked == {EN[2], ZH_LATER}  # the firing that opened it, and the update
    assert RuleSubject.objects.filter(rule=rule, subject=f"story:{chinese}").exists()


def test_a_restarted_process_continues_the_stored_story(plan) -> None:
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    _push(ZH_FIRST, 50)
    story = Mention.objects.get(text=ZH_FIRST).story_id
    reset_runtime()  # a new worker process: the clusterer is rebuilt from the database
    _push(ZH_LATER, 20)
    assert Mention.objects.get(text=ZH_LATER).story_id == story
    assert Story.objects.get(pk=story).size == 2


def test_a_story_quiet_for_three_days_leaves_memory_but_stays_stored(plan) -> None:
    from vigil.analysis.runtime import runtime

    _push(ZH_FIRST, 5 * 24 * 60)
    old = Mention.objects.get(text=ZH_FIRST).story_id
    assert old in runtime().story_rows.values()
    _push(EN[0], 10)
    assert old not in runtime().story_rows.values()
    assert len(runtime().stories.stories) == 1 and Story.objects.filter(pk=old).exists()
