"""The alerts API as an integrator uses it: listing, acknowledging, feedback, rules and
their refusals (field named, caller's language), idempotent repeats, the incident hand-off
and the delivery log."""

from __future__ import annotations

import pytest

from tests.alerts._support import burns_alert, make_topic, matched_mention
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Alert, AlertRule
from vigil.alerts.services import create_rule, deliver_due

pytestmark = pytest.mark.django_db


def test_the_api_lists_acknowledges_and_takes_feedback(client_for) -> None:
    alert = burns_alert()
    responder = client_for("Responder")
    listing = responder.get("/api/alerts?state=open").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == alert.pk
    # The deadline the docs describe, and whether it has passed (a trial looked for it).
    one = responder.get(f"/api/alerts/{alert.pk}").json()
    assert one["respond_by"].startswith(alert.respond_by.isoformat()[:16])
    assert one["overdue"] is False
    acked = responder.post(
        f"/api/alerts/{alert.pk}/ack", {"note": "mine"}, content_type="application/json"
    ).json()
    assert acked["state"] == "acknowledged"
    # An empty body (curl -X POST) is understood: the note is optional. A retry of one's own
    # acknowledgement answers 200 and changes nothing (a client read 409 as success).
    again = responder.post(f"/api/alerts/{alert.pk}/ack", content_type="application/json")
    assert again.status_code == 200 and again.json()["acknowledged_by_id"] == responder.user.pk
    assert AuditEntry.objects.filter(action="alert.acknowledged").count() == 1
    other = client_for("Responder")
    taken = other.post(f"/api/alerts/{alert.pk}/ack", content_type="application/json")
    assert taken.status_code == 409  # someone else's: the caller does not own it
    assert responder.get("/api/alerts?state=all").json()["count"] == 1
    wrong = responder.get("/api/alerts?state=closed")
    assert wrong.status_code == 400 and "false_alarm" in wrong.json()["error"]["message"]
    useful = responder.post(
        f"/api/alerts/{alert.pk}/feedback", {"feedback": "useful"}, content_type="application/json"
    )
    assert useful.json()["feedback"] == "useful"
    typo = responder.post(
        f"/api/alerts/{alert.pk}/feedback", {"feedback": "usefull"}, content_type="application/json"
    )
    assert (
        typo.status_code == 422 and "'useful' or 'false_alarm'" in typo.json()["error"]["message"]
    )
    handled = responder.post(
        f"/api/alerts/{alert.pk}/handle", {}, content_type="application/json"
    ).json()
    assert handled["state"] == "handled" and handled["closed_by_id"] == responder.user.pk
    retried = responder.post(f"/api/alerts/{alert.pk}/handle", {}, content_type="application/json")
    assert retried.status_code == 200
    dismissed = responder.post(
        f"/api/alerts/{alert.pk}/false-alarm", {}, content_type="application/json"
    )
    assert dismissed.status_code == 409  # closed otherwise: not what was asked
    rules = responder.get("/api/alerts/rules").json()
    assert rules[0]["kind"] == "keyword"
    bad = responder.post(
        "/api/alerts/rules",
        {
            "name": "x",
            "kind": "negative_share",
            "topic_id": alert.topic_id,
            "conditions": {"threshold_percent": 500},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "threshold_percent" in bad.json()["error"]["message"]


def _api(client, method: str, path: str, body: object = None, **headers: str):  # type: ignore[no-untyped-def]
    if body is None:
        return getattr(client, method)(f"/api{path}", **headers)
    return getattr(client, method)(f"/api{path}", body, content_type="application/json", **headers)


def _fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [d["loc"][-1] for d in response.json()["error"]["details"] or []]


def test_api_refusals_name_the_field_and_the_unknown_id(client_for) -> None:
    alert = burns_alert()
    admin = client_for("Administrator")
    rule = {"name": "x", "kind": "keyword", "topic_id": alert.topic_id}
    unknown_topic = _api(admin, "post", "/alerts/rules", {**rule, "topic_id": 9999})
    assert unknown_topic.status_code == 400 and _fields(unknown_topic) == ["topic_id"]
    assert "9999" in unknown_topic.json()["error"]["message"]
    patched = _api(admin, "patch", f"/alerts/rules/{alert.rule_id}", {"plan_id": 9999})
    assert patched.status_code == 400 and _fields(patched) == ["plan_id"]
    # Routing to a channel, a person or a role that does not exist would warn nobody.
    routing = {"channels": [999], "on_call": [555], "recipients": {"roles": ["Boss"]}}
    nowhere = _api(admin, "post", "/alerts/rules", {**rule, "routing": routing})
    assert nowhere.status_code == 400 and _fields(nowhere) == ["routing"]
    message = nowhere.json()["error"]["message"]
    assert "channels 999" in message and "users 555" in message and "roles Boss" in message
    bad_query = _api(admin, "post", "/alerts/rules", {**rule, "conditions": {"query": "("}})
    assert _fields(bad_query) == ["query"]  # down to the condition at fault
    assert bad_query.json()["error"]["details"][0]["loc"][:3] == ["body", "payload", "conditions"]
    assert bad_query.json()["error"]["message"].count("query:") == 1
    assert not AlertRule.objects.filter(name="x").exists()
    hook = {"kind": "webhook", "config": {"url": "https://hooks.example.com/v"}}
    taken = _api(admin, "post", "/alerts/channels", {**hook, "name": "In-app"})
    assert taken.status_code == 400 and _fields(taken) == ["name"]
    bad_url = _api(
        admin, "post", "/alerts/channels", {"name": "h", "kind": "webhook", "config": {}}
    )
    assert _fields(bad_url) == ["url"]  # the key at fault inside config
    bad_status = _api(admin, "get", "/alerts/deliveries?status=lost")
    assert bad_status.status_code == 400 and _fields(bad_status) == ["status"]
    assert _fields(_api(admin, "get", "/alerts?state=closed")) == ["state"]
    # An unknown assignee is the caller's input, not a missing alert.
    nobody = _api(admin, "post", f"/alerts/{alert.pk}/assign", {"user_id": 9999})
    assert nobody.status_code == 400 and _fields(nobody) == ["user_id"]
    missing = _api(admin, "post", "/alerts/9999/assign", {"user_id": admin.user.pk})
    assert missing.status_code == 404 and "9999" in missing.json()["error"]["message"]
    # A body without user_id (or with a misspelt key) must not unassign in silence, and
    # `true` is not user 1.
    alert.assigned_to = admin.user
    alert.save(update_fields=["assigned_to"])
    for body, named in (
        ({}, ["user_id"]),
        ({"userid": admin.user.pk}, ["user_id", "userid"]),  # the missing key and the unknown
        ({"user_id": True}, ["user_id"]),
    ):
        refused = _api(admin, "post", f"/alerts/{alert.pk}/assign", body)
        assert refused.status_code == 422 and _fields(refused) == named, body
    alert.refresh_from_db()
    assert alert.assigned_to == admin.user


def test_api_not_found_names_the_thing_in_the_callers_language(client_for) -> None:
    responder = client_for("Responder")
    english = _api(responder, "get", "/alerts/9999").json()["error"]
    assert english["code"] == "not_found" and english["message"] == "there is no alert with id 9999"
    chinese = _api(responder, "get", "/alerts/9999", HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    assert "预警" in chinese["error"]["message"]  # the model's name, translated
    rule = _api(responder, "get", "/alerts/rules/9999").json()["error"]["message"]
    assert rule == "there is no alert rule with id 9999"
    assert "matches the given query" not in rule


def test_a_report_about_an_unknown_topic_is_refused_not_a_server_error(client_for) -> None:
    liaison = client_for("Department liaison")
    response = _api(liaison, "post", "/alerts/report", {"title": "Leak", "topic_id": 9999})
    assert response.status_code == 400 and _fields(response) == ["topic_id"]
    assert not Alert.objects.exists()


def test_repeated_api_calls_change_and_audit_once(client_for) -> None:
    alert = burns_alert()
    responder = client_for("Responder")
    other = client_for("Responder").user
    for _ in range(2):
        assert _api(responder, "post", f"/alerts/{alert.pk}/feedback", {"feedback": "useful"})
        assert _api(responder, "post", f"/alerts/{alert.pk}/assign", {"user_id": other.pk})
    actions = list(
        AuditEntry.objects.filter(object_type="alerts.alert", object_id=str(alert.pk))
        .exclude(action="alert.fired")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == ["alert.assigned", "alert.feedback"]
    rule = AlertRule.objects.get()
    before = rule.updated_at
    patch = {"level": rule.level, "is_active": True}
    assert _api(responder, "patch", f"/alerts/rules/{rule.pk}", patch).status_code == 200
    rule.refresh_from_db()
    assert rule.updated_at == before
    assert not AuditEntry.objects.filter(action="alertrule.changed").exists()


def test_an_alert_is_handed_off_to_an_incident_once(client_for) -> None:
    alert = burns_alert()
    responder = client_for("Responder")
    path = f"/alerts/{alert.pk}/incident"
    linked = _api(responder, "post", path, {"incident_id": 77, "note": "INC opened"})
    assert linked.status_code == 200 and linked.json()["incident_id"] == 77
    assert _api(responder, "post", path, {"incident_id": 77}).status_code == 200  # a retry
    other = _api(responder, "post", path, {"incident_id": 78})
    assert other.status_code == 409 and "77" in other.json()["error"]["message"]
    entry = AuditEntry.objects.get(action="alert.incident_opened")
    assert entry.after["incident_id"] == 77 and entry.before["incident_id"] is None
    assert entry.note == "INC opened"
    assert _api(client_for("Viewer"), "post", path, {"incident_id": 1}).status_code == 403
    assert _api(responder, "post", "/alerts/9999/incident", {"incident_id": 1}).status_code == 404
    assert _api(responder, "get", f"/alerts/{alert.pk}").json()["incident_id"] == 77


def test_the_delivery_log_is_filtered_by_channel(client_for, httpserver) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    admin = client_for("Administrator")
    client_for("Responder")  # told in the app: a delivery on another channel
    hook = _api(
        admin,
        "post",
        "/alerts/channels",
        {"name": "Ops", "kind": "webhook", "config": {"url": httpserver.url_for("/hook")}},
    ).json()
    burns_alert(recipients={"roles": ["Responder"]}, channels=[hook["id"]])
    deliver_due()
    rows = _api(admin, "get", f"/alerts/deliveries?channel_id={hook['id']}").json()
    assert rows["count"] == 1 and rows["items"][0]["channel_id"] == hook["id"]
    assert _api(admin, "get", "/alerts/deliveries").json()["count"] > 1
    # The screen can set the bell's rows aside, most of the log (a zh trial).
    page = admin.get("/alerts/deliveries/", {"channel": "remote"}).content.decode()
    assert "Ops" in page and "In-app" not in page.split("<tbody>")[1]


def test_patching_a_rule_merges_its_routing_and_conditions(client_for, make_user) -> None:  # noqa: ANN001
    # A trial's PATCH of the time zone alone replaced the whole routing: the rule's
    # recipients, on-call order and channels were gone, without a word.
    wang = make_user("Responder")
    rule = create_rule(
        name="Neg",
        kind="spike",
        topic=make_topic(),
        conditions={"negative_only": True},
        routing={"recipients": {"users": [wang.pk]}, "on_call": [wang.pk]},
    )
    responder = client_for("Responder")
    patch = {"routing": {"timezone": "Asia/Shanghai"}, "conditions": {"sensitivity": "high"}}
    assert _api(responder, "patch", f"/alerts/rules/{rule.pk}", patch).status_code == 200
    rule.refresh_from_db()
    assert rule.routing["timezone"] == "Asia/Shanghai"
    assert rule.routing["recipients"]["users"] == [wang.pk] and rule.routing["on_call"] == [wang.pk]
    assert rule.conditions["sensitivity"] == "high" and rule.conditions["negative_only"] is True


def test_a_bad_routing_is_refused_item_by_item_in_the_callers_language(
    client_for, zh_hans_catalogue
) -> None:
    # A trial sent on-call user names (the rule form takes names) and got pydantic's English,
    # with details that stopped at "routing", while other refusals spoke Chinese.
    alert = burns_alert()
    admin = client_for("Administrator")
    rule = {"name": "x", "kind": "keyword", "topic_id": alert.topic_id}
    routing = {"on_call": ["wang"], "timezone": "Mars/Olympus"}
    answer = _api(
        admin, "post", "/alerts/rules", {**rule, "routing": routing}, HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert [d["loc"] for d in error["details"]] == [
        ["body", "payload", "routing", "on_call", 0],
        ["body", "payload", "routing", "timezone"],
    ]
    assert [d["message"] for d in error["details"]] == [
        "routing.on_call.0: 应为整数",
        "routing.timezone: 未知时区“Mars/Olympus”",
    ]
    assert (
        error["message"]
        == "请求无效：routing.on_call.0: 应为整数; routing.timezone: 未知时区“Mars/Olympus”"
    )
    assert error["details"][0]["type"] == "int_parsing"  # pydantic's, for programs
    english = _api(admin, "post", "/alerts/rules", {**rule, "routing": routing}).json()["error"]
    assert english["message"] == (
        "The request is not valid: routing.on_call.0: must be a whole number; "
        "routing.timezone: unknown time zone “Mars/Olympus”"
    )
    digest = _api(admin, "post", "/alerts/rules", {**rule, "routing": {"digest": "daily"}})
    assert digest.json()["error"]["details"][0]["message"].startswith("routing: ")
    assert not AlertRule.objects.filter(name="x").exists()


def test_flagging_an_already_flagged_mention_through_the_api_answers_200(client_for) -> None:
    # A trial's second flag answered 201, as if a new warning had been raised.
    mention = matched_mention(make_topic(), title="可疑帖子")
    analyst, liaison = client_for("Analyst"), client_for("Department liaison")
    first = _api(analyst, "post", "/alerts/flag", {"mention_id": mention.pk})
    again = _api(liaison, "post", "/alerts/flag", {"mention_id": mention.pk})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_a_misspelt_key_is_refused_not_ignored(client_for) -> None:
    # An integrator's "levle" saved a rule at level III, and a PATCH of "kind" answered 200
    # and changed nothing, both in silence.
    topic = make_topic()
    admin = client_for("Administrator")
    typo = _api(
        admin,
        "post",
        "/alerts/rules",
        {"name": "t", "kind": "keyword", "topic_id": topic.pk, "levle": "I"},
    )
    assert typo.status_code == 422 and _fields(typo) == ["levle"]
    assert "is not a field this endpoint knows" in typo.json()["error"]["message"]
    assert not AlertRule.objects.exists()
    rule = create_rule(name="Burns", kind="keyword", topic=topic, conditions={"query": "烫伤"})
    patch = _api(admin, "patch", f"/alerts/rules/{rule.pk}", {"kind": "spike"})
    assert patch.status_code == 422 and _fields(patch) == ["kind"]
    # Other endpoints' bodies refuse unknown keys too, and known ones still work.
    assert _api(admin, "post", "/plans", {"name": "P", "colour": "red"}).status_code == 422
    assert _api(admin, "post", "/plans", {"name": "P"}).status_code == 201


def test_changed_since_lists_what_fired_grew_or_was_acted_on(client_for) -> None:
    import datetime as dt

    from django.utils import timezone

    alert = burns_alert()
    quiet = burns_alert_on_another_topic()
    old = timezone.now() - dt.timedelta(hours=2)
    Alert.objects.filter(pk__in=[alert.pk, quiet.pk]).update(created_at=old, last_seen=old)
    AuditEntry.objects.update(at=old)
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    responder = client_for("Responder")

    def changed(moment: str = since) -> list[int]:
        page = responder.get("/api/alerts", {"changed_since": moment, "state": "all"}).json()
        return [item["id"] for item in page["items"]]

    assert changed() == []
    assert _api(responder, "post", f"/alerts/{alert.pk}/ack", {}).status_code == 200
    assert changed() == [alert.pk]  # acted on: in the audit log
    Alert.objects.filter(pk=quiet.pk).update(last_seen=timezone.now())
    assert sorted(changed()) == sorted([alert.pk, quiet.pk])  # gained mentions
    assert sorted(changed(old.isoformat())) == sorted([alert.pk, quiet.pk])
    assert responder.get("/api/alerts", {"changed_since": "yesterday"}).status_code == 422


def burns_alert_on_another_topic() -> Alert:
    topic = make_topic("Cooker", "R9")
    create_rule(name="R9", kind="keyword", topic=topic, conditions={"query": "R9"})
    from vigil.alerts.services.evaluate import evaluate_new_mentions

    evaluate_new_mentions([matched_mention(topic, title="R9 烫伤")])
    return Alert.objects.get(topic=topic)


def test_a_channel_is_read_changed_and_switched_off_through_the_api(client_for) -> None:
    # An integrator could create a channel but not read, change or switch it off again.
    admin = client_for("Administrator")
    made = _api(
        admin,
        "post",
        "/alerts/channels",
        {"name": "Ops", "kind": "webhook", "config": {"url": "https://hooks.example.com/a"}},
    ).json()
    one = _api(admin, "get", f"/alerts/channels/{made['id']}")
    assert one.status_code == 200 and one.json()["name"] == "Ops" and "secret" not in one.json()
    new_secret = "s" * 24
    changed = _api(
        admin,
        "patch",
        f"/alerts/channels/{made['id']}",
        {"name": "Incidents", "is_active": False, "config": {"secret": new_secret}},
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["name"] == "Incidents" and body["is_active"] is False
    from vigil.alerts.models import Channel

    stored = Channel.objects.get(pk=made["id"])
    assert stored.config["secret"] == new_secret  # rotated
    assert stored.config["url"] == "https://hooks.example.com/a"  # merged, not replaced
    assert AuditEntry.objects.filter(action="channel.changed", object_id=str(made["id"])).exists()
    bad = _api(admin, "patch", f"/alerts/channels/{made['id']}", {"config": {"url": "ftp://x"}})
    assert bad.status_code == 400
    null = _api(admin, "patch", f"/alerts/channels/{made['id']}", {"name": None})
    assert null.status_code == 400 and _fields(null) == ["name"]
    from vigil.alerts.services import in_app_channel

    in_app = in_app_channel()
    refused = _api(admin, "patch", f"/alerts/channels/{in_app.pk}", {"name": "Bell"})
    assert refused.status_code == 400
    viewer = client_for("Viewer")
    assert _api(viewer, "patch", f"/alerts/channels/{made['id']}", {"name": "x"}).status_code == 403
    assert _api(admin, "get", "/alerts/channels/99999").status_code == 404


def test_oversized_ids_and_nul_characters_are_refused_not_a_server_error(client_for) -> None:
    # A re-trial sent 99999999999999999999999 as an id (the columns are 64-bit) and a NUL in
    # a note (PostgreSQL cannot store one): each answered 500, or would have on PostgreSQL.
    from tests.alerts._support import burns_alert

    alert = burns_alert()
    responder = client_for("Responder")
    huge = 99999999999999999999999
    bulk = responder.post(
        "/api/alerts/bulk", {"ids": [huge], "action": "ack"}, content_type="application/json"
    )
    assert bulk.status_code == 422 and bulk.json()["error"]["code"] == "invalid"
    for query in (f"topic_id={huge}", f"rule_id={huge}"):
        assert responder.get(f"/api/alerts?{query}").status_code == 422
    for query in (f"alert_id={huge}", f"channel_id={huge}"):
        assert responder.get(f"/api/alerts/deliveries?{query}").status_code == 422
    for path in (f"/alerts/?topic={huge}", f"/alerts/deliveries/?channel={huge}"):
        assert responder.get(path).status_code == 200
    news = responder.get(f"/alerts/news/?after={huge}&since=0")
    assert news.status_code == 200
    nul = responder.post(
        f"/api/alerts/{alert.pk}/ack", {"note": "ab\x00cd"}, content_type="application/json"
    )
    assert nul.status_code == 422 and "NUL" in nul.json()["error"]["message"]
    alert.refresh_from_db()
    assert alert.state == "new"
