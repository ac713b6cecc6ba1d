"""The outbox: signed webhooks, Apprise (JSON and e-mail), retries with backoff,
failing channels flagged to administrators, each delivery sent once, send test."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone
from werkzeug import Request, Response

from tests.alerts._support import (
    SmtpStub,
    mail_text,
    make_topic,
    matched_mention,
    personal_mail_channel,
)
from vigil.accounts.models import SystemNotice
from vigil.alerts.conditions import Recipients
from vigil.alerts.models import Alert, Channel, Delivery, Notification
from vigil.alerts.services import create_channel, create_rule, deliver_due, send_test
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.outbox import _claim_due, lease_length
from vigil.alerts.services.outcomes import CHANNEL_FLAG_AFTER, MAX_ATTEMPTS
from vigil.alerts.services.routing import queue_deliveries

pytestmark = pytest.mark.django_db


def _fire(channel: Channel, **routing: object) -> Alert:
    topic = make_topic()
    create_rule(
        name="Any",
        kind="keyword",
        topic=topic,
        level="II",
        routing={"channels": [channel.pk], **routing},
    )
    evaluate_new_mentions([matched_mention(topic, title="Kettle burns", url="https://x.example/1")])
    return Alert.objects.get()


def test_the_webhook_body_is_signed_with_the_channel_secret(httpserver) -> None:
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    channel = create_channel(
        name="Ops hook",
        kind="webhook",
        config={"url": httpserver.url_for("/hook"), "secret": "s" * 32},
    )
    alert = _fire(channel)
    report = deliver_due()
    assert report.sent == 1
    request = received[0]
    body = request.get_data()
    timestamp = request.headers["X-Vigil-Timestamp"]
    expected = hmac.new(b"s" * 32, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert request.headers["X-Vigil-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "alert.fired" and payload["level"] == "II"
    assert payload["alert"]["id"] == alert.pk and payload["alert"]["rule"]["kind"] == "keyword"
    assert payload["alert"]["mentions"][0]["title"] == "Kettle burns"
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.status == "sent" and delivery.attempts == 1
    assert deliver_due().sent == 0  # sent once


def test_apprise_json_url_reaches_a_local_server(httpserver) -> None:
    httpserver.expect_request("/apprise", method="POST").respond_with_data("ok")
    url = httpserver.url_for("/apprise").replace("http://", "json://")
    channel = create_channel(name="Team room", kind="apprise", config={"urls": [url]})
    _fire(channel)
    deliver_due()
    assert Delivery.objects.get(channel=channel).status == "sent"
    ((request, _response),) = httpserver.log
    body = json.loads(request.get_data())
    assert body["title"].startswith("[II] ") and "Level II" in body["message"]


def test_email_goes_to_each_recipient_through_smtp(make_user) -> None:
    alice = make_user("Responder", email="alice@example.com")
    bob = make_user("Responder", email="bob@example.com")
    with SmtpStub() as smtp:
        channel = personal_mail_channel(smtp)
        _fire(channel, recipients={"users": [alice.pk, bob.pk]})
        report = deliver_due()
    assert report.sent == 4  # e-mail and in-app, for each of the two
    assert sorted(m["rcpt"][0] for m in smtp.messages) == [
        "<alice@example.com>",
        "<bob@example.com>",
    ]
    assert "Kettle burns" in smtp.messages[0]["data"]
    assert Notification.objects.filter(user__in=[alice, bob]).count() == 2


def test_a_recipient_without_an_address_fails_alone_and_does_not_flag_the_channel(
    make_user,
) -> None:
    admin = make_user("Administrator", email="admin@example.com")
    people = [make_user("Responder") for _ in range(CHANNEL_FLAG_AFTER)]  # no e-mail
    with SmtpStub() as smtp:
        channel = personal_mail_channel(smtp)
        _fire(channel, recipients={"users": [p.pk for p in people] + [admin.pk]})
        deliver_due()
    failed = Delivery.objects.filter(channel=channel, status="failed")
    assert failed.count() == CHANNEL_FLAG_AFTER
    assert all("no e-mail address" in d.last_error for d in failed)
    assert [m["rcpt"] for m in smtp.messages] == [["<admin@example.com>"]]
    channel.refresh_from_db()
    assert channel.consecutive_failures == 0 and channel.flagged_at is None
    assert not SystemNotice.objects.filter(code="channel.failing").exists()


def test_messages_are_written_in_each_recipients_language(make_user, settings) -> None:
    settings.LANGUAGE_CODE = "en"
    li = make_user("Responder", email="li@example.com", language="zh-hans")
    bob = make_user("Responder", email="bob@example.com")
    with SmtpStub() as smtp:
        channel = personal_mail_channel(smtp)
        _fire(channel, recipients={"users": [li.pk, bob.pk]})
        deliver_due()
    by_rcpt = {m["rcpt"][0]: mail_text(m["data"]) for m in smtp.messages}
    assert "专题：" in by_rcpt["<li@example.com>"] and "Topic:" not in by_rcpt["<li@example.com>"]
    assert "Topic:" in by_rcpt["<bob@example.com>"]


def test_shared_channels_and_notices_follow_the_installation_language(
    httpserver, make_user, settings, zh_hans_catalogue
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    admin = make_user("Administrator", language="en")
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    channel = create_channel(name="群", kind="webhook", config={"url": httpserver.url_for("/hook")})
    _fire(channel)
    now = timezone.now()
    for _ in range(CHANNEL_FLAG_AFTER):
        deliver_due(now=now)
        now = Delivery.objects.get(channel=channel).next_attempt_at + dt.timedelta(seconds=1)
    body = json.loads(httpserver.log[0][0].get_data())
    assert "专题" in body["text"] and "条舆情" in body["text"]
    assert "连续失败" in SystemNotice.objects.get(code="channel.failing").message
    assert "failed 3 times in a row" in Notification.objects.get(user=admin, alert=None).title


def test_failures_back_off_then_give_up_and_the_channel_is_flagged(httpserver, make_user) -> None:
    admin = make_user("Administrator")
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    channel = create_channel(
        name="Flaky", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    _fire(channel)
    delivery = Delivery.objects.get(channel=channel)
    now = timezone.now()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=now)
        delivery.refresh_from_db()
        waits.append((delivery.next_attempt_at - now).total_seconds())
        now = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
    assert "HTTP 503" in delivery.last_error
    assert [round(w) for w in waits[:4]] == [30, 60, 120, 240]  # exponential backoff
    channel.refresh_from_db()
    assert channel.consecutive_failures == MAX_ATTEMPTS and channel.flagged_at is not None
    notice = SystemNotice.objects.get(code="channel.failing")
    assert notice.object_id == str(channel.pk) and "Flaky" in notice.message
    assert SystemNotice.objects.count() == 1  # flagged once, not at every failure
    assert Notification.objects.filter(user=admin, alert=None).count() == 1
    assert CHANNEL_FLAG_AFTER < MAX_ATTEMPTS


def test_a_retried_webhook_carries_the_same_delivery_id_and_a_fresh_signature(
    httpserver,
) -> None:
    """A receiver that timed out may have done its work: the retry must be recognisable."""
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("busy", status=503 if len(received) == 1 else 200)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    channel = create_channel(
        name="Retried", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    _fire(channel)
    delivery = Delivery.objects.get(channel=channel)
    deliver_due()
    deliver_due(now=timezone.now() + dt.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2
    ids = [r.headers["X-Vigil-Delivery"] for r in received]
    assert ids == [str(delivery.pk), str(delivery.pk)]
    secret = channel.config["secret"].encode()
    for request in received:
        timestamp = request.headers["X-Vigil-Timestamp"]
        body = request.get_data()
        mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert request.headers["X-Vigil-Signature"] == f"sha256={mac}"
        assert json.loads(body)["sent_at"] == int(timestamp)  # one clock reading, not two


def test_a_4xx_answer_is_permanent_and_not_retried(httpserver) -> None:
    httpserver.expect_request("/hook").respond_with_data("no such hook", status=404)
    channel = create_channel(
        name="Gone", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    _fire(channel)
    deliver_due()
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.status == "failed" and delivery.attempts == 1


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(settings, httpserver) -> None:
    settings.CHANNEL_TIMEOUT = 20
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    _fire(channel)
    delivery = Delivery.objects.get(channel=channel)
    now = timezone.now()
    assert _claim_due(now) == [delivery.pk]
    assert _claim_due(now) == []  # the other worker finds it leased
    assert deliver_due(now=now).sent == 0  # leased by the first worker
    assert not httpserver.log
    # The first worker died: its lease runs out and the delivery is sent after all, within
    # a minute (two sends' worth and ten seconds; a killed worker's rows waited two minutes).
    assert lease_length() == dt.timedelta(seconds=50)
    assert deliver_due(now=now + dt.timedelta(seconds=49)).sent == 0
    assert deliver_due(now=now + lease_length() + dt.timedelta(seconds=1)).sent == 1
    assert len(httpserver.log) == 1


def test_private_receivers_are_refused_unless_allowed(settings, httpserver) -> None:
    settings.ALLOW_PRIVATE_FETCH = False
    channel = create_channel(
        name="Inside", kind="webhook", config={"url": httpserver.url_for("/h")}
    )
    _fire(channel)
    deliver_due()
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.status == "failed" and "non-public address" in delivery.last_error


def test_send_test_records_the_outcome(httpserver, make_user) -> None:
    user = make_user("Responder")
    httpserver.expect_request("/ok").respond_with_data("ok")
    good = create_channel(name="Good", kind="webhook", config={"url": httpserver.url_for("/ok")})
    bad = create_channel(name="Bad", kind="webhook", config={"url": "http://127.0.0.1:9/none"})
    sent = send_test(good, actor=user)
    assert sent.status == "sent"
    failed = send_test(bad, actor=user)
    assert failed.status == "failed" and failed.last_error
    request = httpserver.log[0][0]
    assert json.loads(request.get_data())["event"] == "test"
    assert request.headers["X-Vigil-Delivery"] == str(sent.pk)


def test_bad_channel_configs_are_refused() -> None:
    from vigil.alerts.services import RuleError

    with pytest.raises(RuleError, match="http"):
        create_channel(name="x", kind="webhook", config={"url": "ftp://example.com"})
    with pytest.raises(RuleError, match="Apprise does not understand"):
        create_channel(name="y", kind="apprise", config={"urls": ["nosuch://thing"]})
    with pytest.raises(RuleError, match="unknown channel kind"):
        create_channel(name="z", kind="pigeon", config={})


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "mailto://ops:hunter2@smtp.example.com?to=a@example.com",
            "mailto://ops:***@smtp.example.com → a@example.com",  # who it goes to is said
        ),
        (
            # As the e-mail form writes it: read as the form's fields.
            "mailto://127.0.0.1:8025?from=a@example.com&to=b@example.com",
            "SMTP 127.0.0.1:8025 → b@example.com",
        ),
        ("ntfy://ntfy.sh/alerts?priority=high&token=sekrit", "ntfy://ntfy.sh/alerts"),
        ("mailtos://me@example.com", "mailtos://me@example.com"),
        # Chat bots keep tokens where a host or a user would be (a zh trial's list showed a
        # DingTalk secret and token in full, running off the page).
        (
            "dingtalk://SEC8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c@4f1b2c3d4e5f60718293a4b5c6d7e8f9/",
            "dingtalk://SEC8…@4f1b…/",
        ),
        ("wecombot://abcdefabcdef1234567890/", "wecombot://abcd…/"),
    ],
)
def test_apprise_urls_are_shown_without_passwords_or_queries(url: str, shown: str) -> None:
    from vigil.alerts.transports import build_transport

    assert build_transport("apprise", {"urls": [url]}).describe() == shown


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("dingtalk://4f1b2c3d4e5f60718293a4b5c6d7e8f9/", "DingTalk"),
        ("wecombot://abcdefabcdef1234567890/", "WeCom"),
        ("mailto://127.0.0.1:8025?from=a@example.com&to=b@example.com", "E-mail (SMTP server)"),
    ],
)
def test_the_channel_list_names_the_service_not_apprise(url: str, kind: str) -> None:
    from vigil.alerts.transports import build_transport

    assert build_transport("apprise", {"urls": [url]}).form_label() == kind


def test_default_channels_serve_rules_without_channels(httpserver, make_user) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    create_channel(
        name="Default", kind="webhook", config={"url": httpserver.url_for("/hook")}, is_default=True
    )
    topic = make_topic()
    create_rule(name="Any", kind="keyword", topic=topic)
    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    queue_deliveries(alert, Recipients(users=[make_user("Viewer").pk]), reason="fired")
    deliver_due()
    assert len(httpserver.log) == 1


def test_a_channel_that_answers_again_sends_its_waiting_retries_at_once(httpserver) -> None:
    """After an outage the backlog goes with the first success, not after its backoff (up to
    8 minutes) and after newer notices."""
    answers = iter([503, 200, 200])
    httpserver.expect_request("/hook").respond_with_handler(
        lambda _request: Response("", status=next(answers))
    )
    channel = create_channel(
        name="Back", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    alert = _fire(channel)
    start = timezone.now()
    deliver_due(now=start)
    fired = Delivery.objects.get(channel=channel, reason="fired")
    assert fired.status == "pending" and fired.next_attempt_at > start + dt.timedelta(seconds=29)

    queue_deliveries(alert, Recipients(), reason="escalated:1", now=start)
    assert deliver_due(now=start + dt.timedelta(seconds=2)).sent == 1  # the receiver is back
    assert deliver_due(now=start + dt.timedelta(seconds=7)).sent == 1  # the next pass

    fired.refresh_from_db()
    assert (fired.status, fired.attempts) == ("sent", 2)
    escalated = Delivery.objects.get(channel=channel, reason="escalated:1")
    sent_ids = [r.headers["X-Vigil-Delivery"] for r, _response in httpserver.log]
    assert sent_ids == [str(fired.pk), str(escalated.pk), str(fired.pk)]


@pytest.mark.parametrize(
    ("pasted", "stored"),
    [
        (
            "https://oapi.dingtalk.com/robot/send?access_token=4f1b2c3d4e5f60718293a4b5c6d7e8f9",
            "dingtalk://4f1b2c3d4e5f60718293a4b5c6d7e8f9/",
        ),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef-1234",
            "wecombot://abcdef-1234/",
        ),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d",
            "feishu://8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d/",
        ),
    ],
)
def test_a_chat_robots_own_webhook_address_is_understood(pasted: str, stored: str) -> None:
    # A zh trial pasted what the DingTalk robot page shows and was refused.
    from vigil.alerts.services import create_channel

    channel = create_channel(name="群机器人", kind="apprise", config={"urls": [pasted]})
    assert channel.config["urls"] == [stored]


def test_an_address_apprise_cannot_read_says_how_to_write_one() -> None:
    from vigil.alerts.services import RuleError, create_channel

    with pytest.raises(RuleError) as refused:
        create_channel(name="x", kind="apprise", config={"urls": ["https://example.com/robot"]})
    assert "dingtalk://ACCESS_TOKEN/" in str(refused.value)
