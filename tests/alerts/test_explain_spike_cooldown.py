"""The rule form says what a spike rule does after it fires: the topic stays quiet for the
detector's cooldown unless its volume reaches the escalation multiple of the rate that fired.
A trial read the 6-hour episode window as the longest a spike rule keeps quiet; the numbers
come from the detector's own settings (SpikeConfig), never from the template."""

from __future__ import annotations

import functools
import re

import pytest

from tests.alerts._support import make_topic
from vigil.alerts.detectors.config import SpikeConfig
from vigil.alerts.services import create_rule

pytestmark = pytest.mark.django_db


def _help(page: str) -> tuple[str, str]:
    """The classes and the text of the spike help row."""
    found = re.search(r'<div class="([^"]*)" id="spike-quiet"><small[^>]*>(.*?)</small>', page)
    assert found is not None
    return found.group(1), found.group(2)


def test_the_spike_settings_say_how_long_the_topic_stays_quiet(
    client_for, zh_hans_catalogue
) -> None:
    responder = client_for("Responder")
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    classes, text = _help(page)
    # Shown with the spike settings only (the form's CSS shows .cond-<kind> for the kind).
    assert classes.split() == ["form-row", "cond", "cond-spike", "wide"]
    assert text == (
        "After a spike alert the topic stays quiet for 24 hours, unless its volume reaches "
        "4 times the rate that fired."
    )
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert (
        _help(page)[1]
        == "激增预警发出后，该专题 24 小时内不再重复预警，除非声量达到触发时的 4 倍。"
    )


def test_editing_a_spike_rule_shows_the_help_with_its_settings(client_for) -> None:
    rule = create_rule(name="Surge", kind="spike", topic=make_topic())
    page = client_for("Responder").get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert 'id="rule-form" data-kind="spike"' in page
    assert "stays quiet for 24 hours" in _help(page)[1]


def test_the_numbers_come_from_the_detector_settings(
    client_for, monkeypatch, zh_hans_catalogue
) -> None:
    tuned = functools.partial(SpikeConfig, cooldown_seconds=90 * 60, escalation_ratio=2.5)
    monkeypatch.setattr("vigil.alerts.forms.rules.SpikeConfig", tuned)
    responder = client_for("Responder")
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "stays quiet for 1.5 hours, unless its volume reaches 2.5 times" in _help(page)[1]
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1.5 小时内不再重复预警，除非声量达到触发时的 2.5 倍" in _help(page)[1]
    monkeypatch.setattr(
        "vigil.alerts.forms.rules.SpikeConfig",
        functools.partial(SpikeConfig, cooldown_seconds=3600),
    )
    page = responder.get("/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "stays quiet for 1 hour, unless its volume reaches 4 times" in _help(page)[1]
