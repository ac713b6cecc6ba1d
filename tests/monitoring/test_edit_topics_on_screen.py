"""The topic editor: live query check, preview before saving, saving; the API for the same."""

from __future__ import annotations

import html
import re

import pytest

from tests.factories import MentionFactory
from vigil.accounts.models import AuditEntry
from vigil.monitoring import services
from vigil.monitoring.models import Match, MonitoringPlan, Topic
from vigil.monitoring.query import QuerySyntaxError, parse
from vigil.monitoring.services import TopicError, create_plan, create_topic
from vigil.monitoring.views import QUERY_GUIDE

pytestmark = pytest.mark.django_db


def test_live_check_shows_the_parsed_form_or_the_error_with_a_caret(client_for) -> None:
    analyst = client_for("Analyst")
    ok = analyst.post("/topics/check/", {"field": "query", "query": "明光 烫伤"}).content.decode()
    assert "✓" in ok and "明光 AND 烫伤" in ok
    bad = analyst.post("/topics/check/", {"field": "query", "query": "明光 AND"}).content.decode()
    assert "error at column" in bad and "^" in bad


def test_preview_then_save_a_topic(client_for) -> None:
    MentionFactory(title="明光电水壶烫伤", text="太危险了")
    analyst = client_for("Analyst")
    plan = create_plan(name="Brand")
    preview = analyst.post("/topics/preview/", {"query": "明光 AND 烫伤"}).content.decode()
    assert "1 mention in the last 7 days" in preview and "<mark>" in preview
    response = analyst.post(
        "/topics/new/",
        {
            "plan": plan.pk,
            "name": "Kettle safety",
            "kind": "product",
            "query": "明光 AND 烫伤",
            "exclude_query": "",
            "alert_level": "II",
            "is_active": "on",
            "channels": ["social", "forum"],
        },
    )
    topic = Topic.objects.get(name="Kettle safety")
    assert response.status_code == 302 and response["Location"] == f"/topics/{topic.pk}/"
    assert topic.channels == ["forum", "social"] and topic.alert_level == "II"
    detail = analyst.get(f"/topics/{topic.pk}/").content.decode()
    assert "Kettle safety" in detail and "v1" in detail and 'id="retro"' in detail
    listing = analyst.get("/topics/").content.decode()
    assert "Kettle safety" in listing and "Brand" in listing


def test_saving_a_bad_query_keeps_the_form_with_the_error(client_for) -> None:
    analyst = client_for("Analyst")
    plan = create_plan(name="Brand")
    page = analyst.post(
        "/topics/new/",
        {"plan": plan.pk, "name": "X", "kind": "brand", "query": '"unclosed', "alert_level": "III"},
    )
    assert page.status_code == 200 and "error at column" in page.content.decode()
    assert not Topic.objects.exists()


def test_viewer_reads_topics_but_cannot_change_them(client_for) -> None:
    viewer = client_for("Viewer")
    plan = create_plan(name="Brand")
    assert viewer.get("/topics/").status_code == 200
    assert viewer.get("/topics/new/").status_code == 403
    assert (
        viewer.post("/topics/new/", {"plan": plan.pk, "name": "x", "query": "x"}).status_code == 403
    )


def test_the_topic_list_says_what_its_numbers_and_level_are(client_for) -> None:
    """The columns used to read "24 h", "7 days" and "Level" over bare numbers and a III."""
    create_topic(create_plan(name="Brand"), name="Lumina", query="lumina", retro_days=0)
    page = client_for("Viewer").get("/topics/").content.decode()
    assert "Mentions, 24 h" in page and "Mentions, 7 days" in page and "Default level" in page
    assert "from I (most severe, red) to IV (blue)" in page


def test_topics_through_the_api(client_for) -> None:
    analyst = client_for("Analyst")
    plan = analyst.post(
        "/api/plans", data={"name": "API plan", "scope": "test"}, content_type="application/json"
    ).json()
    created = analyst.post(
        "/api/topics",
        data={"plan_id": plan["id"], "name": "Brand", "query": "Lumina OR 明光", "retro_days": 0},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    changed = analyst.patch(
        f"/api/topics/{topic_id}",
        data={"query": "Lumina OR 明光 OR 明光智能"},
        content_type="application/json",
    )
    assert changed.json()["version"] == 2
    versions = analyst.get(f"/api/topics/{topic_id}/versions").json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    refused = analyst.post(
        "/api/topics",
        data={"plan_id": plan["id"], "name": "Bad", "query": "a NEAR b"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "column" in refused.json()["error"]["message"]
    check = analyst.post(
        "/api/query/check", data={"query": "title:明光 -招聘"}, content_type="application/json"
    ).json()
    assert check["ok"] and check["parsed"]
    zh = analyst.post(
        "/api/query/check",
        data={"query": '明光 AND "召回'},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()
    assert zh["ok"] is False and zh["error"] == "第 8 列有误：引号没有闭合"
    assert MonitoringPlan.objects.get(name="API plan").topics.count() == 1


def test_refusals_of_names_and_channels_go_through_translation(monkeypatch) -> None:
    monkeypatch.setattr(services, "gettext", lambda text: f"«{text}»")
    plan = create_plan(name="Brand")
    create_topic(plan, name="Kettle", query="kettle", retro_days=0)
    refusals = [
        lambda: create_plan(name="Brand"),
        lambda: create_topic(plan, name="Kettle", query="kettle", retro_days=0),
        lambda: create_topic(plan, name=" ", query="kettle", retro_days=0),
        lambda: create_topic(plan, name="X", query="kettle", channels=["fax"], retro_days=0),
    ]
    for refuse in refusals:
        with pytest.raises(TopicError) as caught:
            refuse()
        assert str(caught.value).startswith("«") and str(caught.value).endswith("»")
    assert "Brand" in str(pytest.raises(TopicError, create_plan, name="Brand").value)


def test_renaming_a_plan_to_a_taken_name_is_refused_on_the_form(client_for) -> None:
    analyst = client_for("Analyst")
    create_plan(name="Brand")
    other = create_plan(name="Competitors")
    page = analyst.post(f"/topics/plans/{other.pk}/edit/", {"name": "Brand", "is_active": "on"})
    assert (
        page.status_code == 200 and "a plan named “Brand” already exists" in page.content.decode()
    )
    other.refresh_from_db()
    assert other.name == "Competitors"
    api = analyst.patch(
        f"/api/plans/{other.pk}",
        data={"name": "Brand", "scope": ""},
        content_type="application/json",
    )
    assert api.status_code == 400


def test_editing_a_topic_can_move_it_to_another_plan(client_for) -> None:
    analyst = client_for("Analyst")
    brand = create_plan(name="Brand")
    rivals = create_plan(name="Competitors")
    topic = create_topic(brand, name="Corvane", query="Corvane OR 科旺", retro_days=0)
    create_topic(rivals, name="Auralis", query="Auralis", retro_days=0)
    form = {
        "name": "Corvane",
        "kind": "competitor",
        "query": "Corvane OR 科旺",
        "alert_level": "III",
        "is_active": "on",
    }
    moved = analyst.post(f"/topics/{topic.pk}/edit/", {**form, "plan": rivals.pk})
    assert moved.status_code == 302
    topic.refresh_from_db()
    assert topic.plan_id == rivals.pk and topic.version == 2
    entry = AuditEntry.objects.filter(action="topic.changed").latest("pk")
    assert entry.before["plan"] == brand.pk and entry.after["plan"] == rivals.pk
    clash = analyst.post(
        f"/topics/{topic.pk}/edit/", {**form, "name": "Auralis", "plan": rivals.pk}
    )
    assert clash.status_code == 200 and "already has a topic named" in clash.content.decode()


def test_topic_page_leads_to_all_its_matches_in_mentions(client_for) -> None:
    plan = create_plan(name="Brand")
    topic = create_topic(plan, name="Kettle", query="kettle", retro_days=0)
    mention = MentionFactory(title="", text="my kettle")
    Match.objects.create(
        mention=mention, topic=topic, terms=["kettle"], published_at=mention.published_at
    )
    page = client_for("Viewer").get(f"/topics/{topic.pk}/").content.decode()
    assert f'href="/mentions/?topic={topic.pk}"' in page


def test_the_syntax_link_opens_the_query_guide_inside_vigil(client_for) -> None:
    analyst = client_for("Analyst")
    form = analyst.get("/topics/new/").content.decode()
    assert 'href="/topics/help/query/"' in form and "github.com" not in form
    guide = analyst.get("/topics/help/query/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>查询语法" in guide
    assert "<table>" in guide and "NEAR/5" in guide  # the Markdown guide, rendered

    assert "Percolator(" not in guide  # the developer sections are left out


def _guide_queries(markdown_text: str) -> list[str]:
    """The queries of the guide's example blocks, without the notes written beside them."""
    queries = []
    for block in re.findall(r"```text\n(.*?)```", markdown_text, flags=re.S):
        queries += [re.split(r"\s{2,}", line)[0] for line in block.splitlines() if line]
    return queries


def test_the_query_guide_is_in_chinese_for_chinese_readers(client_for) -> None:
    # Chinese readers were shown the English guide with a note that it is in English.
    analyst = client_for("Analyst")
    chinese = html.unescape(
        analyst.get("/topics/help/query/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    for heading in ("监测查询语言", "关键词", "通配符", "运算符与优先级", "邻近（NEAR）", "字段"):
        assert f">{heading}</h" in chinese
    assert "This guide is in English" not in chinese and "本指南为英文" not in chinese
    assert ">Terms</h2>" not in chinese
    english_doc = QUERY_GUIDE.read_text(encoding="utf-8").split("\n## Using it from Python")[0]
    queries = _guide_queries(english_doc)
    assert len(queries) == 9 and '"Tim Cook" NEAR/5 (resign* OR 辞职)' in queries
    for query in queries:  # the examples are syntax: the same in both languages
        assert query in chinese
    assert "第 1 列有误：词不能以通配符开头" in chinese  # errors as the Chinese screens say them

    english = html.unescape(
        analyst.get("/topics/help/query/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    for heading in ("Terms", "Wildcards", "Operators and precedence", "Proximity", "Fields"):
        assert f">{heading}</h" in english
    assert "关键词</h2>" not in english and "This guide is in English" not in english
    for query in queries:
        assert query in english


def test_without_its_translation_the_query_guide_is_english_and_says_so(
    client_for, tmp_path, monkeypatch
) -> None:
    english_only = tmp_path / "query-language.md"
    english_only.write_text("# The monitoring query language\n\n## Terms\n", encoding="utf-8")
    monkeypatch.setattr("vigil.monitoring.views.QUERY_GUIDE", english_only)
    guide = client_for("Analyst").get("/topics/help/query/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = guide.content.decode()
    assert ">Terms</h2>" in page and "本指南为英文" in page


@pytest.mark.parametrize("name", ["query-language.md", "query-language.zh_Hans.md"])
def test_every_query_the_guide_shows_is_accepted(name) -> None:
    text = (QUERY_GUIDE.parent / name).read_text(encoding="utf-8")
    for query in _guide_queries(text):
        parse(query)  # raises QuerySyntaxError if the guide shows a query Vigil refuses


def test_the_guide_quotes_the_errors_the_parser_gives() -> None:
    text = QUERY_GUIDE.read_text(encoding="utf-8")
    table = text.split("\n## Errors", 1)[1].split("\n\n| query | error |", 1)[1].split("\n\n")[0]
    rows = [row.split(" | ") for row in table.strip().splitlines()[1:]]
    assert len(rows) == 11
    for query_cell, error_cell in rows:
        queries = re.findall(r"`([^`]+)`", query_cell) or [""]  # *(empty)*
        errors = re.findall(r"`([^`]+)`", error_cell)
        for k, query in enumerate(queries):
            with pytest.raises(QuerySyntaxError) as refused:
                parse(query)
            expected = errors[k] if len(errors) == len(queries) else errors[0]
            shown = str(refused.value)
            assert shown == expected or shown.endswith(": " + expected), (query, shown)


def test_a_new_topic_without_any_plan_says_to_make_one_first(client_for) -> None:
    # A trial on an empty install reached New topic, whose only plan was "---------", and Save
    # did nothing (the browser's required-field check) without a word.
    analyst = client_for("Analyst")
    empty = analyst.get("/topics/new/").content.decode()
    assert "There is no monitoring plan yet, and every topic belongs to one." in empty
    assert 'href="/topics/plans/new/"' in empty
    create_plan(name="Brand")
    assert "There is no monitoring plan yet" not in analyst.get("/topics/new/").content.decode()


def test_chinese_screens_take_full_width_punctuation(client_for, zh_hans_catalogue) -> None:
    # A zh trial read 「✓ 有效: …」 and 「(已搜索 0 条)」: half-width marks in Chinese text.
    MentionFactory(title="明光电水壶烫伤", text="太危险了")
    analyst = client_for("Analyst")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    ok = analyst.post("/topics/check/", {"field": "query", "query": "明光 烫伤"}, **zh)
    assert "有效：</span>" in ok.content.decode()
    preview = analyst.post("/topics/preview/", {"query": "明光 AND 烫伤"}, **zh).content.decode()
    assert "（已搜索" in preview and "条）" in preview
    english = analyst.post("/topics/check/", {"field": "query", "query": "明光 烫伤"})
    assert "Valid: </span>" in english.content.decode()


def test_the_caret_stands_under_the_column_past_wide_characters(client_for) -> None:
    # Padding with one space a character put the caret two cells short under 起火 AND (爆炸.
    analyst = client_for("Analyst")
    bad = analyst.post(
        "/topics/check/", {"field": "query", "query": "起火 AND (爆炸"}
    ).content.decode()
    assert '<span class="caret-pad" aria-hidden="true">起火 AND </span>^' in bad
