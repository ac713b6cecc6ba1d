"""A responder acknowledges from the e-mail itself: a signed link, no sign-in, one button.

On a phone, signing in to stop an escalation is the step people skip; PagerDuty and Opsgenie
mail an acknowledge link. Vigil's link opens a page with one button, so a mail scanner that
fetches every link acknowledges nothing; the button's POST does, as the person it was sent to.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core import signing
from django.test import Client

from tests.alerts._support import (
    SmtpStub,
    burns_alert,
    mail_text,
    make_topic,
    matched_mention,
    personal_mail_channel,
)
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import acknowledge_alert, close_alert, create_rule, deliver_due
from vigil.alerts.services.ack_links import ack_url_path
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.messages import message_for

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/alerts/ack/[^/\s]+/)")


def _mail_alert_to(person) -> str:  # noqa: ANN001
    topic = make_topic()
    with SmtpStub() as smtp:
        mail = personal_mail_channel(smtp)
        create_rule(
            name="Burns",
            kind="keyword",
            topic=topic,
            level="II",
            conditions={"query": "烫伤"},
            routing={"channels": [mail.pk], "on_call": [person.pk]},
        )
        evaluate_new_mentions([matched_mention(topic, title="水壶烫伤了孩子")])
        deliver_due()
    (message,) = smtp.messages
    return mail_text(message["data"])


def test_the_e_mail_link_opens_a_page_whose_button_acknowledges_as_its_reader(make_user) -> None:
    li = make_user("Responder", "li", email="li@example.com", first_name="Li", last_name="Wei")
    text = _mail_alert_to(li)
    assert "Acknowledge (stops escalation):" in text
    assert re.search(r"Open in Vigil: https?://\S+/alerts/\d+/", text)  # the last link, labelled
    path = LINK.search(text).group(1)
    alert = Alert.objects.get()

    phone = Client(enforce_csrf_checks=True)  # not signed in
    page = phone.get(path)
    assert page.status_code == 200 and "Acknowledge as Li Wei" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    alert.refresh_from_db()
    assert alert.state == "new"  # opening the link (a mail scanner does) changes nothing

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    done = phone.post(path, {"csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 200 and "Escalation has stopped" in done.content.decode()
    alert.refresh_from_db()
    assert alert.state == "acknowledged" and alert.acknowledged_by == li
    assert alert.next_escalation_at is None and alert.assigned_to == li
    entry = AuditEntry.objects.get(action="alert.acknowledged", object_id=str(alert.pk))
    assert entry.actor == li and "link" in entry.note

    again = phone.post(path, {"csrfmiddlewaretoken": token.group(1)})
    assert "You acknowledged it at" in again.content.decode()


def test_a_late_reader_learns_who_owns_the_alert_now(make_user) -> None:
    li = make_user("Responder", "li", first_name="Li", last_name="Wei")
    wang = make_user("Responder", "wang", first_name="Fang", last_name="Wang")
    alert = burns_alert()
    path = ack_url_path(alert, wang)
    acknowledge_alert(alert, actor=li)
    late = Client().post(path).content.decode()  # wang presses after Li Wei took it
    assert "Already acknowledged by Li Wei at" in late and "the alert is theirs" in late
    alert.refresh_from_db()
    assert alert.acknowledged_by == li
    close_alert(alert, actor=li, false_alarm=True)
    assert "Already closed (false alarm) by Li Wei" in Client().get(path).content.decode()


def test_the_page_speaks_the_readers_language(make_user, zh_hans_catalogue, client_for) -> None:
    li = make_user("Responder", "li", email="li@example.com", language="zh-hans")
    alert = burns_alert()
    page = Client().get(ack_url_path(alert, li))
    assert page["Content-Language"] == "zh-hans"
    assert "确认" in page.content.decode()
    # The timeline says how it was acknowledged in each reader's language, whoever pressed
    # (a zh trial read "张兰 已确认 — from the message's link").
    page = Client().get(ack_url_path(alert, li))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    Client().post(ack_url_path(alert, li), {"csrfmiddlewaretoken": token.group(1)})
    reader = client_for("Responder")
    chinese = reader.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = reader.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "from the message's link" not in html.unescape(chinese)
    assert "from the message's link" in html.unescape(english)
    # A profile that follows the browser: the browser's language, not the installation's.
    wang = make_user("Responder", "wang")
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert browser.get(ack_url_path(alert, wang))["Content-Language"] == "zh-hans"


def test_an_altered_or_week_old_link_acknowledges_nothing(make_user, monkeypatch) -> None:
    li = make_user("Responder", "li")
    alert = burns_alert()
    path = ack_url_path(alert, li)
    altered = path.replace(path[-8:-1], "AAAAAAA")
    assert Client().post(altered).status_code == 400

    issued = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: issued + 8 * 86400)
    old = Client().post(path)
    assert old.status_code == 400 and "more than 7 days old" in old.content.decode()
    alert.refresh_from_db()
    assert alert.state == "new"


def test_only_a_person_who_may_acknowledge_gets_or_uses_a_link(make_user) -> None:
    viewer = make_user("Viewer", "v", email="v@example.com")
    assert "/alerts/ack/" not in _mail_alert_to(viewer)
    # A shared channel's message (a team chat) names nobody: no link anyone could use.
    shared = Delivery.objects.filter(recipient=None).exclude(channel__kind="in_app")
    for delivery in shared:
        assert "/alerts/ack/" not in message_for(delivery).body
    # A responder's link stops working once the role no longer may act.
    li = make_user("Responder", "li")
    path = ack_url_path(Alert.objects.get(), li)
    li.is_active = False
    li.save()
    refused = Client().get(path)
    assert refused.status_code == 400 and "can no longer acknowledge" in refused.content.decode()


def test_a_report_s_page_does_not_count_zero_mentions(make_user) -> None:
    # A liaison's report has links, not mentions: its page read "0 mentions" (a trial).
    from vigil.alerts.services import report_warning

    li = make_user("Responder", "li")
    alert, _new = report_warning(
        actor=make_user("Department liaison"), title="门店投诉", text="顾客闹事"
    )
    page = Client().get(ack_url_path(alert, li)).content.decode()
    assert "门店投诉" in page and "0 mentions" not in page
