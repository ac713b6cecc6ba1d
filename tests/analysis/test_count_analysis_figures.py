"""The analysis screens' figures are counted by the database: same numbers, few queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MentionFactory
from vigil.analysis.figures import (
    sentiment_breakdown,
    sentiment_by_topic,
    sentiment_over_time,
    with_last_hour,
)
from vigil.analysis.models import Story
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match, Topic
from vigil.monitoring.services import create_plan, create_topic

pytestmark = pytest.mark.django_db


def _topics(count: int) -> list[Topic]:
    plan = create_plan(name="Brands")
    return [
        create_topic(plan, name=f"Brand {i}", query=f"brandword{i}", retro_days=0)
        for i in range(count)
    ]


def _mention(topic: Topic, *, days_ago: float = 0, **fields: object) -> Mention:
    mention = MentionFactory(published_at=timezone.now() - dt.timedelta(days=days_ago), **fields)
    Match.objects.create(mention=mention, topic=topic, published_at=mention.published_at)
    return mention


def test_sentiment_by_topic_counts_like_the_screen_always_did() -> None:
    first, second, quiet = _topics(3)
    _mention(first, sentiment="negative")
    _mention(first, sentiment="negative", sentiment_corrected="positive")  # correction wins
    _mention(first, sentiment="neutral")
    _mention(first, sentiment="")  # not judged
    _mention(first, sentiment="negative", relevance="noise")  # noise left out
    _mention(first, sentiment="negative", days_ago=10)  # before the period
    _mention(second, sentiment="positive")
    since = timezone.now() - dt.timedelta(days=7)

    figures = sentiment_by_topic([first.pk, second.pk, quiet.pk], since)

    assert figures[first.pk] == {"positive": 1, "neutral": 1, "negative": 1, "unknown": 1}
    assert figures[second.pk] == {"positive": 1, "neutral": 0, "negative": 0, "unknown": 0}
    assert figures[quiet.pk] == {"positive": 0, "neutral": 0, "negative": 0, "unknown": 0}
    mentions = Mention.objects.filter(matches__topic=first, published_at__gte=since)
    assert sentiment_breakdown(mentions) == figures[first.pk]


def test_the_overview_asks_the_same_number_of_queries_for_many_topics(client_for) -> None:
    analyst = client_for("Analyst")
    topics = _topics(2)
    for topic in topics:
        _mention(topic, sentiment="negative")
    with CaptureQueriesContext(connection) as few:
        assert analyst.get("/analysis/").status_code == 200
    plan = topics[0].plan
    for i in range(8):
        _mention(create_topic(plan, name=f"More {i}", query=f"moreword{i}", retro_days=0))
    with CaptureQueriesContext(connection) as many:
        page = analyst.get("/analysis/").content.decode()
    assert "More 7" in page
    assert len(many) == len(few)  # not one query per topic


def test_a_story_counts_its_mentions_of_the_last_hour() -> None:
    now = timezone.now()
    story = Story.objects.create(title="Kettle burns", first_seen=now, last_seen=now)
    other = Story.objects.create(title="Quiet", first_seen=now, last_seen=now)
    for minutes in (5, 30, 90):
        MentionFactory(story=story, published_at=now - dt.timedelta(minutes=minutes))
    MentionFactory(story=other, published_at=now - dt.timedelta(hours=3))

    counted = {s.pk: s.last_hour for s in with_last_hour(Story.objects.all(), now=now)}

    assert counted == {story.pk: 2, other.pk: 0}


def test_stories_mentions_are_indexed_by_story_and_time() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "mentions_mention")
    assert any(
        c["index"] and c["columns"] == ["story_id", "published_at"] for c in constraints.values()
    )


def test_the_overview_opens_on_the_brands_hot_words_and_explains_an_empty_agreement(
    client_for,
) -> None:
    plan = create_plan(name="Lumina")
    purifier = create_topic(
        plan, name="AirPure purifier", kind="product", query="airpure", retro_days=0
    )
    brand = create_topic(plan, name="Lumina brand", kind="brand", query="lumina", retro_days=0)
    _mention(purifier, title="airpure filters", text="airpure filters airpure filters")
    _mention(brand, title="kettle lid", text="kettle lid kettle lid")
    page = client_for("Analyst").get("/analysis/").content.decode()
    assert "Hot words — Lumina brand" in page  # not the first topic by name
    assert "no corrections yet" in page and "0 of 0" not in page
    chosen = client_for("Analyst").get(f"/analysis/?topic={purifier.pk}").content.decode()
    assert "Hot words — AirPure purifier" in chosen


def test_the_overview_counts_all_stories_not_the_ten_it_lists(client_for) -> None:
    """The tile read "10" whenever there were ten or more, and single posts were listed
    as stories here but nowhere else."""
    now = timezone.now()
    for i in range(12):
        Story.objects.create(title=f"Story {i}", first_seen=now, last_seen=now, size=2, impact=i)
    Story.objects.create(title="A lone post", first_seen=now, last_seen=now, size=1, impact=99)
    page = client_for("Analyst").get("/analysis/").content.decode()
    assert '">12</a></div><div class="tile-l">stories of two or more mentions' in page
    assert "A lone post" not in page and "Story 11" in page and "Story 1<" not in page


def test_sentiment_over_time_counts_per_day_from_the_readers_midnight() -> None:
    """Corrections win, noise is left out, days cut at Shanghai's midnight, one query."""
    topic, other = _topics(2)
    now = dt.datetime(2026, 11, 10, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai

    def at(when: dt.datetime, **fields: object) -> None:
        mention = MentionFactory(published_at=when, **fields)
        Match.objects.create(mention=mention, topic=topic, published_at=when)

    today_early = dt.datetime(2026, 11, 9, 17, 0, tzinfo=dt.UTC)  # 01:00 on the 10th there
    at(today_early, sentiment="negative")
    at(today_early, sentiment="negative", sentiment_corrected="positive")
    at(today_early, sentiment="negative", relevance="noise")
    at(dt.datetime(2026, 11, 9, 15, 0, tzinfo=dt.UTC), sentiment="neutral")  # 23:00 on the 9th
    at(dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC), sentiment="negative")  # before the week
    _mention(other, sentiment="negative")

    with timezone.override("Asia/Shanghai"), CaptureQueriesContext(connection) as queries:
        figures = sentiment_over_time(topic.pk, 7, now=now)

    assert len(queries) == 1
    assert figures["unit"] == "day"
    assert figures["buckets"][0] == "2026-11-04T00:00:00"
    assert figures["buckets"][-1] == "2026-11-10T00:00:00"
    series = figures["series"]
    assert series["negative"] == [0, 0, 0, 0, 0, 0, 1]
    assert series["positive"] == [0, 0, 0, 0, 0, 0, 1]
    assert series["neutral"] == [0, 0, 0, 0, 0, 1, 0]
    assert series["unknown"] == [0] * 7


def test_sentiment_over_time_counts_per_hour_for_a_day() -> None:
    (topic,) = _topics(1)
    now = dt.datetime(2026, 11, 10, 4, 20, tzinfo=dt.UTC)
    for minutes in (5, 15, 70):
        when = now - dt.timedelta(minutes=minutes)
        mention = MentionFactory(published_at=when, sentiment="negative")
        Match.objects.create(mention=mention, topic=topic, published_at=when)

    with timezone.override("Asia/Kolkata"):  # half-hour offset: local hours, not UTC ones
        figures = sentiment_over_time(topic.pk, 1, now=now)

    assert figures["unit"] == "hour"
    assert len(figures["buckets"]) == 24
    assert figures["buckets"][-1] == "2026-11-10T09:00:00"  # 09:50 there
    assert figures["series"]["negative"][-2:] == [1, 2]  # 08:40 | 09:35, 09:45


def test_an_autumn_night_has_one_bucket_per_wall_clock_hour() -> None:
    (topic,) = _topics(1)
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)  # London left summer time at 02:00
    with timezone.override("Europe/London"):
        buckets = sentiment_over_time(topic.pk, 1, now=now)["buckets"]
    assert len(buckets) == len(set(buckets)) == 23


def test_the_overview_and_the_topic_page_chart_sentiment_over_time(client_for) -> None:
    (topic,) = _topics(1)
    _mention(topic, sentiment="negative")
    analyst = client_for("Analyst")
    overview = analyst.get(f"/analysis/?topic={topic.pk}&period=30d").content.decode()
    assert "Sentiment over time — Brand 0" in overview
    assert 'id="sentiment-over-time-data"' in overview and '"unit": "day"' in overview
    hourly = analyst.get(f"/analysis/?topic={topic.pk}&period=1d").content.decode()
    assert '"unit": "hour"' in hourly
    detail = analyst.get(f"/topics/{topic.pk}/").content.decode()
    assert 'id="sentiment-over-time"' in detail
