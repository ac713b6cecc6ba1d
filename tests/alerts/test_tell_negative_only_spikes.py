"""A spike rule that counts only negative mentions says so wherever its count is read: the
alert page labels the count "Negative mentions", and the Rules page marks the rule (found in
the scale-mode trial: two rules both read "Volume spike", and "Mentions 26" read as all)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.alerts._support import make_topic
from vigil.alerts.models import Alert
from vigil.alerts.services import create_rule

pytestmark = pytest.mark.django_db


def test_a_negative_only_spike_alert_says_its_count_is_of_negative_mentions(
    client_for, zh_hans_catalogue
) -> None:
    # A trial read "Mentions 26" on a negative-only spike alert and took it for all mentions.
    at = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    common = {"origin": "rule", "level": "II", "first_seen": at, "last_seen": at}
    negative = Alert.objects.create(
        key="n",
        title="Spike in negative mentions: Kettle",
        title_code="spike",
        title_params={"topic": "Kettle", "negative_only": True},
        mention_count=26,
        **common,
    )
    every = Alert.objects.create(
        key="e",
        title="Volume spike: Kettle",
        title_code="spike",
        title_params={"topic": "Kettle"},
        mention_count=40,
        **common,
    )
    reader = client_for("Responder")
    page = reader.get(f"/alerts/{negative.pk}/").content.decode()
    assert "<dt>Negative mentions</dt><dd>26</dd>" in page
    page = reader.get(f"/alerts/{every.pk}/").content.decode()
    assert "<dt>Mentions</dt><dd>40</dd>" in page
    page = reader.get(f"/alerts/{negative.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<dt>负面舆情数</dt><dd>26</dd>" in page


def test_the_rules_page_says_which_spike_rules_count_negative_mentions_only(client_for) -> None:
    # A trial's Rules page showed two rules as "Volume spike", one of them negative-only.
    topic = make_topic()
    create_rule(name="All", kind="spike", topic=topic)
    create_rule(name="Bad", kind="spike", topic=topic, conditions={"negative_only": True})
    page = client_for("Viewer").get("/alerts/rules/").content.decode()
    rows = {name: row for row in page.split("<tr")[1:] for name in ("All", "Bad") if name in row}
    assert "Negative mentions only" in rows["Bad"] and "Negative mentions only" not in rows["All"]
