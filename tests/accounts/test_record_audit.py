from __future__ import annotations

import html
from dataclasses import replace

import pytest
from django.utils import translation

from tests.factories import SourceFactory
from vigil.accounts.audit import record_audit, snapshot
from vigil.accounts.models import AuditEntry
from vigil.accounts.roles import ROLE_LABELS
from vigil.sources.services import set_source_paused

pytestmark = pytest.mark.django_db


def test_record_audit_keeps_who_what_before_and_after(make_user) -> None:
    analyst = make_user("Analyst", username="lin")
    source = SourceFactory(name="Feed A")
    set_source_paused(source, True, actor=analyst, reason="too noisy")
    entry = AuditEntry.objects.get(action="source.paused")
    assert entry.actor == analyst and entry.actor_label == "lin"
    assert entry.object_type == "sources.source" and entry.object_id == str(source.pk)
    assert entry.before == {"is_active": True, "paused_reason": ""}
    assert entry.after == {"is_active": False, "paused_reason": "too noisy"}
    assert entry.changed_fields() == {
        "is_active": (True, False),
        "paused_reason": ("", "too noisy"),
    }


def test_system_changes_are_recorded_without_a_user() -> None:
    source = SourceFactory()
    entry = record_audit(None, "source.checked", source, after=snapshot(source, ["name"]))
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.after == {"name": source.name}


def test_audit_screen_filters_by_object_and_user(client_for, make_user) -> None:
    admin = client_for("Administrator")
    a, b = SourceFactory(name="Alpha"), SourceFactory(name="Beta")
    analyst = make_user("Analyst", username="wei")
    set_source_paused(a, True, actor=analyst)
    set_source_paused(b, True, actor=admin.user)
    page = admin.get("/accounts/audit/", {"object_type": "sources.source", "object_id": a.pk})
    assert page.status_code == 200
    assert "Alpha" in page.content.decode() and "Beta" not in page.content.decode()
    by_user = admin.get("/accounts/audit/", {"actor": "wei"}).content.decode()
    assert "Alpha" in by_user and "Beta" not in by_user


def test_audit_api_lists_entries_for_an_object(client_for) -> None:
    admin = client_for("Administrator")
    source = SourceFactory()
    set_source_paused(source, True, actor=admin.user)
    body = admin.get("/api/audit", {"object_type": "sources.source", "object_id": source.pk}).json()
    assert body["count"] == 1
    assert body["items"][0]["action"] == "source.paused"


def test_the_audit_screen_reads_in_the_readers_language(client_for) -> None:
    from tests.alerts._support import make_topic
    from vigil.alerts.services import create_rule

    admin = client_for("Administrator")
    create_rule(
        name="Burns",
        kind="keyword",
        topic=make_topic(),
        routing={"recipients": {"roles": ["Responder"]}},
        actor=admin.user,
    )
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/").content.decode()
    table = page[page.index("<tbody>") :]
    assert "预警规则" in table and "创建" in table  # the kind of object and the verb
    assert "alerts.alertrule #" not in table and "{'" not in table  # no codes, no Python reprs
    with translation.override("zh-hans"):
        responders = str(ROLE_LABELS["Responder"])
    assert '"roles"' not in html.unescape(table) and f"→ {responders}" in table  # in words
    assert "关键词 / 敏感词" in table and "→ keyword" not in table  # values by their labels
    # A zh trial read "created at: — → 2026-11-27T10:46:30.557931+00:00".
    assert "created at" not in table and "+00:00" not in table and "<strong>创建</strong>" in table


def test_the_user_filter_ignores_case_and_spaces(client_for, make_user) -> None:
    admin = client_for("Administrator")
    set_source_paused(SourceFactory(name="Alpha"), True, actor=make_user("Analyst", username="wei"))
    assert "Alpha" in admin.get("/accounts/audit/", {"actor": " Wei "}).content.decode()


def test_roles_in_audit_entries_are_named_in_the_readers_language(client_for, make_user) -> None:
    admin = client_for("Administrator")
    make_user("Department liaison")
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/", {"object_type": "auth.user"}).content.decode()
    table = page[page.index("<tbody>") :]
    assert "部门联络员" in table and "Department liaison" not in table


def test_an_escalation_reads_in_the_readers_language_and_names_people(
    client_for, make_user
) -> None:
    from tests.alerts._support import burns_alert

    admin = client_for("Administrator")
    li = make_user("Responder", username="lihua")
    alert = burns_alert("I")
    record_audit(
        None,
        "alert.escalated",
        alert,
        before={"escalation_step": 0, "assigned_to": None},
        after={"escalation_step": 1, "skipped_steps": [], "assigned_to": li.pk},
        note="unacknowledged after the level I target",
    )
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/", {"object_type": "alerts.alert"}).content.decode()
    table = page[page.index("<tbody>") :]
    assert "skipped_steps" not in table and "unacknowledged after" not in table
    assert "升级至第 1 步" in table  # the reason, in Chinese
    assert "lihua" in table and f"→ {li.pk}<" not in table  # the person, not their number


def test_the_audit_log_names_people_and_departments_as_the_screens_do(
    client_for, make_user
) -> None:
    # The verification trial read 「负责人: admin」 and "Public Relations" on a Chinese screen.
    from tests.alerts._support import burns_alert
    from vigil.alerts.services.lifecycle import assign_alert

    admin = client_for("Administrator")
    boss = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    admin.user.first_name, admin.user.last_name = "静", "陈"
    admin.user.save(update_fields=["first_name", "last_name"])
    assign_alert(burns_alert(), actor=admin.user, assignee=boss)
    table = admin.get("/accounts/audit/").content.decode()
    assert "→ Wei Li" in table
    # Who did it, named as the timeline names them, the username on hover (a zh re-trial).
    assert f'<span title="{admin.user.username}">陈静</span>' in table


def test_a_changed_e_mail_reads_in_chinese_on_the_audit_log(client_for, make_user) -> None:
    from vigil.accounts.services import update_preferences

    li = make_user("Responder", "li")
    update_preferences(li, timezone_name="Asia/Shanghai", language="zh-hans", email="li@x.cn")
    admin = client_for("Administrator")
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/", {"actor": "li"}).content.decode()
    table = page[page.index("<tbody>") :]
    # A zh trial read "email" and "profile of responder" among the Chinese.
    assert "邮箱地址" in table and "profile of" not in table and ">email<" not in table
    assert "→ 简体中文" in table and "zh-hans" not in table  # the language by its name


def test_an_alert_is_named_in_the_readers_language_on_the_audit_log(client_for) -> None:
    # A zh trial read alert titles in English (stored when they fired) among Chinese entries.
    from tests.alerts._support import burns_alert
    from vigil.alerts.services.lifecycle import acknowledge_alert

    admin = client_for("Administrator")
    alert = burns_alert("II")
    acknowledge_alert(alert, actor=admin.user)
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/", {"object_type": "alerts.alert"}).content.decode()
    table = page[page.index("<tbody>") :]
    assert f"[Ⅱ] {alert.title}" not in table  # titles Vigil wrote are said again in Chinese
    with translation.override("zh-hans"):
        assert f"[Ⅱ] {alert.display_title}" in table
        # …and so is the title recorded when it fired, in the changes.
        assert f"→ {html.escape(alert.display_title)}</div>" in table.replace("&#x27;", "'")
    assert f"→ {alert.title}<" not in table
    alert.delete()  # a deleted object keeps the name stored with its entry
    page = admin.get("/accounts/audit/", {"object_type": "alerts.alert"}).content.decode()
    assert str(alert)[:40] in page


def test_changes_made_through_an_api_token_name_the_token(client_for) -> None:
    # An integrator's script acknowledged alerts that the audit log credited to its owner's
    # own hand; a pushed batch already named its token.
    from tests.alerts._support import burns_alert
    from vigil.accounts.services import issue_api_token

    alert = burns_alert()
    admin = client_for("Administrator")
    issued = issue_api_token(admin.user, name="incident-sync")
    acked = admin.post(
        f"/api/alerts/{alert.pk}/ack",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.raw}",
    )
    assert acked.status_code == 200
    entry = AuditEntry.objects.get(action="alert.acknowledged")
    assert entry.actor == admin.user and entry.after["token"].startswith("incident-sync (")
    table = admin.get("/accounts/audit/", {"object_type": "alerts.alert"}).content.decode()
    assert "API token" in table and "incident-sync" in table
    # The next request, signed in on the screens, is the person's own again.
    admin.post(f"/alerts/{alert.pk}/act/", {"action": "handle"})
    closed = AuditEntry.objects.filter(action="alert.handled").first()
    assert closed is not None and "token" not in (closed.after or {})


def test_a_rules_routing_and_a_channels_kind_read_in_words(client_for, make_user) -> None:
    # A zh trial's log showed {"recipients": {"users": [], "roles": ["Responder"], … cut off,
    # and channels as "webhook".
    from tests.alerts._support import make_topic
    from vigil.alerts.services import create_channel, create_rule

    li = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    hook = create_channel(name="Ops", kind="webhook", config={"url": "https://h.example.com/"})
    create_rule(
        name="Burns",
        kind="keyword",
        topic=make_topic(),
        conditions={"query": "烫伤"},
        routing={"recipients": {"roles": ["Responder"]}, "on_call": [li.pk], "channels": [hook.pk]},
    )
    admin = client_for("Administrator")
    table = admin.get("/accounts/audit/").content.decode()
    table = html.unescape(table[table.index("<tbody>") :])
    assert '"recipients"' not in table and "Wei Li" in table and "Ops" in table
    assert "→ Signed webhook</div>" in table and "→ webhook<" not in table


def test_corrections_conditions_departments_and_growths_read_in_chinese(
    client_for, make_user, zh_hans_catalogue
) -> None:
    # A zh trial's audit log read mention.corrected.sentiment, "— → neutral", "cs → pr",
    # {"query": ""}, "升级步骤：— → 0" on a fired alert, an English growth explanation,
    # "Apprise" for a mail channel and "III: 0.05 h" beside a target set back to 12 h.
    from tests.alerts._support import make_topic, matched_mention
    from vigil.accounts.models import Department
    from vigil.accounts.services import set_role_and_department
    from vigil.alerts.services import create_channel, create_rule
    from vigil.alerts.services.config import reset_response_target, set_response_target
    from vigil.alerts.services.firing import Firing, fire_alert
    from vigil.analysis.corrections import correct_mention

    admin = client_for("Administrator")
    topic = make_topic()
    mention = matched_mention(topic, sentiment="negative")
    correct_mention(mention, field="sentiment", value="neutral", actor=admin.user)
    correct_mention(mention, field="relevance", value="noise", actor=admin.user)
    cs = Department.objects.create(code="cs", name="Customer service", name_zh="客服中心")
    pr = Department.objects.create(code="pr", name="Public relations", name_zh="公关部")
    li = make_user("Responder", username="li")
    set_role_and_department(li, role="Responder", department=cs, actor=admin.user)
    set_role_and_department(li, role="Responder", department=pr, actor=admin.user)
    rule = create_rule(name="Any", kind="keyword", topic=topic, conditions={"query": ""})
    create_rule(
        name="Share",
        kind="negative_share",
        topic=topic,
        conditions={"threshold_percent": 40, "window_minutes": 60, "min_mentions": 20},
    )
    create_channel(
        name="PR mail",
        kind="apprise",
        config={"urls": ["mailto://u:p@mail.example.com?to=pr@example.com"]},
    )
    set_response_target("III", 0.05, actor=admin.user)
    reset_response_target("III", actor=admin.user)
    share = {"negative": 13, "analysed": 19, "minutes": 60, "threshold": 40.0, "judged": 0}
    firing = Firing(
        rule=rule,
        subject=f"topic:{topic.pk}",
        title_code="negative_share",
        title_params={"share": 68.4, "topic": topic.name},
        summary_code="negative_share",
        summary_params=share,
        topic_id=topic.pk,
        mention_ids=[mention.pk],
        grew=True,
    )
    fire_alert(firing)
    grown = {**share, "negative": 60, "analysed": 80}
    more = [matched_mention(topic).pk for _ in range(3)]
    # Grows: told again, the entry saying what was told before and now.
    fire_alert(replace(firing, summary_params=grown, mention_ids=[mention.pk, *more]))
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get("/accounts/audit/", {"page_size": 200}).content.decode()
    table = html.unescape(page[page.index("<tbody>") :])
    assert ">mention.corrected" not in table and "更正了情感倾向" in table
    assert "负面</span> → 中性" in table and "→ 噪音" in table and "neutral" not in table
    assert '舆情数</strong>：<span class="muted">1</span> → 1' not in table
    assert "客服中心</span> → 公关部" in table and "cs → pr" not in table
    assert '{"query"' not in table and "该专题的任何新信息" in table
    assert "负面占比超过 40%" in table
    assert "→ 0<" not in table  # no escalation step on a new alert
    assert "13 of 19" not in table and "19 条舆情中有 13 条为负面" in table
    assert "80 条舆情中有 60 条为负面" in table and '<span class="muted">1</span> → 4<' in table
    assert "Apprise" not in table and "→ 邮件<" in table
    assert "0.05 h" not in table
