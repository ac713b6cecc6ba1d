"""A receiver that hangs holds a worker for VIGIL_CHANNEL_TIMEOUT at most, whatever Apprise or
the channel's own timeouts allow: real sockets, against local servers that never answer or
answer a byte at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alerts._support import SilentSmtp, SleepingHttp, make_topic, matched_mention
from vigil.alerts.models import Channel, Delivery
from vigil.alerts.services import create_channel, create_rule, deliver_due, send_test
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db

CAP = 1  # VIGIL_CHANNEL_TIMEOUT in these tests, in seconds
#: Held for less than this, the send was cut by Vigil: Apprise alone waits 15 s for an SMTP
#: server, a minute for a service, and the webhook's own timeout is set to 60 s here.
WELL_UNDER_OWN_TIMEOUTS = 8


@pytest.fixture(autouse=True)
def _cap(settings) -> None:
    settings.CHANNEL_TIMEOUT = CAP


@pytest.fixture
def sleeping() -> Iterator[SleepingHttp]:
    with SleepingHttp() as server:
        yield server


def _fire_and_deliver(channel: Channel) -> tuple[Delivery, float]:
    topic = make_topic()
    create_rule(
        name="Any", kind="keyword", topic=topic, level="II", routing={"channels": [channel.pk]}
    )
    evaluate_new_mentions([matched_mention(topic, title="Kettle burns")])
    started = time.monotonic()
    report = deliver_due()
    held = time.monotonic() - started
    assert report.retrying == 1 and report.sent == 0
    return Delivery.objects.get(channel=channel), held


def _assert_retried_later(delivery: Delivery) -> None:
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error and delivery.claimed_until is None


def test_an_smtp_server_that_never_greets_is_given_up_after_the_cap() -> None:
    with SilentSmtp() as smtp:
        channel = create_channel(
            name="Mail",
            kind="apprise",
            config={
                "urls": [
                    f"mailto://127.0.0.1:{smtp.port}?from=vigil@example.com&to=ops@example.com"
                    "&mode=insecure"
                ]
            },
        )
        delivery, held = _fire_and_deliver(channel)
        assert smtp.connections  # it did reach the server
    assert held < WELL_UNDER_OWN_TIMEOUTS
    _assert_retried_later(delivery)


def test_an_smtp_server_that_greets_a_line_at_a_time_is_given_up_after_the_cap() -> None:
    """No single read waits long enough to time out: only a limit on the whole send helps."""
    with SilentSmtp(trickle=True) as smtp:
        channel = create_channel(
            name="Mail",
            kind="apprise",
            config={
                "urls": [
                    f"mailto://127.0.0.1:{smtp.port}?from=vigil@example.com&to=ops@example.com"
                    "&mode=insecure"
                ]
            },
        )
        delivery, held = _fire_and_deliver(channel)
    assert held < WELL_UNDER_OWN_TIMEOUTS
    _assert_retried_later(delivery)
    assert delivery.last_error == f"no answer within {CAP} s (VIGIL_CHANNEL_TIMEOUT)"
    assert delivery.last_error_code == "timeout"  # said in the reader's language on screens
    assert "127.0.0.1" in delivery.last_error_params["host"]


def test_a_chat_endpoint_that_sleeps_is_given_up_despite_long_apprise_timeouts(sleeping) -> None:
    url = sleeping.url.replace("http://", "json://") + "?cto=120&rto=120"
    channel = create_channel(name="Team room", kind="apprise", config={"urls": [url]})
    delivery, held = _fire_and_deliver(channel)
    assert sleeping.requests == 1
    assert held < WELL_UNDER_OWN_TIMEOUTS
    _assert_retried_later(delivery)


def test_a_webhook_that_sleeps_is_given_up_before_the_channels_own_timeout(sleeping) -> None:
    channel = create_channel(
        name="Hook",
        kind="webhook",
        config={"url": sleeping.url, "secret": "s" * 32, "timeout_seconds": 60},
    )
    delivery, held = _fire_and_deliver(channel)
    assert sleeping.requests == 1
    assert held < WELL_UNDER_OWN_TIMEOUTS
    _assert_retried_later(delivery)
    assert Channel.objects.get(pk=channel.pk).consecutive_failures == 1


def test_a_webhook_that_answers_a_byte_at_a_time_is_given_up_after_the_cap() -> None:
    with SleepingHttp(trickle=True) as server:
        channel = create_channel(
            name="Hook",
            kind="webhook",
            config={"url": server.url, "secret": "s" * 32, "timeout_seconds": 60},
        )
        delivery, held = _fire_and_deliver(channel)
    assert held < WELL_UNDER_OWN_TIMEOUTS
    _assert_retried_later(delivery)
    assert delivery.last_error == f"no answer within {CAP} s (VIGIL_CHANNEL_TIMEOUT)"
    assert (delivery.last_error_code, delivery.last_error_params) == (
        "timeout",
        {"host": f"POST {server.url}"},
    )


def test_send_test_on_the_channel_screen_is_capped_too(sleeping, make_user) -> None:
    """The "Send test" button waits in a web request: it must not hang the page."""
    admin = make_user("Administrator")
    channel = create_channel(
        name="Hook",
        kind="webhook",
        config={"url": sleeping.url, "secret": "s" * 32, "timeout_seconds": 60},
    )
    started = time.monotonic()
    delivery = send_test(channel, actor=admin)
    assert time.monotonic() - started < WELL_UNDER_OWN_TIMEOUTS
    assert delivery.status == Delivery.Status.FAILED and delivery.last_error


def test_the_cap_comes_from_vigil_channel_timeout(sleeping, tmp_path: Path) -> None:
    """Set in the environment, it reaches a send in a fresh process."""
    script = f"""
import django

django.setup()
from vigil.alerts.transports import Message, TransportError, build_transport

hook = build_transport("webhook", {{"url": {sleeping.url!r}, "timeout_seconds": 60}})
try:
    hook.send(Message(title="t", body="b"))
except TransportError as exc:
    print(exc)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    env.update(
        VIGIL_DATA_DIR=str(tmp_path),
        VIGIL_ALLOW_PRIVATE_FETCH="1",
        VIGIL_CHANNEL_TIMEOUT="2",
        DJANGO_SETTINGS_MODULE="vigil.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "no answer within 2 s (VIGIL_CHANNEL_TIMEOUT)", result.stderr

    env["VIGIL_CHANNEL_TIMEOUT"] = "0"
    refused = subprocess.run(
        [sys.executable, "-c", "import vigil.settings"], env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "VIGIL_CHANNEL_TIMEOUT" in refused.stderr
