"""E-mail channels are set up with the fields of an SMTP server (server, port, encryption,
sign-in, sender, addresses), not by writing an Apprise URL: a new user's trial had to learn
Apprise's syntax to get e-mail. The form writes the URL; editing opens the fields again."""

from __future__ import annotations

import apprise
import pytest

from tests.alerts._support import SmtpStub
from vigil.alerts.models import Channel
from vigil.alerts.services import send_test
from vigil.alerts.transports.apprise_urls import smtp_fields, smtp_url

pytestmark = pytest.mark.django_db


def _form(**fields: object) -> dict[str, object]:
    return {
        "name": "PR mailbox",
        "kind": "email",
        "smtp_security": "none",
        "mail_from": "Vigil <vigil@example.com>",
        **fields,
    }


def test_an_email_channel_is_made_from_the_servers_fields_and_sends(client_for) -> None:
    admin = client_for("Administrator")
    with SmtpStub() as smtp:
        saved = admin.post(
            "/alerts/channels/new/",
            _form(
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                mail_to="pr@example.com, boss@example.com",
            ),
        )
        assert saved.status_code == 302
        channel = Channel.objects.get(name="PR mailbox")
        assert channel.kind == "apprise" and channel.config["to_recipients"] is False
        listing = admin.get("/alerts/channels/").content.decode()
        # As the form's fields, not the Apprise address it is stored as (a zh trial).
        assert f"SMTP 127.0.0.1:{smtp.port} → pr@example.com, boss@example.com" in listing
        # Listed as the form made it, not as "Apprise" (a trial's reading).
        assert "E-mail (SMTP server)" in listing and "Apprise (e-mail, chat, SMS)" not in listing
        assert send_test(channel, actor=admin.user).status == "sent"
    rcpt = sorted(r for mail in smtp.messages for r in mail["rcpt"])
    assert rcpt == ["<boss@example.com>", "<pr@example.com>"]
    assert all("From: Vigil <vigil@example.com>" in mail["data"] for mail in smtp.messages)


def test_the_form_asks_for_what_an_email_channel_needs(client_for, zh_hans_catalogue) -> None:
    admin = client_for("Administrator")
    page = admin.post("/alerts/channels/new/", _form(mail_from="")).content.decode()
    assert "Give the SMTP server&#x27;s name or address." in page
    assert "Give the sender&#x27;s address." in page
    assert "Give at least one address, or tick" in page
    # A personal channel needs no list: each person gets their own e-mail.
    personal = admin.post(
        "/alerts/channels/new/", _form(smtp_host="smtp.example.com", to_recipients="on")
    )
    assert personal.status_code == 302
    channel = Channel.objects.get(name="PR mailbox")
    assert channel.config["to_recipients"] is True and "to=" not in channel.config["urls"][0]
    listing = admin.get("/alerts/channels/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "SMTP smtp.example.com → 每位接收人的邮箱地址" in listing
    page = admin.post(
        "/alerts/channels/new/", _form(name="x"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "请填写 SMTP 服务器的名称或地址。" in page


def test_editing_opens_the_fields_and_keeps_the_password(client_for) -> None:
    admin = client_for("Administrator")
    admin.post(
        "/alerts/channels/new/",
        _form(
            smtp_host="smtp.exmail.qq.com",
            smtp_port=465,
            smtp_security="ssl",
            smtp_user="pr@example.com",
            smtp_password="p@ss:w+rd/?",
            mail_to="pr@example.com",
        ),
    )
    channel = Channel.objects.get(name="PR mailbox")
    page = admin.get(f"/alerts/channels/{channel.pk}/edit/").content.decode()
    assert '<option value="email" selected>' in page and 'value="smtp.exmail.qq.com"' in page
    assert "p@ss:w+rd/?" not in page  # the password is never shown
    admin.post(
        f"/alerts/channels/{channel.pk}/edit/",
        _form(
            smtp_host="smtp.exmail.qq.com",
            smtp_port=465,
            smtp_security="ssl",
            smtp_user="pr@example.com",
            mail_to="pr@example.com\nlead@example.com",
        ),
    )
    channel.refresh_from_db()
    fields = smtp_fields(channel.config["urls"][0])
    assert fields is not None and fields["smtp_password"] == "p@ss:w+rd/?"
    assert fields["mail_to"] == "pr@example.com\nlead@example.com"


def test_the_url_the_form_writes_is_what_apprise_reads() -> None:
    url = smtp_url(
        "smtp.example.com",
        587,
        "starttls",
        "u@example.com",
        "p@ss:&=",
        "Vigil <v@example.com>",
        ["a@example.com"],
    )
    service = apprise.Apprise.instantiate(url)
    assert service is not None
    assert (service.secure_mode, service.port, service.user, service.password) == (
        "starttls",
        587,
        "u@example.com",
        "p@ss:&=",
    )
    assert service.from_addr == ("Vigil", "v@example.com")
    assert smtp_fields("mailto://user:pw@smtp.example.com?to=a@example.com") is None  # by hand
    assert smtp_fields("slack://T/B/C") is None
