"""Plans and topics: validated queries, versions, audit, live matching and retro search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import MentionFactory, RawItemFactory, SourceFactory
from vigil.accounts.models import AuditEntry
from vigil.monitoring.models import Match, RetroSearch, TopicVersion
from vigil.monitoring.retro import run_retro_search
from vigil.monitoring.services import (
    TopicError,
    create_plan,
    create_topic,
    preview_topic,
    update_topic,
)
from vigil.pipeline.services import process_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(make_user):  # noqa: ANN001, ANN201
    return create_plan(
        name="Lumina brand", scope="Our brand and products", actor=make_user("Analyst")
    )


def _raw(text: str, title: str = "", **payload):  # noqa: ANN003, ANN202
    return RawItemFactory(payload={"title": title, "text": text, **payload})


def test_a_bad_query_is_refused_with_its_column(plan) -> None:
    with pytest.raises(TopicError) as error:
        create_topic(plan, name="Broken", query="明光 AND (烫伤 OR")
    assert error.value.field == "query" and error.value.column is not None
    with pytest.raises(TopicError) as error:
        create_topic(plan, name="Broken", query="明光", exclude_query="re*")
    assert error.value.field == "exclude_query"


def test_new_mentions_are_matched_live_with_their_terms(plan) -> None:
    create_topic(
        plan, name="Kettle", kind="product", query="明光 AND (电水壶 OR kettle) -招聘", retro_days=0
    )
    _raw("明光电水壶烫伤了我的手，太危险了")
    _raw("明光招聘电水壶工程师")
    _raw("Lumina kettle review", title="Not the brand in Chinese")
    process_pending()
    match = Match.objects.get()
    assert match.mention.text.startswith("明光电水壶") and match.via == "live"
    # Each matched word is its own term (which words matched), though touching words are
    # highlighted as one span.
    assert match.terms == ["明光", "电水壶"] and match.spans == {"text": [[0, 5]]}


def test_channel_and_language_filters_apply(plan) -> None:
    create_topic(
        plan, name="News only", query="Lumina", channels=["news"], languages=["en"], retro_days=0
    )
    forum = SourceFactory(channel="forum")
    _raw("Lumina opens a plant", lang="en")
    RawItemFactory(source=forum, payload={"text": "Lumina forum thread", "lang": "en"})
    _raw("Lumina 在苏州开厂", lang="zh")
    process_pending()
    assert [m.mention.text for m in Match.objects.all()] == ["Lumina opens a plant"]


def test_changing_a_topic_versions_audits_and_takes_effect_without_restart(plan, make_user) -> None:
    analyst = make_user("Analyst")
    topic = create_topic(plan, name="Brand", query="Lumina", actor=analyst, retro_days=0)
    _raw("明光发布新品")
    process_pending()
    assert not Match.objects.exists()
    update_topic(topic, query="Lumina OR 明光", actor=analyst, retro_days=0)
    assert topic.version == 2
    assert list(TopicVersion.objects.filter(topic=topic).values_list("version", "query")) == [
        (2, "Lumina OR 明光"),
        (1, "Lumina"),
    ]
    entry = AuditEntry.objects.get(action="topic.changed")
    assert entry.before["query"] == "Lumina" and entry.after["query"] == "Lumina OR 明光"
    _raw("明光召回电水壶")
    process_pending()
    assert Match.objects.filter(topic=topic, topic_version=2).count() == 1


def test_retro_search_matches_stored_mentions_and_reports_progress(
    plan, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    for days in (1, 3, 10, 40):
        MentionFactory(
            title="",
            text=f"明光 mention {days} days old",
            published_at=now - dt.timedelta(days=days),
        )
    MentionFactory(title="", text="unrelated")
    with django_capture_on_commit_callbacks(execute=True):
        topic = create_topic(plan, name="Brand", query="明光")  # default: last 30 days
    search = RetroSearch.objects.get(topic=topic)
    # The search ran after commit (no runner here): done, three within 30 days.
    assert search.status == "done" and search.matched == 3 and search.percent == 100
    assert Match.objects.filter(topic=topic, via="retro").count() == 3


def test_retro_search_resumes_where_it_stopped(plan) -> None:
    for i in range(5):
        MentionFactory(title="", text=f"明光 item {i}")
    topic = create_topic(plan, name="Brand", query="明光", retro_days=0)
    search = RetroSearch.objects.create(topic=topic, topic_version=topic.version, days=30)
    stops = iter([False, True])
    import vigil.monitoring.retro as retro

    retro.CHUNK, old = 2, retro.CHUNK
    try:
        run_retro_search(search.pk, should_stop=lambda: next(stops, True))
        search.refresh_from_db()
        assert search.status == "running" and search.processed == 2
        run_retro_search(search.pk)
    finally:
        retro.CHUNK = old
    search.refresh_from_db()
    assert search.status == "done" and Match.objects.filter(topic=topic).count() == 5


def test_preview_counts_and_highlights_the_last_seven_days() -> None:
    now = timezone.now()
    MentionFactory(
        title="Lumina kettle recall",
        text="The kettle overheats.",
        published_at=now - dt.timedelta(days=2),
    )
    MentionFactory(title="Old Lumina news", published_at=now - dt.timedelta(days=9))
    preview = preview_topic("Lumina AND kettle")
    assert preview.count == 1 and preview.scanned == 1
    mention, result = preview.examples[0]
    assert result.spans["title"] == [(0, 6), (7, 13)]
    assert preview_topic("Lumina AND (").error.startswith("error at column")


def test_topic_names_teach_the_chinese_segmenter(plan) -> None:
    from vigil.analysis.keywords import terms
    from vigil.monitoring.stages import current_percolator

    create_topic(plan, name="Kettle", query='"明光电水壶K3" OR 明光蒸汽锅', retro_days=0)
    current_percolator()
    assert "明光蒸汽锅" in terms("我买的明光蒸汽锅漏水了")


def test_api_patch_of_a_plan_changes_only_what_is_sent(plan, client_for) -> None:
    analyst = client_for("Analyst")
    paused = analyst.patch(
        f"/api/plans/{plan.pk}", data={"is_active": False}, content_type="application/json"
    )
    assert paused.status_code == 200
    assert paused.json()["scope"] == "Our brand and products" and not paused.json()["is_active"]
    again = analyst.patch(
        f"/api/plans/{plan.pk}", data={"is_active": False}, content_type="application/json"
    )
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="plan.changed").count() == 1


def test_api_refuses_unknown_warning_levels_and_languages(
    plan, client_for, zh_hans_catalogue
) -> None:
    analyst = client_for("Analyst")
    body = {"plan_id": plan.pk, "name": "Kettle", "query": "kettle", "alert_level": "V"}
    level = analyst.post("/api/topics", data=body, content_type="application/json")
    assert (
        level.status_code == 422 and "'I', 'II', 'III' or 'IV'" in level.json()["error"]["message"]
    )
    body.update(alert_level="II", languages=["klingon"])
    language = analyst.post(
        "/api/topics", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert language.status_code == 400
    assert language.json()["error"]["details"] == {"field": "languages", "column": None}
    assert language.json()["error"]["message"].startswith("languages: ")
    assert "klingon" in language.json()["error"]["message"]
    assert "未知语言" in language.json()["error"]["message"]
    with translation.override("en"), pytest.raises(TopicError, match="unknown warning level"):
        create_topic(plan, name="Kettle", query="kettle", alert_level="bogus")
    body["languages"] = ["zh-CN", "en"]
    assert analyst.post("/api/topics", data=body, content_type="application/json").json()[
        "languages"
    ] == ["en", "zh-cn"]


def test_api_topic_lists_are_paged_and_unknown_topics_answer_404(
    plan, client_for, zh_hans_catalogue
) -> None:
    viewer = client_for("Viewer")
    topic = create_topic(plan, name="Lumina", query="Lumina", retro_days=0)
    listed = viewer.get("/api/topics", {"plan_id": plan.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == topic.pk
    assert viewer.get("/api/plans").json()["count"] == 1
    assert viewer.get("/api/topics", {"plan_id": 999999}).status_code == 404
    for path in ("versions", "matches", "retro"):
        answer = viewer.get(f"/api/topics/999999/{path}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert answer.status_code == 404, path
        assert "999999" in answer.json()["error"]["message"]
    assert viewer.get(f"/api/topics/{topic.pk}/versions").json()["count"] == 1
    no_retro = viewer.get(f"/api/topics/{topic.pk}/retro", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert no_retro.status_code == 404 and no_retro.json()["error"]["code"] == "not_found"
    assert no_retro.json()["error"]["message"] == f"专题 {topic.pk} 没有回溯搜索"


def test_api_preview_refuses_an_unknown_channel_instead_of_finding_nothing(client_for) -> None:
    viewer = client_for("Viewer")
    body = {"query": "Lumina", "channels": ["tv"]}
    answer = viewer.post("/api/query/preview", data=body, content_type="application/json")
    assert answer.status_code == 422
    assert "channels.0: must be one of 'news'" in answer.json()["error"]["message"]


def test_api_patch_clears_a_plans_scope_and_department_with_null(plan, client_for) -> None:
    """null clears what may be empty; an omitted field stays; null for a name is refused."""
    from tests.factories import DepartmentFactory

    analyst = client_for("Analyst")
    department = DepartmentFactory()
    placed = analyst.patch(
        f"/api/plans/{plan.pk}",
        data={"department_id": department.pk},
        content_type="application/json",
    )
    assert placed.json()["department_id"] == department.pk
    assert placed.json()["scope"] == "Our brand and products"  # not sent: kept

    cleared = analyst.patch(
        f"/api/plans/{plan.pk}",
        data={"scope": None, "department_id": None},
        content_type="application/json",
    )
    assert cleared.status_code == 200
    assert cleared.json()["scope"] == "" and cleared.json()["department_id"] is None
    plan.refresh_from_db()
    assert plan.scope == "" and plan.department is None and plan.name == "Lumina brand"
    entry = AuditEntry.objects.filter(action="plan.changed").latest("id")
    assert entry.after["scope"] == "" and entry.after["department"] is None

    nameless = analyst.patch(
        f"/api/plans/{plan.pk}", data={"name": None}, content_type="application/json"
    )
    assert nameless.status_code == 422 and "name: " in nameless.json()["error"]["message"]
    unknown = analyst.patch(
        f"/api/plans/{plan.pk}", data={"department_id": 999999}, content_type="application/json"
    )
    assert unknown.status_code == 404


def test_api_patch_clears_a_topics_exclusion_with_null(plan, client_for) -> None:
    analyst = client_for("Analyst")
    topic = create_topic(
        plan, name="Kettle", query="kettle", exclude_query="jobs", channels=["news"], retro_days=0
    )
    answer = analyst.patch(
        f"/api/topics/{topic.pk}",
        data={"exclude_query": None, "retro_days": 0},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["exclude_query"] == "" and answer.json()["channels"] == ["news"]
    every = analyst.patch(
        f"/api/topics/{topic.pk}",
        data={"channels": None, "retro_days": 0},
        content_type="application/json",
    )
    assert every.json()["channels"] == [] and every.json()["query"] == "kettle"
    refused = analyst.patch(
        f"/api/topics/{topic.pk}", data={"query": None}, content_type="application/json"
    )
    assert refused.status_code == 422
    topic.refresh_from_db()
    assert topic.query == "kettle"
