"""The analysis screens' figures are counted by the database: same numbers, few queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MentionFactory
from vigil.analysis.figures import sentiment_breakdown, sentiment_by_topic, with_last_hour
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
