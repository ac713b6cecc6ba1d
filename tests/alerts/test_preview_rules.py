"""“What would have fired in the last 7 days”: each would-be alert is named by its topic and
explained in the reader's language, as the live alert would be."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.services.preview import preview_rule

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
