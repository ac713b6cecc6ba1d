"""A shared channel (a team chat, a group mailbox, a webhook) has its own language of
messages, and its test message is written in it, as its alerts will be.

A zh trial's team sent a test to its webhook and read Chinese (the tester's language); the
alerts that followed were English, the installation's, and nothing on the screens said why."""

from __future__ import annotations

import html

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Channel
from vigil.alerts.services import create_channel, create_rule, deliver_due, send_test
from vigil.alerts.services.config import RuleError
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def test_a_shared_channel_speaks_its_own_language(
    httpserver, make_user, settings, zh_hans_catalogue
) -> None:  # noqa: ANN001
    settings.LANGUAGE_CODE = "en"
    httpserver.expect_request("/zh").respond_with_data("ok")
    httpserver.expect_request("/en").respond_with_data("ok")
    chinese = create_channel(
        name="Team zh",
        kind="webhook",
        config={"url": httpserver.url_for("/zh")},
        language="zh-hans",
    )
    english = create_channel(name="Team", kind="webhook", config={"url": httpserver.url_for("/en")})
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        conditions={"query": "烫伤"},
        routing={"channels": [chinese.pk, english.pk]},
    )
    evaluate_new_mentions([matched_mention(topic, title="水壶烫伤了孩子")])
    deliver_due()
    bodies = {r.path: r.get_json() for r, _response in httpserver.log}
    assert "Ⅱ级 · 1 条舆情" in bodies["/zh"]["text"]
    assert "Level II · 1 mention" in bodies["/en"]["text"]

    # The test message as the alerts read, whoever presses the button.
    httpserver.clear_log()
    li = make_user("Responder", "li", language="en")
    assert send_test(chinese, actor=li).status == "sent"
    (request, _response) = httpserver.log[-1]
    assert request.get_json()["title"] == "Vigil 测试消息"
    assert request.get_json()["level"] == ""  # a test is no level-IV alert (a trial)


def test_the_language_is_checked_and_chosen_on_the_form(client_for, settings) -> None:
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(RuleError):
        create_channel(
            name="Bad", kind="webhook", config={"url": "https://x.example/"}, language="fr"
        )
    admin = client_for("Administrator")
    page = html.unescape(admin.get("/alerts/channels/new/").content.decode())
    assert "Language of messages" in page and "The installation's (English)" in page
    admin.post(
        "/alerts/channels/new/",
        {
            "name": "Team",
            "kind": "webhook",
            "url": "https://hooks.example/x",
            "language": "zh-hans",
        },
    )
    assert Channel.objects.get(name="Team").language == "zh-hans"
    listing = html.unescape(admin.get("/alerts/channels/").content.decode())
    assert "messages in Simplified Chinese" in listing


def test_a_new_channel_starts_in_the_language_of_whoever_sets_it_up(client_for) -> None:
    # A zh trial's new WeCom group was set to the installation's English by default.
    admin = client_for("Administrator")
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/alerts/channels/new/").content.decode()
    assert '<option value="zh-hans" selected>' in page
    admin.cookies["django_language"] = "en"
    page = admin.get("/alerts/channels/new/").content.decode()
    assert '<option value="" selected>' in page  # the installation's own
