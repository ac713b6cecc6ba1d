"""An alert's page names the other alerts about the same posts: rules of several kinds warn
of one event each in its own way, and a zh trial's kettle scald stood in the inbox as four
alerts with nothing to say they were one event."""

from __future__ import annotations

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert
from vigil.alerts.services import create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.listing import related_alerts

pytestmark = pytest.mark.django_db


def test_alerts_sharing_a_post_name_each_other_and_others_do_not(client_for) -> None:
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, conditions={"query": "烫伤"})
    create_rule(name="Legal", kind="keyword", topic=topic, conditions={"query": "烫伤 OR 起诉"})
    create_rule(name="Launch", kind="keyword", topic=topic, conditions={"query": "发布会"})
    scald = matched_mention(topic, title="明光水壶烫伤了孩子", story=_story("烫伤"))
    launch = matched_mention(topic, title="明光新品发布会", story=_story("发布会"))
    evaluate_new_mentions([scald, launch])
    burns = Alert.objects.get(rule__name="Burns")
    legal = Alert.objects.get(rule__name="Legal")
    other = Alert.objects.get(rule__name="Launch")
    assert related_alerts(burns) == [legal] and related_alerts(other) == []

    page = client_for("Responder").get(f"/alerts/{burns.pk}/").content.decode()
    section = page[page.index("Other alerts about the same event") :]
    assert f'href="/alerts/{legal.pk}/"' in section and "Legal" in section
    # Its title names the rule already: not said twice (a zh trial).
    item = section[section.index(f'href="/alerts/{legal.pk}/"') :].split("</li>")[0]
    assert legal.rule.name in legal.display_title and item.count("Legal") == 1
    assert f'href="/alerts/{other.pk}/"' not in section
    alone = client_for("Responder").get(f"/alerts/{other.pk}/").content.decode()
    assert "Other alerts about the same event" not in alone


def _story(title: str):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from vigil.analysis.models import Story

    now = timezone.now()
    return Story.objects.create(title=title, first_seen=now, last_seen=now, size=1)


def test_a_brands_volume_alert_relates_by_its_main_story_not_by_every_post() -> None:
    # A brand's volume alert holds every post of its window; relating by any shared post
    # made every alert of the day related to every other.
    topic = make_topic()
    scald, review = _story("烫伤"), _story("测评")
    posts = [matched_mention(topic, title=f"烫伤 {n}", story=scald) for n in range(3)]
    posts.append(matched_mention(topic, title="AirPure 测评", story=review))
    create_rule(name="Any", kind="keyword", topic=topic)  # every post: mostly the scald
    create_rule(name="Review", kind="keyword", topic=topic, conditions={"query": "测评"})
    create_rule(name="Burns", kind="keyword", topic=topic, conditions={"query": "烫伤"})
    evaluate_new_mentions(posts)
    everything = Alert.objects.get(rule__name="Any")
    burns = Alert.objects.get(rule__name="Burns")
    review_alert = Alert.objects.get(rule__name="Review")
    assert related_alerts(everything) == [burns]
    assert related_alerts(review_alert) == []
