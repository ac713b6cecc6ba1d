"""An alert's title (and the explanation Vigil wrote) reads in each reader's language, though
it is stored once in the installation's: English and Chinese readers share one installation.
What people wrote (a mention quoted, a flag, a report) stays as they wrote it."""

from __future__ import annotations

import email
import email.header
import html
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.alerts._support import SmtpStub, make_topic, matched_mention, personal_mail_channel
from vigil.alerts.models import Alert, Notification
from vigil.alerts.services import create_channel, create_rule, deliver_due, report_warning
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.analysis.models import Story

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _subject(data: str) -> str:
    raw = email.message_from_string(data)["Subject"]
    return str(email.header.make_header(email.header.decode_header(raw)))


def test_a_chinese_reader_of_an_english_installation_reads_the_title_in_chinese(
    client_for, make_user, httpserver, settings, zh_hans_catalogue
) -> None:
    settings.LANGUAGE_CODE = "en"
    li = make_user("Responder", email="li@example.com", language="zh-hans")
    bob = make_user("Responder", email="bob@example.com", language="en")
    httpserver.expect_request("/hook").respond_with_data("ok")
    topic = make_topic()
    with SmtpStub() as smtp:
        mail = personal_mail_channel(smtp)
        hook = create_channel(
            name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
        )
        create_rule(
            name="Fast",
            kind="story_growth",
            topic=topic,
            conditions={"min_per_hour": 20},
            routing={"channels": [mail.pk, hook.pk], "recipients": {"users": [li.pk, bob.pk]}},
        )
        now = timezone.now()
        story = Story.objects.create(
            title="明光水壶烫伤", first_seen=now, last_seen=now, growth_per_hour=80
        )
        evaluate_new_mentions([matched_mention(topic, story=story, title="水壶烫伤了孩子")])
        deliver_due()
    alert = Alert.objects.get()
    english, chinese = (
        "Fast-growing story on Kettle · 明光水壶烫伤",
        "Kettle：快速发酵的事件 · 明光水壶烫伤",
    )
    assert alert.title == english  # stored once, in the installation's language
    assert (alert.title_code, alert.title_params) == (
        "story_growth",
        {"topic": "Kettle", "story": "明光水壶烫伤"},
    )

    reader = client_for("Responder")
    inbox = html.unescape(reader.get("/alerts/", **ZH).content.decode())
    page = html.unescape(reader.get(f"/alerts/{alert.pk}/", **ZH).content.decode())
    log = html.unescape(reader.get("/alerts/deliveries/", **ZH).content.decode())
    assert chinese in inbox and chinese in page and chinese[:50] in log
    assert english not in inbox + page
    assert english in html.unescape(reader.get(f"/alerts/{alert.pk}/").content.decode())
    (api,) = reader.get("/api/alerts", **ZH).json()["items"]
    assert (api["title"], api["display_title"], api["title_code"]) == (
        english,
        chinese,
        "story_growth",
    )

    subjects = {m["rcpt"][0]: _subject(m["data"]) for m in smtp.messages}
    assert subjects["<li@example.com>"] == f"【Ⅲ级】{chinese}"  # the level as screens write it
    assert subjects["<bob@example.com>"] == f"[III] {english}"
    assert Notification.objects.get(user=li).title == chinese  # the bell
    assert Notification.objects.get(user=bob).title == english
    # Bob switches to Chinese: his bell says the alert again in his language of the day.
    bob.profile.language = "zh-hans"
    bob.profile.save()
    as_bob = Client()
    as_bob.force_login(bob)
    bell = html.unescape(as_bob.get("/alerts/notifications/").content.decode())
    assert chinese in bell and english not in bell
    (notice,) = as_bob.get("/api/alerts/notifications", **ZH).json()
    assert (notice["title"], notice["display_title"]) == (english, chinese)
    body = json.loads(httpserver.log[0][0].get_data())  # a shared channel: the installation's
    assert body["title"] == f"[III] {english}" and body["alert"]["title"] == english
    assert body["alert"]["title_code"] == "story_growth"


def test_an_english_reader_of_a_chinese_installation_reads_the_explanation_in_english(
    client_for, settings, zh_hans_catalogue
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    topic = make_topic()
    create_rule(
        name="Sour",
        kind="negative_share",
        topic=topic,
        conditions={"threshold_percent": 50, "window_minutes": 60, "min_mentions": 2},
    )
    evaluate_new_mentions([matched_mention(topic, sentiment="negative") for _ in range(2)])
    alert = Alert.objects.get()
    assert alert.title == "Kettle：负面占比 100%"
    assert "已分析的 2 条舆情中有 2 条为负面" in alert.summary
    with translation.override("en"):
        assert alert.display_title == "Negative share 100% on Kettle"
        assert alert.display_summary == (
            "2 of 2 analysed mentions in the last 60 min are negative (threshold 50%)."
        )
    reader = client_for("Responder")
    page = html.unescape(
        reader.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Negative share 100% on Kettle" in page and "2 of 2 analysed mentions" in page


def test_words_people_wrote_and_older_alerts_stay_as_they_are(
    client_for, make_user, zh_hans_catalogue
) -> None:
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, conditions={"query": "烫伤"})
    evaluate_new_mentions([matched_mention(topic, title="Lumina kettle 烫伤 a child")])
    fired = Alert.objects.get()
    reported, _new = report_warning(
        actor=make_user("Responder"), title="Recall rumour", text="On Weibo"
    )
    older = Alert.objects.create(
        key="old",
        origin="rule",
        title="Kettle: Burns",
        level="III",
        first_seen=fired.first_seen,
        last_seen=fired.last_seen,
    )
    with translation.override("zh-hans"):
        assert fired.display_title == "Kettle：Burns"  # the rule's name is as its author wrote it
        assert fired.display_summary == "Lumina kettle 烫伤 a child"  # a mention, quoted
        assert reported.display_title == "Recall rumour" and reported.display_summary == "On Weibo"
        assert older.display_title == "Kettle: Burns"  # stored before codes


def test_an_any_mention_rule_names_itself_in_its_alerts_title(zh_hans_catalogue) -> None:  # noqa: ANN001
    # Two rules on any mention of one topic (press office, legal) fired the same title, which
    # did not say which rule it was (a trial).
    from vigil.alerts.texts import say_title

    topic = make_topic()
    create_rule(name="Press office", kind="keyword", topic=topic)
    create_rule(name="法务", kind="keyword", topic=topic)
    evaluate_new_mentions([matched_mention(topic, title="Lumina kettle review")])
    titles = sorted(Alert.objects.values_list("title", flat=True))
    assert titles == ["Kettle: new mention (Press office)", "Kettle: new mention (法务)"]
    with translation.override("zh-hans"):
        shown = sorted(a.display_title for a in Alert.objects.all())
        assert shown == ["Kettle：新舆情（Press office）", "Kettle：新舆情（法务）"]
        # Alerts stored before it have no rule among their parameters and read as before.
        assert say_title("keyword_any", {"topic": "Kettle"}) == "Kettle：新舆情"


def test_a_chinese_reader_sees_one_word_for_a_volume_spike(zh_hans_catalogue) -> None:  # noqa: ANN001
    # The rule's kind (rules page, alert origin) and the alert's title name the same thing.
    from vigil.alerts.models import AlertRule
    from vigil.alerts.texts import say_title

    with translation.override("zh-hans"):
        kind = str(AlertRule.Kind.SPIKE.label)
        title = say_title("spike", {"topic": "Kettle"})
    assert title.startswith(kind + "：")


def test_a_spike_far_beyond_chance_is_not_given_a_false_precision(zh_hans_catalogue) -> None:  # noqa: ANN001
    # A compressed replay can make p 1e-300; no model is that exact. And a PR team does not
    # forward "below 1e-12" (a zh trial): the chance is said as odds, in words.
    from vigil.alerts.texts import say_summary, spike_params

    tiny = spike_params(380, 0.128, 1e-300, 300)
    usual = spike_params(91, 20.8, 3e-5, 21000)
    with translation.override("en"):
        assert say_summary("spike", tiny).endswith(
            "; practically impossible under normal variation"
        )
        said = say_summary("spike", usual)
        assert said.startswith("91 mentions in 5 h 50 min,")  # not "5.83333 h"
        assert said.endswith("; about 1 in 33,000 under normal variation")
    with translation.override("zh-hans"):
        assert say_summary("spike", tiny).endswith("；几乎不可能是正常波动")
        said = say_summary("spike", usual)
        assert said.startswith("5 小时 50 分钟内 91 条舆情")
        assert said.endswith("；正常波动下约 3.3 万次才出现一次")  # as Chinese readers count


def test_a_spike_over_a_long_window_counts_whole_mentions(zh_hans_catalogue) -> None:  # noqa: ANN001
    # A trial's preview read "89 mentions — 89.0914 mentions in 3 h": windows longer than five
    # minutes count a burst bucket only partly, so the detector's sum need not be whole.
    from vigil.alerts.texts import say_summary, spike_params

    held = spike_params(89.0914, 51.0, 9e-5, 10800)
    with translation.override("en"):
        assert say_summary("spike", held).startswith("89 mentions in 3 h, expected about 51 (1.7×")
    with translation.override("zh-hans"):
        assert say_summary("spike", held).startswith("3 小时内 89 条舆情")


def test_a_spike_says_against_what_it_was_judged_and_rounds_big_ratios(zh_hans_catalogue) -> None:  # noqa: ANN001
    # A trial read "(4100.0× the usual for this hour and weekday)" three days into a topic:
    # no weekday rhythm is learnt before a week, and a tenth of 4100 says nothing.
    from vigil.alerts.texts import say_summary, spike_params

    young = spike_params(41, 0.01, 1e-20, 300, negative_only=True, weekly=False)
    grown = spike_params(24, 10.0, 1e-5, 900)
    with translation.override("en"):
        assert say_summary("spike", young).startswith(
            "41 negative mentions in 5 min, expected about 0.01 (4100× the usual for this hour);"
        )
        assert "(2.4× the usual for this hour and weekday)" in say_summary("spike", grown)
    with translation.override("zh-hans"):
        assert "（为该小时常态的 4100 倍）" in say_summary("spike", young)
    # The usual volume is said to the precision a baseline has: the demo read "expected
    # about 0.115" (通常约 0.115 条).
    quiet = spike_params(17, 0.115, 1e-20, 300)
    busy = spike_params(300, 87.44, 1e-20, 300)
    with translation.override("en"):
        assert "expected about 0.1 (148×" in say_summary("spike", quiet)
        assert "expected about 87 (3.4×" in say_summary("spike", busy)
        assert "expected about 4.2 (" in say_summary("spike", spike_params(20, 4.24, 1e-9, 300))
    with translation.override("zh-hans"):
        assert "通常约 0.1 条" in say_summary("spike", quiet)
