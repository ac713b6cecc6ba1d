"""A failed delivery is said in the reader's language: the common failures of a webhook or an
Apprise channel are stored as a code and parameters beside the raw English text, which
administrators can still unfold; older rows show their text as it was. A notice not yet sent
says whether a worker holds it or none has taken it."""

from __future__ import annotations

import datetime as dt
import html
import logging
import socket
import time

import pytest
from django.utils import timezone, translation
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import SystemNotice
from vigil.accounts.notices import notice_text
from vigil.alerts.conditions import Recipients
from vigil.alerts.models import Alert, Channel, Delivery, Notification
from vigil.alerts.services import create_channel, create_rule, deliver_due, send_test
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.outcomes import CHANNEL_FLAG_AFTER
from vigil.alerts.services.routing import queue_deliveries

pytestmark = pytest.mark.django_db


ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket closes


def _tested(make_user, kind: str, config: dict) -> Delivery:  # noqa: ANN001
    channel = create_channel(name=f"{kind} {Channel.objects.count()}", kind=kind, config=config)
    delivery = send_test(channel, actor=make_user("Administrator", email="ops@example.com"))
    assert delivery.status == "failed" and delivery.last_error
    return delivery


def _failure(delivery: Delivery) -> tuple[str, dict]:
    return delivery.last_error_code, delivery.last_error_params


def test_webhook_failures_are_stored_as_codes_beside_the_raw_text(
    make_user, httpserver: HTTPServer, settings
) -> None:
    httpserver.expect_request("/down").respond_with_data("overloaded", status=503)
    down = _tested(make_user, "webhook", {"url": httpserver.url_for("/down")})
    assert _failure(down) == ("http_status", {"host": "localhost", "status": 503})
    assert down.last_error == "HTTP 503: overloaded"  # the raw text is kept

    port = _closed_port()
    refused = _tested(make_user, "webhook", {"url": f"http://127.0.0.1:{port}/hook"})
    assert _failure(refused) == ("refused", {"host": "127.0.0.1"})

    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    late = _tested(
        make_user, "webhook", {"url": httpserver.url_for("/slow"), "timeout_seconds": 0.2}
    )
    assert _failure(late) == ("timeout", {"host": "localhost"})
    plain = httpserver.url_for("/down").replace("http://", "https://")
    assert _failure(_tested(make_user, "webhook", {"url": plain}))[0] == "tls"

    settings.ALLOW_PRIVATE_FETCH = False
    inside = _tested(make_user, "webhook", {"url": httpserver.url_for("/down")})
    assert _failure(inside) == ("blocked", {"host": "localhost"})
    nowhere = _tested(make_user, "webhook", {"url": "https://hooks.nowhere.invalid/vigil"})
    assert _failure(nowhere) == ("dns", {"host": "hooks.nowhere.invalid"})


def test_apprise_failures_are_classified_without_storing_its_debug_lines(
    make_user, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/down").respond_with_data("overloaded", status=503)
    down = _tested(
        make_user, "apprise", {"urls": [httpserver.url_for("/down").replace("http", "json", 1)]}
    )
    assert _failure(down) == ("http_status", {"host": "localhost", "status": 503})
    assert "error=503" in down.last_error

    port = _closed_port()
    mail = f"mailto://127.0.0.1:{port}?from=vigil@example.com&mode=insecure&to=a@example.com"
    refused = _tested(make_user, "apprise", {"urls": [mail]})
    assert _failure(refused) == ("refused", {"host": "127.0.0.1"})
    # The socket's words ("Socket Exception: … Connection refused") told the kind; they are
    # not stored, as Apprise's debug lines may quote a hook's token.
    assert "Connection refused" not in refused.last_error

    hook = f"json://127.0.0.1:{port}/hooks/s3cr3t-t0ken"  # a token in the path, as Slack's
    with caplog.at_level(logging.DEBUG):
        secret = _tested(make_user, "apprise", {"urls": [hook]})
    assert _failure(secret) == ("refused", {"host": "127.0.0.1"})
    assert "s3cr3t" not in secret.last_error
    assert not [r for r in caplog.records if "s3cr3t" in r.getMessage()]  # nor in Vigil's log

    personal = {"urls": [mail.split("&to=")[0]], "to_recipients": True}
    channel = create_channel(name="Mail", kind="apprise", config=personal)
    nobody = send_test(channel, actor=make_user("Responder"))  # no e-mail address
    assert _failure(nobody) == ("no_address", {})


def _fire(channel: Channel) -> Alert:
    topic = make_topic()
    create_rule(
        name="Any", kind="keyword", topic=topic, level="II", routing={"channels": [channel.pk]}
    )
    evaluate_new_mentions([matched_mention(topic, title="Kettle burns") for _ in range(2)])
    return Alert.objects.get()


def test_the_delivery_log_alert_and_channel_pages_say_the_error_in_chinese(
    client_for, httpserver: HTTPServer, zh_hans_catalogue
) -> None:
    httpserver.expect_request("/hook").respond_with_data("overloaded", status=503)
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    alert = _fire(channel)
    queue_deliveries(alert, Recipients(), reason="escalated:1")  # a second notice, same pass
    deliver_due()
    tried, waiting = Delivery.objects.filter(channel=channel).order_by("id")
    assert tried.last_error_code == "http_status"
    assert (waiting.last_error_code, waiting.last_error_params) == (
        "postponed",
        {"cause": "http_status", "cause_params": {"host": "localhost", "status": 503}},
    )
    said = "localhost 服务器出错（HTTP 503）"
    admin = client_for("Administrator")

    log = html.unescape(admin.get("/alerts/deliveries/", **ZH).content.decode())
    assert said in log and f"未尝试：该渠道刚刚发送失败（{said}）" in log
    assert "技术细节" in log and "HTTP 503: overloaded" in log  # the raw text, unfolded
    page = html.unescape(admin.get(f"/alerts/{alert.pk}/", **ZH).content.decode())
    assert said in page and "HTTP 503: overloaded" not in page
    channels = html.unescape(admin.get("/alerts/channels/", **ZH).content.decode())
    assert said in channels and "HTTP 503: overloaded" in channels
    viewer = html.unescape(client_for("Viewer").get("/alerts/deliveries/", **ZH).content.decode())
    assert said in viewer and "技术细节" not in viewer

    english = html.unescape(admin.get("/alerts/deliveries/").content.decode())
    assert "localhost had a server error (HTTP 503)" in english
    assert "not tried: the channel had just failed (localhost had a server error" in english

    items = admin.get("/api/alerts/deliveries", **ZH).json()["items"]
    first = next(d for d in items if d["id"] == tried.pk)
    assert first["last_error"] == "HTTP 503: overloaded"
    assert (first["last_error_code"], first["last_error_message"]) == ("http_status", said)
    (api_channel,) = [
        c for c in admin.get("/api/alerts/channels", **ZH).json() if c["id"] == channel.pk
    ]
    assert api_channel["last_error_message"] == said


def test_the_timeline_says_how_far_a_failing_notice_got(
    client_for, httpserver: HTTPServer, zh_hans_catalogue
) -> None:
    # A trial's timeline said "failed" and no more: not the attempts, nor when it gave up.
    httpserver.expect_request("/hook").respond_with_data("overloaded", status=503)
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    alert = _fire(channel)
    deliver_due()
    admin = client_for("Administrator")
    page = html.unescape(admin.get(f"/alerts/{alert.pk}/").content.decode())
    assert "(attempt 1 failed; next try " in page
    now = timezone.now()
    for _ in range(8):
        now += dt.timedelta(minutes=20)
        deliver_due(now=now)
    assert Delivery.objects.get(channel=channel).status == "failed"
    page = html.unescape(admin.get(f"/alerts/{alert.pk}/").content.decode())
    assert "(gave up after 6 attempts)" in page and "next try" not in page
    page = html.unescape(admin.get(f"/alerts/{alert.pk}/", **ZH).content.decode())
    assert "（尝试 6 次后放弃）" in page


def test_an_error_stored_before_codes_is_shown_as_it_was(client_for, zh_hans_catalogue) -> None:
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": "https://hooks.example.com/v"}
    )
    alert = _fire(channel)
    Delivery.objects.filter(alert=alert).update(last_error="ReadTimeout: timed out", attempts=1)
    log = client_for("Administrator").get("/alerts/deliveries/", **ZH).content.decode()
    assert "ReadTimeout: timed out" in log and "技术细节" not in log


def test_administrators_are_told_of_a_failing_channel_each_in_their_language(
    httpserver: HTTPServer, make_user, settings, zh_hans_catalogue
) -> None:
    settings.LANGUAGE_CODE = "en"
    li = make_user("Administrator", language="zh-hans")
    bob = make_user("Administrator", language="en")
    httpserver.expect_request("/hook").respond_with_data("overloaded", status=503)
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    _fire(channel)
    now = timezone.now()
    for _ in range(CHANNEL_FLAG_AFTER):
        deliver_due(now=now)
        now = Delivery.objects.get(channel=channel).next_attempt_at + dt.timedelta(seconds=1)
    chinese = Notification.objects.get(user=li, alert=None).title
    english = Notification.objects.get(user=bob, alert=None).title
    assert chinese == "渠道“Ops”已连续失败 3 次：localhost 服务器出错（HTTP 503）"
    assert (
        english == "Channel “Ops” failed 3 times in a row: localhost had a server error (HTTP 503)"
    )
    notice = SystemNotice.objects.get(code="channel.failing")
    assert notice.message == english  # stored in the installation's language …
    with translation.override("zh-hans"):
        assert notice_text(notice) == chinese  # … and said in the reader's
        # The bell's copy too, in the reader's language of the day, not the one it was sent in.
        assert Notification.objects.get(user=bob, alert=None).display_title == chinese
    with translation.override("en"):
        assert Notification.objects.get(user=li, alert=None).display_title == english


def test_a_channel_address_that_is_not_valid_is_refused_in_chinese(
    client_for, zh_hans_catalogue
) -> None:
    admin = client_for("Administrator")
    answer = admin.post(
        "/api/alerts/channels",
        {"name": "Ops", "kind": "webhook", "config": {"url": "ftp://hooks.example.com/v"}},
        content_type="application/json",
        **ZH,
    )
    assert answer.status_code == 400
    assert "config.url: 必须是 http(s) 网址" in answer.json()["error"]["message"]
    answer = admin.post(
        "/api/alerts/channels",
        {"name": "Mail", "kind": "apprise", "config": {"urls": ["nonsense://x"]}},
        content_type="application/json",
    )
    assert (
        "Apprise does not understand the address 'nonsense://x'"
        in answer.json()["error"]["message"]
    )
    # An e-mail address without a sender Apprise accepts says what is missing, in Chinese too.
    answer = admin.post(
        "/api/alerts/channels",
        {"name": "Mail", "kind": "apprise", "config": {"urls": ["mailto://127.0.0.1:2525"]}},
        content_type="application/json",
        **ZH,
    )
    message = answer.json()["error"]["message"]
    assert "'mailto://127.0.0.1:2525'" in message and "?from=vigil@example.com" in message
    assert "发件人" in message
    assert not Channel.objects.exclude(kind="in_app").exists()


def test_the_delivery_log_says_when_a_notice_is_being_sent_or_waits_for_a_worker(
    client_for,
) -> None:
    # A trial killed a worker mid-send: its rows read "pending" with a next try in the past,
    # and nothing said that a worker held them, or that no worker was taking them.
    from tests.alerts._support import burns_alert

    hook = create_channel(name="Hook", kind="webhook", config={"url": "https://hooks.example/x"})
    alert = burns_alert("II", channels=[hook.pk])
    row = Delivery.objects.get(alert=alert, channel=hook)
    admin = client_for("Administrator")
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert "due now: waiting for a worker" in admin.get("/alerts/deliveries/").content.decode()
    held = timezone.now() + dt.timedelta(minutes=2)
    Delivery.objects.filter(pk=row.pk).update(claimed_until=held)
    page = html.unescape(admin.get("/alerts/deliveries/").content.decode())
    until = timezone.localtime(held).strftime("%H:%M:%S")
    assert f"being sent (a worker holds it until {until}, then it is retried)" in page


def test_a_test_to_yourself_without_an_address_points_to_your_profile(client_for) -> None:
    # "the recipient has no e-mail address (add one on their profile)": the recipient was the
    # person who had just pressed Send test (a trial).
    channel = create_channel(
        name="Mail",
        kind="apprise",
        config={"urls": ["mailto://127.0.0.1:1/?from=v@example.com"], "to_recipients": True},
    )
    admin = client_for("Administrator")
    answer = admin.post(f"/alerts/channels/{channel.pk}/test/", HTTP_HX_REQUEST="true")
    said = answer.content.decode()
    assert "Your profile has no e-mail address" in said and 'href="/accounts/profile/"' in said


def test_a_test_on_a_shared_channel_names_its_own_address_not_the_tester(
    client_for, httpserver: HTTPServer
) -> None:
    # A zh trial's delivery log named the tester as the recipient of a test that went to the
    # team's mailbox; on a personal channel the tester is the recipient.
    httpserver.expect_request("/hook").respond_with_data("ok")
    admin = client_for("Administrator")
    shared = create_channel(
        name="Team hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    assert send_test(shared, actor=admin.user).status == "sent"
    page = html.unescape(admin.get("/alerts/deliveries/").content.decode())
    assert "the channel's own address (a test by" in page
    with translation.override("zh-hans"):
        personal = create_channel(name="Mine", kind="in_app", config={})
    assert send_test(personal, actor=admin.user).recipient_key == str(admin.user.pk)
