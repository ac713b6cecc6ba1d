"""The rule form says what a spike rule learns from: the topic's usual volume for each hour and
weekday, from the stored mentions it really reads (spikes.LEARN_HISTORY), and that it is sharper once
it has seen every weekday. A trial's users read only "its daily rhythm" and "after one day"."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

pytestmark = pytest.mark.django_db


def _help(page: str) -> str:
    """The text of the spike help row on what the rule learns from."""
    found = re.search(r'<div class="([^"]*)" id="spike-learning"><small[^>]*>(.*?)</small>', page)
    assert found is not None
    # Shown with the spike settings only (the form's CSS shows .cond-<kind> for the kind).
    assert found.group(1).split() == ["form-row", "cond", "cond-spike", "wide"]
    return html.unescape(found.group(2))


def test_the_spike_settings_say_the_rule_learns_the_weekly_rhythm(
    client_for, zh_hans_catalogue
) -> None:
    responder = client_for("Responder")
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _help(page) == (
        "Learns the topic's usual volume for each hour and weekday from up to 28 days of its "
        "stored mentions; it can alert after one day, and is sharper once it has seen every "
        "weekday."
    )
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert _help(page) == (
        "按小时和星期几学习该专题的常规声量，最多读取 28 天的已存舆情；"
        "满一天即可预警，一周七天都见过后判断更准。"
    )


def test_the_history_it_names_is_the_history_the_rule_reads(
    client_for, monkeypatch, zh_hans_catalogue
) -> None:
    monkeypatch.setattr("vigil.alerts.services.spikes.LEARN_HISTORY", dt.timedelta(days=14))
    responder = client_for("Responder")
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "from up to 14 days of its stored mentions" in _help(page)
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "最多读取 14 天的已存舆情" in _help(page)


def _zone_help(page: str) -> str:
    found = re.search(r'id="id_timezone".*?<small class="muted">(.*?)</small>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_time_zone_says_a_spike_rule_days_follow_it(client_for, zh_hans_catalogue) -> None:
    # The zone sets where a spike rule's days start (a Beijing Monday at Beijing midnight), but
    # its help named only quiet hours, weekends and the digest, far below the spike settings.
    responder = client_for("Responder")
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "so do a spike rule's days (its weekly rhythm)" in _zone_help(page)
    assert "learn its history again" in _zone_help(page)
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "声量激增规则的“天”（每周节律）也按此时区划分" in _zone_help(page)
