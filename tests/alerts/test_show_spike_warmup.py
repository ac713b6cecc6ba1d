"""The rules page says when a spike rule cannot alert yet: waiting for its topic's first
mentions, or learning the usual volume until a given time; nothing once it is ready."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.alerts._support import make_topic
from tests.factories import MentionFactory, SourceFactory
from vigil.alerts.services import create_rule
from vigil.alerts.services.spikes import BUCKET, bucket_floor, close_buckets
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 10, 0, 40, tzinfo=dt.UTC)


def _history(topic, hours: int) -> None:  # noqa: ANN001
    """Two matches in every bucket of the ``hours`` before NOW."""
    source = SourceFactory()
    mentions = []
    bucket = bucket_floor(NOW) - dt.timedelta(hours=hours)
    while bucket < bucket_floor(NOW):
        for i in range(2):
            at = bucket + dt.timedelta(seconds=60 + i)
            key = f"{topic.pk}-{at.timestamp():.0f}"
            mentions.append(
                MentionFactory.build(source=source, item_key=key, published_at=at, fetched_at=at)
            )
        bucket += BUCKET
    Mention.objects.bulk_create(mentions, batch_size=500)
    Match.objects.bulk_create(
        [Match(mention=m, topic=topic, published_at=m.published_at) for m in mentions],
        batch_size=500,
    )


def _row(page: str, rule_id: int) -> str:
    start = page.index(f'id="rule-{rule_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_rules_page_says_when_a_spike_rule_can_alert(client_for, zh_hans_catalogue) -> None:
    fresh = create_rule(name="Fresh", kind="spike", topic=make_topic(name="Fresh", query="a"))
    young = create_rule(name="Young", kind="spike", topic=make_topic(name="Young", query="b"))
    ready = create_rule(name="Ready", kind="spike", topic=make_topic(name="Ready", query="c"))
    _history(young.topic, hours=6)
    _history(ready.topic, hours=30)
    assert close_buckets(NOW) == 0
    client = client_for("Responder")

    page = client.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "waiting for the topic's first mentions" in _row(page, fresh.pk)
    # Six hours learnt: the first bucket it may judge starts a day after the first mention.
    first = bucket_floor(NOW) - dt.timedelta(hours=6)
    assert "can alert from " + (first + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M") in _row(
        page, young.pk
    )
    assert "warmup" not in _row(page, ready.pk)

    page = client.get("/alerts/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "正在等待该专题的首批舆情" in _row(page, fresh.pk)
    assert "正在学习该专题的常规声量" in _row(page, young.pk)
