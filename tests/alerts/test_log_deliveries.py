"""The log says what happened to each delivery: sent, failed and retried (attempt, next try,
error), failed for good, a channel flagged as failing or working again. A trial's operator
watched a webhook answer 500 for minutes and found only counters in the workers' log."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone
from werkzeug import Response

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert, Channel, Delivery
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.outcomes import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

OUTCOMES = "vigil.alerts.services.outcomes"


def _fire(channel: Channel) -> Alert:
    topic = make_topic()
    create_rule(
        name="Any", kind="keyword", topic=topic, level="II", routing={"channels": [channel.pk]}
    )
    evaluate_new_mentions([matched_mention(topic, title="Kettle burns", url="https://x.example/1")])
    return Alert.objects.get()


def _lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == OUTCOMES]


def test_retries_giving_up_and_the_flag_each_write_one_line(httpserver, make_user, caplog) -> None:
    make_user("Administrator")
    httpserver.expect_request("/hook").respond_with_data("<h1>Bad\nGateway</h1>", status=500)
    channel = create_channel(
        name="Ops hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    alert = _fire(channel)
    delivery = Delivery.objects.get(channel=channel)
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
    where = f"delivery {delivery.pk} (alert {alert.pk}) to channel {channel.pk} (Ops hook)"
    with caplog.at_level(logging.INFO):
        for _ in range(MAX_ATTEMPTS):
            deliver_due(now=now)
            delivery.refresh_from_db()
            now = delivery.next_attempt_at + dt.timedelta(seconds=1)
    lines = _lines(caplog)
    assert lines[0] == (
        logging.WARNING,
        f"{where} failed at attempt 1/{MAX_ATTEMPTS}, next try 2026-11-28 09:00:30Z (in 30s): "
        "[http_status] HTTP 500: <h1>Bad Gateway</h1>",
    )
    flagged = [text for level, text in lines if "flagged as failing" in text]
    assert flagged == [
        f"channel {channel.pk} (Ops hook) flagged as failing after 3 failures in a row; "
        "administrators are told: HTTP 500: <h1>Bad Gateway</h1>"
    ]
    assert lines[-1][1].startswith(
        f"{where} failed for good at attempt {MAX_ATTEMPTS}/{MAX_ATTEMPTS} (the last attempt)"
    )
    assert all(level == logging.WARNING and "\n" not in text for level, text in lines)


def test_a_send_and_a_channel_working_again_are_said(httpserver, caplog) -> None:
    answers = iter([503, 200])
    httpserver.expect_request("/hook").respond_with_handler(
        lambda _request: Response("", status=next(answers))
    )
    channel = create_channel(
        name="Back", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    alert = _fire(channel)
    delivery = Delivery.objects.get(channel=channel)
    start = timezone.now()
    with caplog.at_level(logging.INFO):
        deliver_due(now=start)
        deliver_due(now=start + dt.timedelta(seconds=31))
    lines = _lines(caplog)
    assert lines[-2:] == [
        (
            logging.INFO,
            f"sent delivery {delivery.pk} (alert {alert.pk}) to channel {channel.pk} (Back)",
        ),
        (logging.INFO, f"channel {channel.pk} (Back) works again; 0 waiting notice(s) go now"),
    ]
