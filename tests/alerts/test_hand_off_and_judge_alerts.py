"""Handing an alert off to an incident from its page, and judging it a false alarm through the
API, do what the screens' words say (found in a trial: the hand-off existed only in the API and
showed nowhere, escalation kept climbing after it, and API feedback "false_alarm" left the
alert open, reading "new" and "false alarm" at once)."""

from __future__ import annotations

import pytest

from tests.alerts._support import burns_alert

pytestmark = pytest.mark.django_db


def test_an_alert_is_handed_off_to_an_incident_from_its_page(client_for) -> None:
    alert = burns_alert()
    assert alert.state == "new" and alert.next_escalation_at is not None
    responder = client_for("Responder")
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Handed off to incident no." in page
    refused = responder.post(
        f"/alerts/{alert.pk}/act/", {"action": "incident", "incident_id": "INC-7"}, follow=True
    ).content.decode()
    assert "an incident number is a whole number from 1 to 9223372036854775807" in refused
    huge = {"action": "incident", "incident_id": "99999999999999999999"}
    assert responder.post(f"/alerts/{alert.pk}/act/", huge).status_code == 302  # not a 500
    api = responder.post(
        f"/api/alerts/{alert.pk}/incident",
        {"incident_id": 99999999999999999999},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["error"]["code"] == "invalid"
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "incident", "incident_id": "1234"})
    alert.refresh_from_db()
    assert alert.incident_id == 1234
    assert alert.state == "acknowledged" and alert.next_escalation_at is None  # no more climbing
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert "<dt>Incident</dt><dd>handed off to incident 1234</dd>" in page
    assert "</strong> handed off to incident 1234" in page  # the timeline
    assert "Handed off to incident no." not in page
    assert "handed off to incident 1234" in responder.get("/alerts/").content.decode()  # inbox
    chinese = responder.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "已移交事件 1234" in chinese.decode()


def test_feedback_false_alarm_through_the_api_closes_the_alert_as_the_button_does(
    client_for,
) -> None:
    alert = burns_alert()
    responder = client_for("Responder")
    useful = responder.post(
        f"/api/alerts/{alert.pk}/feedback", {"feedback": "useful"}, content_type="application/json"
    ).json()
    assert useful["state"] == "new" and useful["feedback"] == "useful"
    judged = responder.post(
        f"/api/alerts/{alert.pk}/feedback",
        {"feedback": "false_alarm"},
        content_type="application/json",
    ).json()
    assert judged["state"] == "false_alarm" and judged["feedback"] == "false_alarm"
    assert judged["closed_by_id"] == responder.user.pk
    # Changing one's mind on a closed alert changes how it is closed, not only the feedback:
    # a trial read "false alarm" and "Feedback: useful" at once.
    again = responder.post(
        f"/api/alerts/{alert.pk}/feedback", {"feedback": "useful"}, content_type="application/json"
    ).json()
    assert (again["state"], again["feedback"]) == ("handled", "useful")
    back = responder.post(
        f"/api/alerts/{alert.pk}/feedback",
        {"feedback": "false_alarm"},
        content_type="application/json",
    ).json()
    assert (back["state"], back["feedback"]) == ("false_alarm", "false_alarm")


def test_the_chinese_timeline_says_feedback_with_chinese_punctuation(
    client_for, zh_hans_catalogue
) -> None:
    # A trial's Chinese timeline read "提交了反馈: 误报", half-width colon in Chinese text;
    # a later one 「提交了反馈：有用」 beside 「标记为误报」: now one pair, 标为有用 / 标为误报.
    alert = burns_alert()
    responder = client_for("Responder")
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "useful"})
    page = responder.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "标为有用" in page.decode() and "提交了反馈" not in page.decode()


def test_a_keyword_alerts_page_says_which_sensitive_words_it_watches(client_for) -> None:
    # A Chinese trial's keyword alert explained itself only by quoting a mention: the page
    # did not say which words (爆炸 OR 起火) had fired it.
    alert = burns_alert()
    page = client_for("Responder").get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "<dt>敏感词（查询）</dt><dd><code>烫伤</code></dd>" in page.content.decode()


def test_a_keyword_alert_counts_the_words_its_mentions_matched(client_for) -> None:
    # The trial wanted "起火 ×10、爆炸 ×4": which of the rule's words fired it, and how often.
    from tests.alerts._support import make_topic, matched_mention
    from vigil.alerts.models import Alert
    from vigil.alerts.services import create_rule
    from vigil.alerts.services.evaluate import evaluate_new_mentions

    topic = make_topic()
    create_rule(name="Fire", kind="keyword", topic=topic, conditions={"query": "起火 OR 爆炸"})
    titles = ["明光空调起火了", "明光空调爆炸起火", "又一台起火", "明光爆炸？"]
    evaluate_new_mentions([matched_mention(topic, title=t, text="") for t in titles])
    alert = Alert.objects.get()
    page = client_for("Responder").get(f"/alerts/{alert.pk}/").content.decode()
    i = page.find("Words matched")
    assert "<mark>起火</mark> ×3 · <mark>爆炸</mark> ×2" in page, page[i - 300 : i + 300]


def test_being_assigned_reads_as_an_assignment_not_the_alert_firing_again(
    make_user, zh_hans_catalogue
) -> None:
    # A trial's bell and e-mail subject for an assignment repeated the first notice word
    # for word ("[II] 负面声量激增：星河电器"), so the assignee could not tell what was new.
    from django.utils import translation

    from vigil.alerts.models import Notification
    from vigil.alerts.services import assign_alert, deliver_due
    from vigil.alerts.services.messages import message_for

    alert = burns_alert()
    li = make_user("Responder", username="lihua")
    assign_alert(alert, actor=make_user("Responder", username="wang"), assignee=li)
    deliver_due()
    bell = Notification.objects.get(user=li)
    assert bell.display_title.startswith("Assigned: ")
    with translation.override("zh-hans"):
        assert bell.display_title.startswith("已指派：")
    row = alert.deliveries.get(reason__startswith="assigned")
    assert message_for(row).title.startswith("[II] Assigned: ")  # the level mark first


def test_assigning_a_closed_alert_sends_nothing_to_withdraw(client_for, make_user) -> None:
    from vigil.alerts.models import Delivery
    from vigil.alerts.services import close_alert
    from vigil.alerts.services.lifecycle import assign_alert

    alert = burns_alert()
    responder = client_for("Responder")
    close_alert(alert, actor=responder.user, false_alarm=False)
    kim = make_user("Responder", "kim")
    assign_alert(alert, actor=responder.user, assignee=kim)
    alert.refresh_from_db()
    assert alert.assigned_to == kim
    assert not Delivery.objects.filter(alert=alert, reason__startswith="assigned").exists()


def test_an_assignment_goes_to_the_assignee_not_to_shared_channels(make_user) -> None:
    # A zh trial's group mailbox got "Assigned: …" for every assignment among the team.
    from vigil.alerts.models import Channel
    from vigil.alerts.services import assign_alert, create_channel

    team_hook = create_channel(
        name="Team hook",
        kind="webhook",
        config={"url": "https://hooks.example/x"},
        is_default=True,
    )
    alert = burns_alert()
    assert alert.deliveries.filter(channel=team_hook, reason="fired").exists()
    li = make_user("Responder", username="lihua")
    assign_alert(alert, actor=make_user("Responder", username="wang"), assignee=li)
    assigned = alert.deliveries.filter(reason__startswith="assigned")
    assert list(assigned.values_list("channel__kind", flat=True)) == ["in_app"]
    assert Channel.objects.filter(kind="in_app").exists()


def test_a_closed_alert_can_be_judged_again_on_its_page(client_for) -> None:
    # The verification trial could change a false alarm to useful only through the API.
    alert = burns_alert()
    responder = client_for("Responder")
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "false_alarm"})
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Not a false alarm: useful" in page and "It was a false alarm" not in page
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "useful"})
    alert.refresh_from_db()
    assert (alert.state, alert.feedback) == ("handled", "useful")
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert "It was a false alarm" in page and "Not a false alarm: useful" not in page
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "false_alarm"})
    alert.refresh_from_db()
    assert (alert.state, alert.feedback) == ("false_alarm", "false_alarm")


def test_an_analyst_judges_an_alert_but_does_not_work_it(client_for) -> None:
    """Judging a warning (研判) is an analyst's work too: a trial's analyst could flag a mention
    but not call the alert it made a false alarm, and the page did not say why."""
    alert = burns_alert()
    analyst = client_for("Analyst")
    page = analyst.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'value="useful"' in page and 'value="false_alarm"' in page
    assert 'value="ack"' not in page and 'value="assign"' not in page
    assert "closing it as handled are for responders and administrators" in page
    assert analyst.post(f"/alerts/{alert.pk}/act/", {"action": "ack"}).status_code == 403
    assert analyst.post(f"/api/alerts/{alert.pk}/ack").status_code == 403
    analyst.post(f"/alerts/{alert.pk}/act/", {"action": "useful"})
    alert.refresh_from_db()
    assert alert.feedback == "useful" and alert.state == "new"
    judged = analyst.post(
        f"/api/alerts/{alert.pk}/feedback",
        {"feedback": "false_alarm"},
        content_type="application/json",
    )
    assert judged.status_code == 200 and judged.json()["state"] == "false_alarm"
    alert.refresh_from_db()
    assert alert.closed_by == analyst.user
    viewer = client_for("Viewer")
    assert viewer.post(f"/alerts/{alert.pk}/act/", {"action": "useful"}).status_code == 403
    viewer_page = viewer.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'value="useful"' not in viewer_page
