"""The inbox says when new alerts arrive, or open ones gain mentions, under its filters,
without a reload: a trial's bell rang for a new alert while the inbox beside it stayed as it
was until the page was reloaded."""

from __future__ import annotations

import html
import re

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.services import create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def _poll_url(page: str) -> str:
    return html.unescape(re.search(r'id="inbox-news"[^>]*hx-get="([^"]+)"', page).group(1))


def test_the_inbox_polls_for_news_under_its_own_filters(client_for) -> None:
    kettle, fridge = make_topic("Kettle", "kettle"), make_topic("Fridge", "fridge")
    for topic in (kettle, fridge):
        create_rule(name=f"{topic.name} any", kind="keyword", topic=topic, cooldown_minutes=360)
    evaluate_new_mentions([matched_mention(kettle, text="kettle one")])
    reader = client_for("Viewer")
    page = reader.get("/alerts/", {"topic": kettle.pk}).content.decode()
    poll = _poll_url(page)
    assert 'hx-trigger="every 15s"' in page and f"topic={kettle.pk}" in poll
    assert reader.get(poll).content.decode().strip() == ""  # nothing yet

    evaluate_new_mentions([matched_mention(fridge, text="fridge one")])  # another topic
    assert reader.get(poll).content.decode().strip() == ""
    evaluate_new_mentions([matched_mention(kettle, text="kettle two")])  # the same episode
    said = html.unescape(reader.get(poll).content.decode())
    assert "1 alert with new mentions — show" in said and "new alert" not in said
    assert f'href="?state=open&level=&topic={kettle.pk}&assigned=&reported_by="' in said

    create_rule(name="Kettle words", kind="keyword", topic=kettle, conditions={"query": "three"})
    evaluate_new_mentions([matched_mention(kettle, text="kettle three")])
    said = html.unescape(reader.get(poll).content.decode())
    assert "1 new alert · 1 alert with new mentions — show" in said


def test_a_bad_poll_says_nothing(client_for) -> None:
    reader = client_for("Viewer")
    assert reader.get("/alerts/news/", {"after": "x", "since": "y"}).content == b""
