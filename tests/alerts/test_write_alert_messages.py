"""What an alert's message says: enough to act on without opening Vigil — by when to respond,
in the reader's time zone and language, and the latest mentions with their links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import (
    SmtpStub,
    mail_text,
    make_topic,
    matched_mention,
    personal_mail_channel,
)
from vigil.alerts.models import Alert, Delivery, ResponseTarget
from vigil.alerts.services import (
    acknowledge_alert,
    close_alert,
    create_rule,
    deliver_due,
    escalate_due,
)
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.messages import message_for

pytestmark = pytest.mark.django_db


def test_an_e_mail_says_by_when_to_respond_and_what_was_said_where(
    make_user, settings, zh_hans_catalogue
) -> None:
    # A trial's e-mails said only "Level III · 30 mentions · state new" and a link.
    settings.LANGUAGE_CODE = "en"
    ResponseTarget.objects.create(level="III", hours=0.05)
    li = make_user(
        "Responder", email="li@example.com", language="zh-hans", timezone_name="Asia/Shanghai"
    )
    bob = make_user("Responder", email="bob@example.com", timezone_name="UTC")
    topic = make_topic()
    with SmtpStub() as smtp:
        channel = personal_mail_channel(smtp)
        create_rule(
            name="Burns",
            kind="keyword",
            topic=topic,
            level="III",
            routing={"channels": [channel.pk], "recipients": {"users": [li.pk, bob.pk]}},
        )
        evaluate_new_mentions(
            [matched_mention(topic, title="明光水壶烫伤", url="https://forum.example.com/t/1")]
        )
        deliver_due()
    alert = Alert.objects.get()
    due = alert.created_at + dt.timedelta(minutes=3)
    mails = {m["rcpt"][0]: mail_text(m["data"]).replace("\r\n", "\n") for m in smtp.messages}
    english, chinese = mails["<bob@example.com>"], mails["<li@example.com>"]
    assert f"Respond by {due.strftime('%Y-%m-%d %H:%M')} (UTC)" in english
    assert "Latest mentions:\n- 明光水壶烫伤 https://forum.example.com/t/1" in english
    # The summary quotes that mention: said once, in the list with its link (a trial's
    # e-mail opened with the same headline twice).
    assert alert.summary == "明光水壶烫伤"
    assert english.count("明光水壶烫伤") == chinese.count("明光水壶烫伤") == 1
    local = due.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    assert f"请于 {local}（Asia/Shanghai）前响应" in chinese and "最新舆情：" in chinese


def test_a_keyword_alert_s_message_says_which_words_matched(make_user, zh_hans_catalogue) -> None:
    # The alert's page said "烫伤 ×3 · 爆炸 ×3"; a trial's e-mail said nothing of why it fired.
    wang = make_user("Responder", "wang", language="zh-hans")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        conditions={"query": "烫伤 OR 爆炸 OR recall"},
        routing={"recipients": {"users": [wang.pk]}},
    )
    evaluate_new_mentions(
        [
            matched_mention(topic, title="水壶爆炸"),
            matched_mention(topic, title="水壶烫伤"),
            matched_mention(topic, title="又一起烫伤"),
        ]
    )
    (bell,) = Delivery.objects.filter(channel__kind="in_app", recipient=wang)
    assert "命中敏感词：烫伤 · 爆炸" in message_for(bell).body.splitlines()


def test_an_escalation_message_says_the_target_has_passed(make_user) -> None:
    first, backup = make_user("Responder"), make_user("Responder")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        routing={"on_call": [first.pk, backup.pk]},
    )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    escalate_due(timezone.now() + dt.timedelta(hours=7))
    step = Delivery.objects.get(reason="escalated:1", channel__kind="in_app")
    message = message_for(step)
    assert "Overdue: the response target was" in message.body and "Respond by" not in message.body
    # The line an HTML e-mail sets apart (a trial's e-mail said it in the body's plain type).
    assert message.warning_line.startswith("Overdue: ")
    assert message.warning_line in message.body.splitlines()
    first_notice = Delivery.objects.get(reason="fired", channel__kind="in_app", recipient=first)
    assert message_for(first_notice).warning_line == ""  # not late when composed


def test_a_message_says_where_the_alert_stands_not_state_new(
    make_user, settings, zh_hans_catalogue
) -> None:
    # Every e-mail said "state new": true of every alert that had just fired, and no help.
    settings.LANGUAGE_CODE = "en"
    wang = make_user("Responder", username="wang")
    li = make_user("Responder", username="li", language="zh-hans")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        routing={
            "recipients": {"users": [li.pk]},
            "on_call": [wang.pk, make_user("Responder").pk],
        },
    )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    fired = Delivery.objects.get(reason="fired", recipient=wang, channel__kind="in_app")
    fresh = message_for(fired).body
    assert "Level II · 1 mention\n" in fresh and "state" not in fresh

    escalate_due(timezone.now() + dt.timedelta(hours=7))
    fired.alert.refresh_from_db()
    step = Delivery.objects.filter(reason="escalated:1").first()
    assert "Level II · 1 mention\n" in message_for(step).body  # the first line says the step
    assert "not acknowledged, escalation step 1" in message_for(fired).body

    acknowledge_alert(fired.alert, actor=wang)
    fired.alert.refresh_from_db()
    assert "Level II · 1 mention · acknowledged by wang" in message_for(fired).body
    to_li = Delivery.objects.get(reason="fired", recipient=li, channel__kind="in_app")
    assert "已由 wang 确认" in message_for(to_li).body

    close_alert(fired.alert, actor=wang, false_alarm=True)
    fired.alert.refresh_from_db()
    assert "marked a false alarm by wang" in message_for(fired).body


def test_a_negative_only_spike_message_says_its_count_is_of_negative_mentions(
    make_user, settings, zh_hans_catalogue
) -> None:
    # A trial's e-mail said "41 mentions" where the alert page says "Negative mentions 41".
    from vigil.alerts.services.firing import Firing, fire_alert

    settings.LANGUAGE_CODE = "en"
    wang = make_user("Responder", username="wang", language="zh-hans")
    bob = make_user("Responder", username="bob")
    topic = make_topic()
    rule = create_rule(
        name="Negative burst",
        kind="spike",
        topic=topic,
        level="I",
        conditions={"negative_only": True},
        routing={"recipients": {"users": [wang.pk, bob.pk]}},
    )
    same_moment = timezone.now()
    ids = [matched_mention(topic, title=f"bad {n}", at=same_moment).pk for n in range(2)]
    fire_alert(
        Firing(
            rule=rule,
            subject=f"topic:{topic.pk}",
            title="Spike in negative mentions: Kettle",
            title_code="spike",
            title_params={"topic": topic.name, "negative_only": True},
            topic_id=topic.pk,
            mention_ids=ids,
        )
    )
    to = {
        d.recipient.username: message_for(d).body
        for d in Delivery.objects.filter(channel__kind="in_app")
    }
    assert "Level I · 2 negative mentions\n" in to["bob"]
    assert "Ⅰ级 · 2 条负面舆情" in to["wang"]  # as the screens write the level (Ⅰ级 · 红色)
    # Two mentions at the same moment: the newest row is the latest mention.
    assert to["bob"].index("bad 1") < to["bob"].index("bad 0")


def test_a_quoted_mention_is_labelled_as_one(make_user) -> None:
    # Under an escalation's lines, a bare quoted headline read as part of them (a trial).
    wang = make_user("Responder", "wang")
    topic = make_topic()
    create_rule(
        name="Burns", kind="keyword", topic=topic, routing={"recipients": {"users": [wang.pk]}}
    )
    now = timezone.now()
    evaluate_new_mentions([matched_mention(topic, title="the serious post", at=now, impact=80.0)])
    later = [
        matched_mention(topic, title=f"later {n}", at=now + dt.timedelta(minutes=n + 1), impact=5.0)
        for n in range(3)
    ]
    evaluate_new_mentions(later)
    alert = Alert.objects.get()
    assert alert.summary == "the serious post"  # the most serious, not among the latest three
    bell = Delivery.objects.filter(channel__kind="in_app", recipient=wang).latest("pk")
    assert "Key mention: the serious post" in message_for(bell).body.splitlines()


def test_a_shared_channel_states_times_in_the_rules_time_zone(httpserver, make_user) -> None:
    # A zh trial's WeCom group read "respond by 03:51 (UTC)" from a rule set to Shanghai.
    from vigil.alerts.services import create_channel

    hook = create_channel(name="Ops", kind="webhook", config={"url": httpserver.url_for("/h")})
    person = make_user("Responder")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        routing={
            "channels": [hook.pk],
            "timezone": "Asia/Shanghai",
            "recipients": {"users": [person.pk]},
        },
    )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    shared = message_for(Delivery.objects.get(channel=hook)).body
    assert "(Asia/Shanghai)" in shared and "(UTC)" not in shared
    bell = Delivery.objects.get(channel__kind="in_app", recipient=person)
    assert "(UTC)" in message_for(bell).body  # a person's message: their own zone
