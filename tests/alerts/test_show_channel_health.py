"""The channels list says how each channel is doing: an error it has recovered from is not
shown as a current one, and the in-app channel says when it last worked, like the others;
a personal channel (one e-mail to each person an alert names) is marked as such."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Channel
from vigil.alerts.services import (
    create_channel,
    create_rule,
    deliver_due,
    in_app_channel,
    send_test,
)
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def _row(page: str, channel: Channel) -> str:
    row = page[page.index(f'id="channel-{channel.pk}"') :]
    return row[: row.index("</tr>")]


def test_an_error_the_channel_recovered_from_is_not_shown_as_current(client_for) -> None:
    # A trial's webhook said "working" beside the red error of its first, refused test.
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": "https://hooks.example.com/vigil"}
    )
    earlier = timezone.now() - dt.timedelta(minutes=5)
    Channel.objects.filter(pk=channel.pk).update(
        last_error="resolves to non-public address", last_error_at=earlier, consecutive_failures=1
    )
    admin = client_for("Administrator")
    failing = _row(admin.get("/alerts/channels/").content.decode(), channel)
    assert 'class="msg-error">resolves to non-public address' in failing
    Channel.objects.filter(pk=channel.pk).update(
        consecutive_failures=0, last_success_at=timezone.now()
    )
    working = _row(admin.get("/alerts/channels/").content.decode(), channel)
    assert "working" in working and "msg-error" not in working
    assert "fixed since: resolves to non-public address" in working


def test_a_test_that_passes_turns_the_rows_error_into_a_fixed_one_without_a_reload(
    client_for, httpserver
) -> None:
    # A trial's row kept its old red error beside the "✓ sent" until the page was reloaded.
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    Channel.objects.filter(pk=channel.pk).update(
        last_error="HTTP 503 from the receiver",
        last_error_at=timezone.now() - dt.timedelta(minutes=5),
        consecutive_failures=2,
    )
    admin = client_for("Administrator")
    result = admin.post(
        f"/alerts/channels/{channel.pk}/test/", HTTP_HX_REQUEST="true"
    ).content.decode()
    cell = result.split(f'<span id="last-error-{channel.pk}" hx-swap-oob="true">')[1]
    assert cell.lstrip().startswith('<span class="muted"')
    assert "fixed since: HTTP 503 from the receiver" in cell and "msg-error" not in cell


def test_the_in_app_channel_says_when_it_last_worked(client_for, make_user) -> None:
    # A trial's channels list showed when the webhook last worked, and nothing for the bell.
    wang = make_user("Responder")
    topic = make_topic()
    create_rule(
        name="Burns", kind="keyword", topic=topic, routing={"recipients": {"users": [wang.pk]}}
    )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户")])
    before = timezone.now()
    assert deliver_due().sent >= 1
    bell = in_app_channel()
    assert bell.last_success_at is not None and bell.last_success_at >= before
    admin = client_for("Administrator")
    row = _row(admin.get("/alerts/channels/").content.decode(), bell)
    shown = timezone.localtime(bell.last_success_at).strftime("%m-%d %H:%M")
    assert f'data-label="Last success"><span id="last-success-{bell.pk}">{shown}</span>' in row


def test_the_in_app_channel_notes_its_success_once_a_minute(make_user) -> None:
    # Every bell notice succeeds on the same row: one write of it per notice would queue
    # the outbox's workers behind each other.
    li = make_user("Administrator")
    recent = timezone.now() - dt.timedelta(seconds=30)
    Channel.objects.filter(pk=in_app_channel().pk).update(last_success_at=recent)
    assert send_test(in_app_channel(), actor=li).status == "sent"
    assert in_app_channel().last_success_at == recent
    earlier = timezone.now() - dt.timedelta(seconds=90)
    Channel.objects.filter(pk=in_app_channel().pk).update(last_success_at=earlier)
    send_test(in_app_channel(), actor=li)
    assert in_app_channel().last_success_at > recent


def test_the_channel_list_marks_personal_channels(client_for) -> None:
    # A trial could not tell from the list that "Personal e-mail" writes to each person.
    from vigil.alerts.services import create_channel

    mail = "mailto://127.0.0.1:2525?from=vigil@example.com"
    create_channel(name="Personal", kind="apprise", config={"urls": [mail], "to_recipients": True})
    create_channel(name="Team", kind="apprise", config={"urls": [mail + "&to=pr@example.com"]})
    page = client_for("Administrator").get("/alerts/channels/").content.decode()
    rows = {n: r for r in page.split("<tr")[1:] for n in ("Personal", "Team") if n in r}
    assert ">personal</span>" in rows["Personal"] and ">personal</span>" not in rows["Team"]


def test_saving_a_webhook_to_an_internal_address_says_it_will_be_refused(
    client_for, settings, zh_hans_catalogue
) -> None:
    # A trial's intranet PR bot saved without a word and failed only at its first test.
    admin = client_for("Administrator")
    form = {"name": "PR bot", "kind": "webhook", "url": "http://127.0.0.1:9/hook"}
    settings.ALLOW_PRIVATE_FETCH = True
    page = admin.post("/alerts/channels/new/", form, follow=True).content.decode()
    assert "internal address" not in page
    settings.ALLOW_PRIVATE_FETCH = False
    form["name"] = "PR bot 2"
    page = admin.post("/alerts/channels/new/", form, follow=True).content.decode()
    assert "127.0.0.1 is an internal address" in page and "VIGIL_ALLOW_PRIVATE_FETCH=1" in page
    assert Channel.objects.filter(name="PR bot 2").exists()  # saved all the same
    form["name"] = "PR bot 3"
    page = admin.post(
        "/alerts/channels/new/", form, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "127.0.0.1 是内网地址" in page


def test_the_api_says_the_same_warning_when_a_webhook_is_saved(client_for, settings) -> None:
    # An integrator's webhook to a private address saved through the API without a word.
    admin = client_for("Administrator")
    body = {"name": "Hook", "kind": "webhook", "config": {"url": "http://127.0.0.1:9/hook"}}
    settings.ALLOW_PRIVATE_FETCH = True
    made = admin.post("/api/alerts/channels", body, content_type="application/json").json()
    assert made["warning"] == ""
    settings.ALLOW_PRIVATE_FETCH = False
    listed = admin.get(f"/api/alerts/channels/{made['id']}").json()
    assert "127.0.0.1 is an internal address" in listed["warning"]
    assert "VIGIL_ALLOW_PRIVATE_FETCH=1" in listed["warning"]


def test_a_refused_address_is_said_under_its_field_in_the_readers_words(
    client_for, zh_hans_catalogue
) -> None:
    # A zh trial read 「urls：Apprise 无法识别地址 …」 above the form: the stored key's name.
    admin = client_for("Administrator")
    form = {"name": "钉钉群", "kind": "apprise", "urls": "https://example.com/robot"}
    page = admin.post("/alerts/channels/new/", form, HTTP_ACCEPT_LANGUAGE="zh-hans").content
    text = page.decode()
    assert "Apprise 无法识别地址" in text and "urls：" not in text and "urls:" not in text
    assert not Channel.objects.filter(name="钉钉群").exists()
    # The API points at the key at fault inside config, not at config.
    bad = admin.post(
        "/api/alerts/channels",
        {"name": "Hook", "kind": "webhook", "config": {"url": "ftp://x"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["loc"][-1] == "url"


def test_a_channel_is_paused_and_resumed_on_its_form(client_for) -> None:
    # A zh trial's broken bot kept failing (×18) with no way to stop it on the screens.
    admin = client_for("Administrator")
    form = {"name": "Bot", "kind": "webhook", "url": "https://hooks.example.com/bot"}
    admin.post("/alerts/channels/new/", form)
    channel = Channel.objects.get(name="Bot")
    assert channel.is_active  # a new channel sends
    admin.post(f"/alerts/channels/{channel.pk}/edit/", {**form, "paused": "on"})
    channel.refresh_from_db()
    assert not channel.is_active and channel.health == "paused"
    page = admin.get(f"/alerts/channels/{channel.pk}/edit/").content.decode()
    assert 'id="id_paused" checked' in page
    admin.post(f"/alerts/channels/{channel.pk}/edit/", form)
    channel.refresh_from_db()
    assert channel.is_active
    Channel.objects.filter(pk=channel.pk).update(consecutive_failures=3)
    listing = admin.get("/alerts/channels/").content.decode()
    assert 'title="failed 3 times in a row">×3' in listing


def test_a_failed_test_points_at_the_last_error_instead_of_saying_it_twice(client_for) -> None:
    # A zh trial's row said 「找不到主机名 …（DNS 解析失败）」 twice, side by side.
    channel = create_channel(name="Ops", kind="webhook", config={"url": "http://127.0.0.1:9/h"})
    result = (
        client_for("Administrator")
        .post(f"/alerts/channels/{channel.pk}/test/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    inline, _sep, cells = result.partition(f'<span id="health-{channel.pk}"')
    assert "the test failed: see Last error" in inline and "refused" not in inline
    assert "refused" in cells  # said once, in the Last error cell
