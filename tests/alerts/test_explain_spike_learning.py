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
        "按小时和星期几学习该专题的常规声量，最多读取 28 天的已存提及；"
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
    assert "最多读取 14 天的已存提及" in _help(page)
