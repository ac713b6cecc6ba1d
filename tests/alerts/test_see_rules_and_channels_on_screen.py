"""The rules page and the channels screen: who each rule tells, its on-call person and
ladder, the response targets, and channels added and tested from the screen."""

from __future__ import annotations

import pytest

from tests.alerts._support import make_topic
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Channel
from vigil.alerts.services import create_rule

pytestmark = pytest.mark.django_db


def test_the_rules_page_says_who_each_rule_tells(client_for, make_user) -> None:
    from vigil.accounts.models import Department

    topic = make_topic()
    legal = Department.objects.create(code="legal", name="Legal", name_zh="法务部")
    lin = make_user("Analyst", username="lin")
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        conditions={"query": "烫伤"},
        routing={"recipients": {"roles": ["Responder", "Analyst"]}},
    )
    create_rule(
        name="Legal words",
        kind="keyword",
        topic=topic,
        conditions={"query": "起诉"},
        routing={"recipients": {"departments": [legal.pk], "users": [lin.pk]}},
    )
    viewer = client_for("Viewer")
    page = viewer.get("/alerts/rules/").content.decode()
    assert "Tells" in page
    tells = '<td class="wide" data-label="Tells">'
    assert f"{tells}Responder, Analyst</td>" in page and f"{tells}Legal, lin</td>" in page
    viewer.cookies["django_language"] = "zh-hans"
    page = viewer.get("/alerts/rules/").content.decode()
    assert '<td class="wide" data-label="通知对象">法务部、lin</td>' in page


def test_the_rules_page_names_the_first_on_call_person_and_the_ladder(
    client_for, make_user
) -> None:
    # A trial's rule said it told "admin", yet lin (first on call) was told too, and the
    # ladder (wang, then admin) was nowhere on the page.
    lin, wang = make_user("Responder", "lin"), make_user("Responder", "wang")
    create_rule(
        name="Leaks",
        kind="keyword",
        topic=make_topic(),
        routing={
            "recipients": {"roles": ["Administrator"]},
            "on_call": [lin.pk, wang.pk],
            "escalation": [{"department_heads": True}],
        },
    )
    viewer = client_for("Viewer")
    page = viewer.get("/alerts/rules/").content.decode()
    assert '<td class="wide" data-label="Tells">Administrator, lin<div' in page
    assert "then → wang → department heads</div>" in page


def test_response_targets_are_shown_and_changed_on_the_rules_page(client_for) -> None:
    from vigil.alerts.models import response_window

    viewer, admin = client_for("Viewer"), client_for("Administrator")
    page = viewer.get("/alerts/rules/").content.decode()
    assert 'id="response-targets"' in page and 'name="hours_I"' not in page  # read-only
    assert viewer.post("/alerts/rules/levels/", {"hours_I": "1"}).status_code == 403
    saved = admin.post(
        "/alerts/rules/levels/", {"hours_I": "0.5", "hours_II": "", "hours_IV": "48"}
    )
    assert saved.status_code == 302
    assert response_window("I").total_seconds() == 1800 and response_window("IV").days == 2
    assert response_window("II").total_seconds() == 6 * 3600  # left empty: the default stays
    assert AuditEntry.objects.filter(action="response_target.changed").count() == 2
    admin.post("/alerts/rules/levels/", {"hours_I": "0.2", "hours_III": "9999"})
    assert response_window("I").total_seconds() == 1800  # one bad value saves nothing
    form = admin.get("/alerts/rules/new/").content.decode()
    assert "respond within 30 min" in form and "respond within 48 h" in form
    # The hours field says what a fraction means: a trial's "0.05" read as nothing at all.
    targets = admin.get("/alerts/rules/").content.decode()
    assert "= 30 min" in targets and "0.05 (3 minutes, the shortest)" in targets
    # A changed target says what to type to put it back (the verification trial cleared the
    # field, and nothing changed).
    assert "default 2 h" in targets and "default 24 h" in targets and "default 6 h" not in targets
    # Clearing a changed target's field puts its default back (audited); a level the form
    # does not send is left alone.
    admin.post("/alerts/rules/levels/", {"hours_I": "", "hours_II": "", "hours_IV": "48"})
    assert response_window("I").total_seconds() == 2 * 3600 and response_window("IV").days == 2
    reset = AuditEntry.objects.filter(action="response_target.changed").latest("pk")
    assert reset.before == {"level": "I", "hours": 0.5} and reset.after == {
        "level": "I",
        "hours": 2,
    }
    assert AuditEntry.objects.filter(action="response_target.changed").count() == 3
    admin.post("/alerts/rules/levels/", {"hours_II": "7"})
    assert response_window("IV").days == 2 and response_window("II").total_seconds() == 7 * 3600
    assert "Clear a field to put its default back." in admin.get("/alerts/rules/").content.decode()
    profile = admin.user.profile
    profile.timezone = "Europe/Berlin"
    profile.save()
    assert 'value="Europe/Berlin"' in admin.get("/alerts/rules/new/").content.decode()
    assert "Department liaison" in form  # roles are offered by their labels


def test_channels_are_added_and_tested_from_the_screen(client_for, httpserver) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    admin = client_for("Administrator")
    client_for("Responder")  # told in the app: a delivery on another channel
    response = admin.post(
        "/alerts/channels/new/",
        {"name": "Ops", "kind": "webhook", "url": httpserver.url_for("/hook")},
    )
    assert response.status_code == 302
    channel = Channel.objects.get(name="Ops")
    assert len(channel.config["secret"]) >= 16
    # The generated secret is shown once saved (the receiver needs it), on the edit page
    # only, and editing without a new secret keeps it.
    assert response["Location"] == f"/alerts/channels/{channel.pk}/edit/"
    edit = admin.get(response["Location"]).content.decode()
    assert f'<code class="query" id="secret-value">{channel.config["secret"]}</code>' in edit
    secret = channel.config["secret"]
    kept = admin.post(
        response["Location"], {"name": "Ops", "kind": "webhook", "url": channel.config["url"]}
    )
    channel.refresh_from_db()
    assert channel.config["secret"] == secret
    # Saved with its secret unchanged: back to the list, not "give the receiver the secret".
    assert kept["Location"] == "/alerts/channels/"
    result = admin.post(
        f"/alerts/channels/{channel.pk}/test/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "sent" in result and len(httpserver.log) == 1
    # The row's health follows the test without a reload.
    assert f'<span id="health-{channel.pk}" hx-swap-oob="true">' in result
    assert "badge-ok" in result.split(f'id="health-{channel.pk}"')[1]
    # ... and so does its last success, not "—" beside "working" (verify12 trial).
    last = result.split(f'<span id="last-success-{channel.pk}" hx-swap-oob="true">')[1]
    assert not last.startswith("—")
    listing = admin.get("/alerts/channels/").content.decode()
    assert (
        "Ops" in listing and "POST http://" in listing and channel.config["secret"] not in listing
    )
    assert "Ops" in admin.get("/alerts/deliveries/").content.decode()
    made = admin.post(
        "/api/alerts/channels",
        {"name": "Ops 2", "kind": "webhook", "config": {"url": channel.config["url"]}},
        content_type="application/json",
    ).json()
    stored = Channel.objects.get(name="Ops 2").config["secret"]
    assert made["secret"] == stored
    assert all("secret" not in c for c in admin.get("/api/alerts/channels").json())
