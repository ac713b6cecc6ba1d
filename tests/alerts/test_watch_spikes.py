"""Spike rules live: the detector learns from history, judges closed 5-minute buckets,
fires early on a bucket that is already a spike, and keeps one alert per episode."""

from __future__ import annotations

import datetime as dt
import email
import email.header
import html
import json
import re

import pytest
from django.utils import translation

from tests.alerts._support import (
    SPIKE_NOW,
    SmtpStub,
    make_topic,
    matched_mention,
    personal_mail_channel,
    spike_history,
)
from vigil.alerts import signals
from vigil.alerts.models import Alert, Notification, RuleSubject
from vigil.alerts.services import (
    create_channel,
    create_rule,
    deliver_due,
    update_rule,
)
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.spikes import (
    BUCKET,
    audience_offset,
    bucket_counts,
    bucket_floor,
    close_buckets,
)
from vigil.monitoring.models import Match

pytestmark = pytest.mark.django_db


def test_history_teaches_the_baseline_without_firing() -> None:
    topic = make_topic()
    spike_history(topic)
    rule = create_rule(
        name="Spike", kind="spike", topic=topic, conditions={"sensitivity": "medium"}
    )
    assert close_buckets(SPIKE_NOW) == 0
    row = RuleSubject.objects.get(rule=rule)
    assert (
        row.last_bucket == bucket_floor(SPIKE_NOW) - BUCKET
    )  # the bucket before SPIKE_NOW's, closed
    assert row.detector_state["n"] > 500
    assert not Alert.objects.exists()


def test_history_stored_after_the_rule_started_is_still_learnt() -> None:
    # A rule that starts before its topic's older matches are stored (a retro search, a
    # demo's history, a backfill) learns them once they are there, and is warm at once.
    topic = make_topic()
    rule = create_rule(name="Spike", kind="spike", topic=topic)
    assert close_buckets(SPIKE_NOW - dt.timedelta(minutes=10)) == 0
    spike_history(topic)
    assert close_buckets(SPIKE_NOW) == 0  # learnt from history, without firing
    assert RuleSubject.objects.get(rule=rule).detector_state["n"] > 500
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    burst = [matched_mention(topic, at=moment - dt.timedelta(seconds=i)) for i in range(40)]
    evaluate_new_mentions(burst, now=moment)
    assert Alert.objects.get().rule == rule


def test_history_stored_in_batches_after_the_rule_started_is_learnt_whole() -> None:
    # A backfill in batches: the first makes the detector warm, the next lands in buckets it
    # has already judged. Both must be learnt, or the baseline is a fraction of the real one
    # and ordinary volume later looks like a spike.
    topic = make_topic()
    batched = create_rule(name="Spike", kind="spike", topic=topic)
    assert close_buckets(SPIKE_NOW - dt.timedelta(minutes=10)) == 0
    spike_history(topic, days=2, until_days=1, seed=3)  # the older day first
    assert close_buckets(SPIKE_NOW - dt.timedelta(minutes=5)) == 0
    spike_history(topic, days=1, until_days=0, seed=4)  # then the newer one
    assert close_buckets(SPIKE_NOW) == 0  # learnt again, without firing
    whole = create_rule(name="Spike, after the backfill", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW)
    learnt = RuleSubject.objects.get(rule=batched).detector_state
    expected = RuleSubject.objects.get(rule=whole).detector_state
    assert learnt["level"] == pytest.approx(expected["level"]) and learnt["level"] > 1.0
    assert learnt["n"] == expected["n"]
    assert not Alert.objects.exists()


def test_a_week_of_history_stored_oldest_day_first_is_learnt_whole() -> None:
    # A trial's backfill of three weeks, a day per batch, oldest first: the first batch inside
    # the history window was learnt up to now, six days of them empty, so the detector had
    # "seen a week" and never read the later batches. Its baseline was near zero and the first
    # live mentions fired "5 mentions in 5 min, expected about 0.01".
    topic = make_topic()
    batched = create_rule(name="Spike", kind="spike", topic=topic)
    assert close_buckets(SPIKE_NOW - dt.timedelta(minutes=10)) == 0
    for day in range(9, 0, -1):
        spike_history(topic, days=day, until_days=day - 1, seed=day)
        assert close_buckets(SPIKE_NOW) == 0  # learnt again, without firing
    whole = create_rule(name="Spike, after the backfill", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW)
    learnt = RuleSubject.objects.get(rule=batched).detector_state
    expected = RuleSubject.objects.get(rule=whole).detector_state
    assert learnt["level"] == pytest.approx(expected["level"]) and learnt["level"] > 1.0
    assert learnt["n"] == expected["n"]


def test_a_new_rule_learns_four_weeks_of_history_so_it_knows_each_weekday() -> None:
    # The weekly rhythm is learnt from whole days once a week has been seen; a rule that read
    # only the last week of history judged its first week or more without it.
    topic = make_topic()
    spike_history(topic, days=22)
    rule = create_rule(name="Spike", kind="spike", topic=topic)
    assert close_buckets(SPIKE_NOW) == 0
    state = RuleSubject.objects.get(rule=rule).detector_state
    assert state["n"] >= 22 * 288 - 1 and state["days_seen"] >= 20


def test_a_spike_rule_counts_its_days_in_the_rule_time_zone(settings) -> None:  # noqa: ANN001
    # A Beijing audience's Monday starts at Beijing midnight: with days in UTC, the first
    # eight hours of every Monday were judged by Sunday's quieter rhythm.
    settings.TIME_ZONE = "Asia/Shanghai"
    topic = make_topic()
    spike_history(topic, days=3)
    beijing = create_rule(
        name="Beijing", kind="spike", topic=topic, routing={"timezone": "Asia/Shanghai"}
    )
    close_buckets(SPIKE_NOW)
    row = RuleSubject.objects.get(rule=beijing)
    assert row.detector_state["config"]["utc_offset_seconds"] == 8 * 3600
    learnt = row.detector_state["n"]
    # The zone changed: the rule learns its history again on the new days, and goes on.
    update_rule(beijing, routing={"timezone": "America/New_York"})
    close_buckets(SPIKE_NOW + BUCKET)
    state = RuleSubject.objects.get(rule=beijing).detector_state
    assert state["config"]["utc_offset_seconds"] == -5 * 3600  # standard time, all year
    assert state["n"] == learnt + 1


def test_the_audience_offset_is_the_zone_standard_time_all_year() -> None:
    summer = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    assert audience_offset("Europe/Berlin", summer) == 3600
    assert audience_offset("Europe/Berlin", SPIKE_NOW) == 3600
    assert audience_offset("Asia/Kolkata", summer) == 19800
    assert audience_offset("Not/AZone", summer) == 0


def test_late_matches_of_a_rule_judging_for_over_a_week_are_not_learnt_again() -> None:
    # Past its first week a rule takes late matches as a feed's lateness: learning the week
    # again every minute for them would cost a week of the topic's matches each time.
    topic = make_topic()
    spike_history(topic, days=9, until_days=8, seed=1)
    rule = create_rule(name="Spike", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW - dt.timedelta(days=8))
    close_buckets(SPIKE_NOW)
    before = RuleSubject.objects.get(rule=rule).detector_state
    spike_history(topic, days=1, until_days=0, seed=2)  # stragglers, hours late
    close_buckets(SPIKE_NOW)
    assert RuleSubject.objects.get(rule=rule).detector_state == before


def test_a_chinese_installation_writes_alert_titles_and_explanations_in_chinese(
    settings,
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    topic = make_topic()
    spike_history(topic)
    create_rule(name="Spike", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW)
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    burst = [matched_mention(topic, at=moment - dt.timedelta(seconds=i)) for i in range(40)]
    evaluate_new_mentions(burst, now=moment)
    alert = Alert.objects.get()
    assert alert.title == f"声量激增：{topic.name}"
    assert "条舆情" in alert.summary and "倍" in alert.summary and "mentions" not in alert.summary
    with translation.override("en"):  # an English reader of the Chinese installation
        assert alert.display_title == f"Volume spike: {topic.name}"
        assert "mentions in" in alert.display_summary and "expected about" in alert.display_summary


def test_a_burst_fires_before_its_bucket_closes_and_the_close_updates_the_same_alert() -> None:
    topic = make_topic()
    spike_history(topic)
    rule = create_rule(name="Spike", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW)
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    burst = [matched_mention(topic, at=moment - dt.timedelta(seconds=i)) for i in range(40)]
    evaluate_new_mentions(burst, now=moment)
    alert = Alert.objects.get()
    assert alert.rule == rule and alert.title == f"Volume spike: {topic.name}"
    assert alert.data["observed"] >= 40 and alert.data["expected"] < 10
    assert alert.mention_count == 40
    state_before = RuleSubject.objects.get(rule=rule).detector_state
    assert (
        state_before["last_t"] < bucket_floor(SPIKE_NOW).timestamp() + 1
    )  # the peek did not learn
    # The bucket closes: the real detector judges it and the open episode is updated.
    close_buckets(bucket_floor(SPIKE_NOW) + BUCKET + dt.timedelta(minutes=1))
    assert Alert.objects.count() == 1


def test_a_quiet_bucket_does_not_fire_and_negative_only_counts_negatives() -> None:
    topic = make_topic()
    spike_history(topic)
    create_rule(name="Neg", kind="spike", topic=topic, conditions={"negative_only": True})
    close_buckets(SPIKE_NOW)
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    evaluate_new_mentions(
        [matched_mention(topic, at=moment, sentiment="positive") for _ in range(40)], now=moment
    )
    assert not Alert.objects.exists()


def test_a_negative_only_spike_says_it_counted_negative_mentions() -> None:
    # A trial's negative-only rule said "12.7 mentions in 15 min, expected about 2.72" while
    # the topic had 40 mentions in those 15 minutes: the counts were of negative ones only.
    topic = make_topic()
    spike_history(topic, sentiment="negative")
    create_rule(name="Neg", kind="spike", topic=topic, conditions={"negative_only": True})
    close_buckets(SPIKE_NOW)
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    burst = [
        matched_mention(topic, at=moment - dt.timedelta(seconds=i), sentiment="negative")
        for i in range(40)
    ]
    evaluate_new_mentions(burst, now=moment)
    alert = Alert.objects.get()
    assert alert.summary.startswith("40 negative mentions in 5 min, expected about")
    with translation.override("zh-hans"):
        assert alert.display_summary.startswith("5 分钟内 40 条负面舆情")


def test_two_spike_rules_on_one_topic_say_which_mentions_they_counted(  # noqa: ANN001
    client_for, make_user, httpserver, zh_hans_catalogue
) -> None:
    # A trial's topic had a spike rule on all mentions and one on negative mentions: both
    # alerts read "Volume spike: Kettle", in the inbox, on their pages and in the messages.
    topic = make_topic()
    spike_history(topic, sentiment="negative")
    li = make_user("Responder", email="li@example.com", language="zh-hans")
    httpserver.expect_request("/hook").respond_with_data("ok")
    with SmtpStub() as smtp:
        mail = personal_mail_channel(smtp)
        hook = create_channel(
            name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
        )
        routing = {"channels": [mail.pk, hook.pk], "recipients": {"users": [li.pk]}}
        create_rule(name="All", kind="spike", topic=topic, routing=routing)
        create_rule(
            name="Neg",
            kind="spike",
            topic=topic,
            conditions={"negative_only": True},
            routing=routing,
        )
        close_buckets(SPIKE_NOW)
        moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
        burst = [
            matched_mention(topic, at=moment - dt.timedelta(seconds=i), sentiment="negative")
            for i in range(40)
        ]
        evaluate_new_mentions(burst, now=moment)
        deliver_due()
    every = Alert.objects.get(rule__name="All")
    negative = Alert.objects.get(rule__name="Neg")
    en = ("Volume spike: Kettle", "Spike in negative mentions: Kettle")
    zh = ("声量激增：Kettle", "负面声量激增：Kettle")
    assert (every.title, negative.title) == en  # stored in the installation's language
    assert negative.title_params == {"topic": "Kettle", "negative_only": True}

    reader = client_for("Responder")
    for language, (every_title, negative_title) in (("en", en), ("zh-hans", zh)):
        inbox = html.unescape(
            reader.get("/alerts/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
        titles = re.findall(r'class="alert-title">([^<]*)</a>', inbox)
        assert sorted(titles) == sorted([every_title, negative_title])
        page = html.unescape(
            reader.get(f"/alerts/{negative.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
        assert re.search(r"</span> ([^<]*)</h1>", page).group(1) == negative_title
        api = reader.get("/api/alerts", HTTP_ACCEPT_LANGUAGE=language).json()["items"]
        assert {a["display_title"] for a in api} == {every_title, negative_title}
    subjects = {
        str(email.header.make_header(email.header.decode_header(m["Subject"])))
        for m in (email.message_from_string(sent["data"]) for sent in smtp.messages)
    }
    assert subjects == {f"【Ⅲ级】{zh[0]}", f"【Ⅲ级】{zh[1]}"}  # li reads Chinese
    assert {n.title for n in Notification.objects.filter(user=li)} == set(zh)  # and her bell
    hooked = {json.loads(request.get_data())["title"] for request, _ in httpserver.log}
    assert hooked == {f"[III] {en[0]}", f"[III] {en[1]}"}  # a shared channel: the installation's


def test_spike_alerts_stored_before_negative_titles_read_as_before(zh_hans_catalogue) -> None:  # noqa: ANN001
    topic = make_topic()
    older = Alert.objects.create(
        key="old",
        origin="rule",
        topic=topic,
        title="Volume spike: Kettle",
        title_code="spike",
        title_params={"topic": "Kettle"},
        level="III",
        first_seen=SPIKE_NOW,
        last_seen=SPIKE_NOW,
    )
    assert older.display_title == "Volume spike: Kettle"
    with translation.override("zh-hans"):
        assert older.display_title == "声量激增：Kettle"


def test_a_spike_alert_counts_every_mention_its_explanation_counts() -> None:
    # A trial's spike alert said "60 mentions in 5 min" above "50 mentions".
    topic = make_topic()
    spike_history(topic)
    create_rule(name="Spike", kind="spike", topic=topic)
    close_buckets(SPIKE_NOW)
    moment = bucket_floor(SPIKE_NOW) + dt.timedelta(minutes=2)
    burst = [matched_mention(topic, at=moment - dt.timedelta(seconds=i)) for i in range(70)]
    evaluate_new_mentions(burst, now=moment)
    alert = Alert.objects.get()
    assert alert.data["observed"] == 70 and alert.mention_count == 70
    assert "70 mentions in 5 min" in alert.summary


def test_a_spike_over_15_minutes_says_the_mentions_its_window_holds() -> None:
    # A trial's alert read "22 negative mentions in 15 min" above "26 mentions": past five
    # minutes the detector counts a burst bucket after a dip only up to its cap, and the
    # explanation said that capped figure as if it were the number of mentions.
    topic = make_topic()
    spike_history(topic)
    create_rule(name="Spike", kind="spike", topic=topic)
    start = bucket_floor(SPIKE_NOW)
    close_buckets(start)
    for i, size in enumerate([9, 2, 11, 12]):  # a rise with a dip: 11 and 12 are capped
        at = start + BUCKET * i + dt.timedelta(seconds=20)
        for second in range(size):
            matched_mention(topic, at=at + dt.timedelta(seconds=second))
        close_buckets(at + BUCKET + dt.timedelta(minutes=1))
    alert = Alert.objects.get()
    assert (
        alert.data["window_seconds"] == 900
        and alert.data["bucket"] == (start + BUCKET * 3).isoformat()
    )
    assert alert.mention_count == 2 + 11 + 12 == alert.data["observed"]
    assert alert.summary.startswith("25 mentions in 15 min, expected about ")


def test_a_spike_alert_follows_its_story_until_the_volume_is_back_to_usual() -> None:
    # A trial's alert said "37 mentions" while the burst went on to 188: the count stopped
    # at the window that fired. Buckets that keep the story running join the alert, without
    # telling anyone again; once the volume is back to usual, later mentions stay out.
    topic = make_topic()
    spike_history(topic)
    create_rule(name="Spike", kind="spike", topic=topic)
    start = bucket_floor(SPIKE_NOW)
    close_buckets(start)
    for i, size in enumerate([40, 35, 30, 30, 2, 2, 1, 2, 9]):  # a burst, calm, then a blip
        at = start + BUCKET * i + dt.timedelta(seconds=20)
        for second in range(size):
            matched_mention(topic, at=at + dt.timedelta(seconds=second))
        close_buckets(at + BUCKET + dt.timedelta(minutes=1))
    alert = Alert.objects.get()
    # The story is judged on its 15-minute window, which stays high two buckets after it.
    assert alert.mention_count == 40 + 35 + 30 + 30 + 2 + 2
    # Last seen: the newest joined mention's time, not the end of its bucket (a trial).
    assert alert.last_seen == start + BUCKET * 5 + dt.timedelta(seconds=21)


def test_negative_counts_read_the_label_as_rules_do() -> None:
    # Counted from plain query values (four weeks of a topic are read at once), the label
    # must be the one signals.is_negative reads: toward the topic, the correction, the model.
    topic = make_topic()
    at = bucket_floor(SPIKE_NOW) - BUCKET
    cases = [
        ("", "", "negative"),  # the model's label
        ("", "positive", "negative"),  # an analyst corrected it
        ("", "negative", "positive"),
        ("negative", "", "positive"),  # toward this topic it is negative
        ("positive", "", "negative"),
        ("", "", ""),  # not analysed
    ]
    expected = 0
    for on_topic, corrected, model in cases:
        mention = matched_mention(topic, at=at, sentiment=model, sentiment_corrected=corrected)
        match = Match.objects.get(mention=mention)
        match.sentiment = on_topic
        match.save(update_fields=["sentiment"])
        expected += bool(signals.is_negative(mention, match))
    assert expected == 3
    assert bucket_counts(topic.pk, at, at + BUCKET, negative_only=True) == {at: 3}
