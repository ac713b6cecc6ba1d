"""“What would have fired in the last 7 days”: each would-be alert is named by its topic and
explained in the reader's language, as the live alert would be."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tests.alerts._support import make_topic, matched_mention
from tests.factories import MentionFactory, SourceFactory
from vigil.alerts.services.preview import preview_rule
from vigil.alerts.services.spikes import BUCKET, bucket_floor
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match

pytestmark = pytest.mark.django_db


def test_a_keyword_preview_names_the_topic_not_its_internal_key(client_for) -> None:
    # A trial's preview read "11-27 02:55 · topic:1 · 13 mentions".
    topic = make_topic(name="Kettle")
    matched_mention(topic, title="明光水壶烫伤")
    preview = preview_rule(kind="keyword", topic_ids=[topic.pk], conditions={"query": "烫伤"})
    assert [f.label for f in preview.fires] == ["Kettle"]
    form = {"name": "Burns", "kind": "keyword", "topic": topic.pk, "query": "烫伤", "level": "II"}
    page = client_for("Responder").post("/alerts/rules/preview/", form).content.decode()
    assert "· Kettle ·" in page and "topic:" not in page


def test_a_negative_share_preview_explains_itself_in_the_readers_language(
    zh_hans_catalogue,
) -> None:
    topic = make_topic(name="Kettle")
    start = timezone.now() - dt.timedelta(hours=2)
    for minute in range(4):
        matched_mention(topic, at=start + dt.timedelta(minutes=minute), sentiment="negative")
    conditions = {"threshold_percent": 50, "window_minutes": 60, "min_mentions": 4}
    with translation.override("en"):
        fire = preview_rule(kind="negative_share", topic_ids=[topic.pk], conditions=conditions)
    assert fire.fires[0].label == "Kettle"
    assert fire.fires[0].text == (
        "4 of 4 analysed mentions in the last 60 min are negative (threshold 50%)."
    )
    with translation.override("zh-hans"):
        chinese = preview_rule(kind="negative_share", topic_ids=[topic.pk], conditions=conditions)
    assert "negative" not in chinese.fires[0].text and "负面" in chinese.fires[0].text


def _busy_saturdays(topic, weeks: int, now: dt.datetime) -> None:  # noqa: ANN001
    """A topic with about one match per 5 minutes, and four times that on Saturdays."""
    rng = random.Random(5)
    source = SourceFactory()
    start = bucket_floor(now) - dt.timedelta(weeks=weeks)
    mentions = []
    bucket = start
    while bucket < bucket_floor(now):
        mean = 4.0 if bucket.weekday() == 5 else 1.0
        for _ in range(sum(rng.random() < mean / 8 for _ in range(8))):
            at = bucket + dt.timedelta(seconds=rng.randint(0, 299))
            mentions.append(
                MentionFactory.build(
                    source=source, item_key=f"s{len(mentions):038d}", published_at=at, fetched_at=at
                )
            )
        bucket += BUCKET
    Mention.objects.bulk_create(mentions, batch_size=1000)
    Match.objects.bulk_create(
        [Match(mention=m, topic=topic, published_at=m.published_at) for m in mentions],
        batch_size=1000,
    )


def test_a_spike_preview_learns_the_weeks_before_it_as_the_saved_rule_would() -> None:
    # Replayed from a cold start, the preview fired on every busy Saturday, which a saved
    # rule, taught four weeks of history, knows as the topic's weekly rhythm.
    topic = make_topic(name="Kettle")
    now = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Wednesday
    _busy_saturdays(topic, weeks=5, now=now)
    preview = preview_rule(kind="spike", topic_ids=[topic.pk], conditions={}, now=now)
    assert preview.scanned > 2000
    assert preview.fires == []


def test_a_spike_preview_says_the_mentions_its_window_holds() -> None:
    # As the live alert (test_watch_spikes): after a dip the detector's 15-minute window
    # counts a burst bucket only up to its cap, and the preview said that figure.
    topic = make_topic(name="Kettle")
    now = dt.datetime(2026, 3, 4, 10, 0, 40, tzinfo=dt.UTC)
    rng = random.Random(3)
    source = SourceFactory()
    mentions = []
    burst_start = bucket_floor(now) - BUCKET * 4
    bucket = burst_start - dt.timedelta(days=2)
    while bucket < bucket_floor(now):
        sizes = [9, 2, 11, 12]  # a rise with a dip: 11 and 12 are capped
        size = (
            sizes[(bucket - burst_start) // BUCKET] if bucket >= burst_start else rng.randint(0, 4)
        )
        for second in range(size):
            at = bucket + dt.timedelta(seconds=20 + second)
            mentions.append(
                MentionFactory.build(
                    source=source, item_key=f"w{len(mentions):038d}", published_at=at, fetched_at=at
                )
            )
        bucket += BUCKET
    Mention.objects.bulk_create(mentions, batch_size=1000)
    Match.objects.bulk_create(
        [Match(mention=m, topic=topic, published_at=m.published_at) for m in mentions],
        batch_size=1000,
    )
    preview = preview_rule(kind="spike", topic_ids=[topic.pk], conditions={}, now=now)
    [fire] = preview.fires
    assert fire.at == bucket_floor(now)
    assert fire.mentions == 2 + 11 + 12
    assert fire.text.startswith("25 mentions in 15 min, expected about ")


def test_a_spike_preview_says_which_alarms_are_growth_of_a_story() -> None:
    # The live rule tells a fourfold growth inside the quiet period as "Volume grew fourfold";
    # the preview listed it as one more alert, as if a new story had begun.
    topic = make_topic(name="Kettle")
    now = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    _busy_saturdays(topic, weeks=3, now=now - dt.timedelta(hours=2))
    start = bucket_floor(now - dt.timedelta(hours=2))
    for i, size in enumerate([12, 12, 12, 2, 2, 150]):
        for second in range(size):
            matched_mention(topic, at=start + BUCKET * i + dt.timedelta(seconds=second % 290))
    preview = preview_rule(kind="spike", topic_ids=[topic.pk], conditions={}, now=now)
    texts = [fire.text for fire in preview.fires]
    assert len(texts) == 2 and not texts[0].startswith("Grown")
    assert texts[1].startswith("Volume grew fourfold: 150 mentions in 5 min")
    # One alert would have been raised; its growth is a notice about it, not a second alert.
    page = render_to_string("alerts/_preview.html", {"preview": preview})
    heading = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "1 alert would have fired in the last 7 days, plus 1 notice that a story grew" in heading


def test_a_preview_says_the_zone_of_its_times(client_for) -> None:
    # A trial's preview listed "11-23 09:27 · Kettle …" with no zone, beside a rule form whose
    # time-zone field may name another.
    topic = make_topic(name="Kettle")
    matched_mention(topic, title="明光水壶烫伤")
    form = {"name": "Burns", "kind": "keyword", "topic": topic.pk, "query": "烫伤", "level": "II"}
    responder = client_for("Responder")
    responder.user.profile.timezone = "Asia/Shanghai"
    responder.user.profile.save()
    page = responder.post("/alerts/rules/preview/", form).content.decode()
    assert "Times in Asia/Shanghai" in page
    chinese = responder.post(
        "/alerts/rules/preview/", form, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "时区：Asia/Shanghai" in chinese
    none = {**form, "query": "爆炸"}
    assert "Times in" not in responder.post("/alerts/rules/preview/", none).content.decode()


def test_a_preview_says_how_many_mentions_met_the_rules_conditions(client_for) -> None:
    # A zh trial read "25 matches replayed" for 烫伤 and for a word with no hit alike.
    topic = make_topic(name="Kettle")
    matched_mention(topic, title="明光水壶烫伤")
    matched_mention(topic, title="明光水壶开箱")
    form = {"name": "Burns", "kind": "keyword", "topic": topic.pk, "level": "II"}
    responder = client_for("Responder")
    page = responder.post("/alerts/rules/preview/", {**form, "query": "烫伤"}).content.decode()
    assert "2 mentions of the topics replayed, 1 met the rule's conditions" in page
    none = responder.post("/alerts/rules/preview/", {**form, "query": "召回"}).content.decode()
    assert "2 mentions of the topics replayed, 0 met the rule's conditions" in none
