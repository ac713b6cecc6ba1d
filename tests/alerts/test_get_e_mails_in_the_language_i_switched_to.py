"""Alert e-mails follow the language a person chose with the switch (the menu's, the sign-in
page's), not only the one on the profile page.

A trial's responder switched to 简体中文 in the header, read every screen in Chinese, and got
her alert and escalation e-mails in English: they follow the profile's language, which the
switch left at "Browser default", and her profile page said English under a Chinese menu."""

from __future__ import annotations

import email
import email.header

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.alerts._support import SmtpStub, make_topic, matched_mention, personal_mail_channel
from vigil.accounts.services import profile_of, update_preferences
from vigil.alerts.services import create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def _subject(data: str) -> str:
    raw = email.message_from_string(data)["Subject"]
    return str(email.header.make_header(email.header.decode_header(raw)))


def test_switching_language_in_the_menu_makes_alert_e_mails_follow(
    make_user, settings, zh_hans_catalogue
) -> None:
    settings.LANGUAGE_CODE = "en"
    li = make_user("Responder", "li", email="li@example.com")
    assert profile_of(li).language == ""
    browser = Client()
    browser.force_login(li)
    switched = browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/alerts/"})
    assert switched.status_code == 302 and switched["Location"] == "/alerts/"
    assert profile_of(li).language == "zh-hans"
    assert "语言" in browser.get("/accounts/profile/").content.decode()

    topic = make_topic()
    with SmtpStub() as smtp:
        mail = personal_mail_channel(smtp)
        create_rule(
            name="Burns",
            kind="keyword",
            topic=topic,
            level="II",
            conditions={"query": "烫伤"},
            routing={"channels": [mail.pk], "on_call": [li.pk]},
        )
        evaluate_new_mentions([matched_mention(topic, title="水壶烫伤了孩子")])
        deliver_due()
    (message,) = smtp.messages
    assert message["rcpt"][0].strip("<>") == "li@example.com"
    assert _subject(message["data"]).startswith("【Ⅱ级】")


def test_switching_back_to_english_is_kept_too(make_user) -> None:
    li = make_user("Responder", "li", language="zh-hans")
    browser = Client()
    browser.force_login(li)
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert profile_of(li).language == "en"
    # An unknown language changes nothing.
    browser.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert profile_of(li).language == "en"


def test_a_language_chosen_on_the_sign_in_page_becomes_the_profile_s(make_user) -> None:
    make_user("Responder", "wang")
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    signed_in = browser.post(
        "/login/", {"username": "wang", "password": "correct-horse-battery-staple"}
    )
    assert signed_in.status_code == 302
    assert profile_of(User.objects.get(username="wang")).language == "zh-hans"


def test_a_sign_in_does_not_override_a_language_set_on_the_profile(make_user) -> None:
    kim = make_user("Responder", "kim")
    update_preferences(kim, timezone_name="UTC", language="en")
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    browser.post("/login/", {"username": "kim", "password": "correct-horse-battery-staple"})
    assert profile_of(kim).language == "en"
    # The switch, once signed in, is a choice, and is kept.
    browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert profile_of(kim).language == "zh-hans"
    assert profile_of(kim).timezone == "UTC"  # the profile's zone is left as it was
