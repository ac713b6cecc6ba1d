"""A liaison's report by hand: the form says each level's response target, names every bad link
under Links, and offers "none in particular" for the topic (found in a trial: only the first of
three bad links was named, above the form, and the topic read "---------")."""

from __future__ import annotations

import html

import pytest

from vigil.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_the_report_form_names_every_bad_link_under_links(client_for) -> None:
    liaison = client_for("Department liaison")
    form = liaison.get("/alerts/report/").content.decode()
    assert '<option value="I">I · red · respond within 2 h</option>' in form
    assert "— none in particular —" in form and "---------" not in form
    links = "https://weibo.example/1\nwww.example.com/a\njavascript:alert(1)\nhttps://\nnot a link"
    page = liaison.post(
        "/alerts/report/", {"title": "门店投诉", "text": "顾客闹事", "links": links, "level": "II"}
    ).content.decode()
    said = html.unescape(page)
    # One per line: "not a link" is one bad line (a trial saw “not”, “a”, “link”).
    assert (
        "not web links: “www.example.com/a”, “javascript:alert(1)”, “https://”, “not a link”"
        in said
    )
    links_row = said[said.index('id="id_links"') :]
    assert links_row.index("not web links") < links_row.index("</div>")  # at the field
    assert not Alert.objects.exists()


def test_a_report_sends_its_links_and_no_count_of_mentions(client_for) -> None:
    # A trial's report went out as "Level II · 0 mentions", without the links it gave.
    from vigil.alerts.models import Delivery
    from vigil.alerts.services.messages import message_for

    responder = client_for("Responder")
    client_for("Department liaison").post(
        "/alerts/report/",
        {
            "title": "门店投诉",
            "text": "顾客闹事",
            "links": "https://weibo.example/1",
            "level": "II",
        },
    )
    notice = Delivery.objects.get(recipient=responder.user)
    message = message_for(notice)
    assert "Level II\n" in message.body and "0 mentions" not in message.body
    assert "Links:\n- https://weibo.example/1" in message.body
    assert message.payload["alert"]["links"] == ["https://weibo.example/1"]


def test_an_unacknowledged_report_reminds_responders_when_its_target_passes(
    client_for, make_user
) -> None:
    # A trial's report went past its deadline and nobody was told.
    import datetime as dt

    from vigil.alerts.models import Delivery
    from vigil.alerts.services import escalate_due

    kim = make_user("Responder", "kim")
    liaison = client_for("Department liaison")
    liaison.post("/alerts/report/", {"title": "门店投诉", "text": "顾客闹事", "level": "II"})
    alert = Alert.objects.get(origin="report")
    assert escalate_due(alert.respond_by - dt.timedelta(minutes=1)) == 0
    assert escalate_due(alert.respond_by + dt.timedelta(seconds=1)) == 1
    reminded = Delivery.objects.filter(alert=alert, reason="escalated:1", channel__kind="in_app")
    assert kim.pk in set(reminded.values_list("recipient_id", flat=True))
    alert.refresh_from_db()
    assert alert.next_escalation_at is None  # once, not every target after
