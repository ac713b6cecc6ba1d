"""The query language over stored mentions: same results as live matching, indexed prefilter."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.factories import MentionFactory
from vigil.mentions.models import Mention
from vigil.mentions.search import candidates, search_mentions
from vigil.monitoring.models import Match
from vigil.monitoring.query import parse
from vigil.monitoring.services import create_plan, create_topic

pytestmark = pytest.mark.django_db

TEXTS = [
    "明光电水壶降价了，双十一入手",
    "华为手机降价，二手也跌",
    "Lumina recalls kettles after burns",
    "Lumina recalled 126,000 kettles",
    "降温了，多喝热水",
    "中国移动信号差",
]


@pytest.fixture
def corpus() -> list[Mention]:
    return [MentionFactory(title="", text=text) for text in TEXTS]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("降价", {0, 1}),
        ("降价 -二手", {0}),
        ("recall*", {2, 3}),
        ('"Lumina recalls"', {2}),
        ("明光 NEAR/3 降价", {0}),
        ("中国移动", {5}),
        ("移动", {5}),
        ("kettle", set()),  # whole words only: "kettles" is not "kettle"
    ],
)
def test_search_finds_what_live_matching_finds(corpus, query: str, expected: set[int]) -> None:
    result = search_mentions(query, Mention.objects.all())
    assert {TEXTS.index(hit.mention.text) for hit in result.hits} == expected
    assert result.count == len(expected) and result.exact


def test_the_prefilter_narrows_candidates_with_the_index(corpus) -> None:
    assert candidates(parse("降价"), Mention.objects.all()).count() == 2
    assert candidates(parse("recall*"), Mention.objects.all()).count() == 2
    # A query with no required text (pure NOT) scans everything.
    assert candidates(parse("-降价"), Mention.objects.all()).count() == len(TEXTS)


def test_bad_search_reports_the_column() -> None:
    result = search_mentions('明光 AND "kettle', Mention.objects.all())
    assert result.error.startswith("error at column") and result.column


def test_mentions_screen_and_api_take_the_query_language(client_for, corpus) -> None:
    viewer = client_for("Viewer")
    page = viewer.get("/mentions/", {"q": "降价 -二手"}).content.decode()
    assert "<mark>降价</mark>" in page and "华为" not in page
    api = viewer.get("/api/mentions", {"q": "recall*"}).json()
    assert api["count"] == 2 and api["items"][0]["matched_terms"]
    bad = viewer.get("/api/mentions", {"q": "("})
    assert bad.status_code == 400 and "column" in bad.json()["error"]["message"]
    assert 'id="query-error"' in viewer.get("/mentions/", {"q": "("}).content.decode()


@pytest.mark.postgres
def test_postgres_uses_its_cjk_index_for_two_character_words(corpus) -> None:
    from django.db import connection

    sql = str(candidates(parse("降价"), Mention.objects.all()).query)
    # All the characters from the index, then the word itself: no phrase recheck, which
    # recomputed the indexed expression on each row holding the characters.
    assert "plainto_tsquery" in sql and "phraseto_tsquery" not in sql
    scattered = MentionFactory(title="", text="价格没有下降")  # both characters, not the word
    found = set(candidates(parse("降价"), Mention.objects.all()))
    assert scattered not in found
    assert found == {m for m in corpus if "降价" in m.text}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'mentions_mention'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"mention_search_cjk", "mention_search_trgm"} <= names


def test_fts_triggers_survive_table_rebuilds(corpus) -> None:
    """Altering the mentions table on SQLite drops its triggers; migrate puts them back."""
    from django.db import connection

    from vigil.mentions.search_index import ensure_sqlite_search_index

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER mentions_fts_ai")
    assert ensure_sqlite_search_index() is True
    MentionFactory(title="", text="售后服务太差")
    assert search_mentions("售后服务", Mention.objects.all()).count == 1
    assert ensure_sqlite_search_index() is False


def test_mentions_screen_filters_by_sentiment_with_corrections_winning(client_for) -> None:
    MentionFactory(title="", text="Lumina kettle burns", sentiment="negative")
    MentionFactory(title="", text="Lumina kettle is lovely", sentiment="positive")
    MentionFactory(
        title="", text="Lumina kettle launch", sentiment="negative", sentiment_corrected="neutral"
    )
    viewer = client_for("Viewer")
    page = viewer.get("/mentions/", {"sentiment": "negative"}).content.decode()
    assert "Lumina kettle burns" in page and "lovely" not in page and "launch" not in page
    assert '<option value="neutral"' in page
    assert (
        "Lumina kettle launch"
        in viewer.get("/mentions/", {"sentiment": "neutral"}).content.decode()
    )


def test_mentions_screen_survives_bad_numbers_and_dates_in_the_address(client_for) -> None:
    MentionFactory(title="", text="Lumina kettle burns")
    viewer = client_for("Viewer")
    for params in [
        {"page": "²"},
        {"page": "999999999999999999999"},
        {"topic": "99999999999999999999999"},
        {"source": "99999999999999999999"},
        {"since": "2026-13-45", "until": "9999-12-31"},
        {"order": "sideways", "relevance": "maybe"},
    ]:
        response = viewer.get("/mentions/", params)
        assert response.status_code == 200, params
        assert "Lumina kettle burns" in response.content.decode(), params


def test_mentions_screen_days_are_the_viewers_local_days(make_user, client) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    # 23:30 on 1 March in Shanghai is still 1 March there, but 15:30 UTC.
    MentionFactory(
        title="",
        text="late evening post",
        published_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=shanghai),
    )
    # 07:00 on 2 March in Shanghai is 23:00 UTC on 1 March.
    MentionFactory(
        title="",
        text="early morning post",
        published_at=dt.datetime(2026, 3, 2, 7, 0, tzinfo=shanghai),
    )
    user = make_user("Viewer", timezone_name="Asia/Shanghai")
    client.force_login(user)
    page = client.get("/mentions/", {"since": "2026-03-02", "until": "2026-03-02"}).content.decode()
    assert "early morning post" in page and "late evening post" not in page
    page = client.get("/mentions/", {"until": "2026-03-01"}).content.decode()
    assert "late evening post" in page and "early morning post" not in page


def test_mentions_screen_sorts_by_age_or_impact_and_the_query_keeps_the_order(client_for) -> None:
    now = timezone.now()
    MentionFactory(
        title="", text="Lumina old loud", published_at=now - dt.timedelta(days=2), impact=80
    )
    MentionFactory(title="", text="Lumina new quiet", published_at=now, impact=5)
    MentionFactory(title="", text="Lumina middle unscored", published_at=now - dt.timedelta(days=1))
    viewer = client_for("Viewer")

    def order_of(**params: str) -> list[str]:
        page = viewer.get("/mentions/", params).content.decode()
        names = ["old loud", "new quiet", "middle unscored"]
        return sorted(names, key=page.index)

    assert order_of() == ["new quiet", "middle unscored", "old loud"]
    assert order_of(order="oldest") == ["old loud", "middle unscored", "new quiet"]
    assert order_of(order="impact") == ["old loud", "new quiet", "middle unscored"]
    assert order_of(order="impact", q="Lumina") == ["old loud", "new quiet", "middle unscored"]
    assert order_of(order="oldest", q="lumina") == ["old loud", "middle unscored", "new quiet"]


def test_mentions_marked_noise_can_be_found_again(client_for) -> None:
    MentionFactory(title="", text="Lumina festival of lights", relevance="noise")
    MentionFactory(title="", text="Lumina kettle review", relevance="relevant")
    MentionFactory(title="", text="Lumina purifier post")
    viewer = client_for("Viewer")

    def texts(**params: str) -> set[str]:
        page = viewer.get("/mentions/", params).content.decode()
        return {t for t in ("festival", "kettle", "purifier") if t in page}

    assert texts() == {"kettle", "purifier"}
    assert texts(relevance="noise") == {"festival"}
    assert texts(relevance="relevant") == {"kettle"}
    assert texts(relevance="any") == {"festival", "kettle", "purifier"}
    api = viewer.get("/api/mentions", {"relevance": "noise", "order": "oldest"}).json()
    assert [m["text"] for m in api["items"]] == ["Lumina festival of lights"]


def test_a_page_past_the_end_shows_the_last_page(client_for) -> None:
    for n in range(30):
        MentionFactory(title="", text=f"Lumina post {n:02d}")
    viewer = client_for("Viewer")
    for params in [{"page": "7"}, {"page": "7", "q": "lumina"}]:
        page = viewer.get("/mentions/", params).content.decode()
        assert "page 2 of 2" in page and "post 00" in page, params
        assert "No mentions match." not in page


def test_a_bad_search_shows_only_its_error(client_for) -> None:
    page = client_for("Viewer").get("/mentions/", {"q": "(明光"}).content.decode()
    assert 'id="query-error"' in page and "unclosed (" in page
    assert "No mentions match." not in page and "page 1 of" not in page


def test_export_the_filtered_mentions_as_csv_for_a_spreadsheet(client_for) -> None:
    plan = create_plan(name="Brand")
    topic = create_topic(plan, name="明光品牌", query="明光", retro_days=0)
    hit = MentionFactory(title="明光电水壶烫伤", text='=HYPERLINK("http://evil")', impact=42.0)
    Match.objects.create(mention=hit, topic=topic, terms=["明光"], published_at=hit.published_at)
    MentionFactory(title="", text="unrelated kettle")
    viewer = client_for("Viewer")
    listing = viewer.get("/mentions/", {"q": "明光"}).content.decode()
    assert 'href="/mentions/export.csv?q=%E6%98%8E%E5%85%89"' in listing
    response = viewer.get("/mentions/export.csv", {"q": "明光", "order": "impact"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "published", "channel"] and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (
        row["title"] == "明光电水壶烫伤" and row["topics"] == "明光品牌" and row["impact"] == "42.0"
    )
    assert row["text"].startswith("'=")  # kept as text, never run as a formula
    bad = viewer.get("/mentions/export.csv", {"q": "(明光"})
    assert bad.status_code == 302 and bad["Location"].startswith("/mentions/?q=")


def test_api_filters_refuse_unknown_values_naming_the_valid_ones(client_for, settings) -> None:
    MentionFactory(title="", text="Lumina kettle burns", sentiment="negative", channel="forum")
    viewer = client_for("Viewer")
    assert viewer.get("/api/mentions", {"sentiment": "negative"}).json()["count"] == 1
    assert viewer.get("/api/mentions", {"channel": "forum"}).json()["count"] == 1
    bad = viewer.get("/api/mentions", {"sentiment": "angry", "channel": "tv"})
    assert bad.status_code == 422
    message = bad.json()["error"]["message"]
    assert "sentiment: must be one of 'positive', 'neutral', 'negative' or 'unknown'" in message
    assert "channel: must be one of 'news', 'social'" in message
    spec = viewer.get("/api/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/mentions"]["get"]["parameters"]}
    assert "forum" in spec["components"]["schemas"]["Channel"]["enum"]
    assert "#/components/schemas/Channel" in str(params["channel"]["schema"])
    assert "unknown" in str(params["sentiment"]["schema"])


def test_api_dates_without_a_zone_are_utc_whatever_the_installation_zone(
    client_for, settings
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    MentionFactory(
        title="", text="late", published_at=dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)
    )
    viewer = client_for("Viewer")
    assert viewer.get("/api/mentions", {"since": "2026-03-01T15:00:00"}).json()["count"] == 1
    assert viewer.get("/api/mentions", {"since": "2026-03-01T16:00:00"}).json()["count"] == 0
    zoned = viewer.get("/api/mentions", {"until": "2026-03-01T23:00:00+08:00"}).json()
    assert zoned["count"] == 0


def test_only_the_shown_page_is_highlighted(monkeypatch) -> None:
    """Every candidate is checked to count the matches; highlights cost, so only the page
    gets them."""
    import vigil.monitoring.query.matching as matching

    for i in range(30):
        MentionFactory(title="", text=f"Lumina recalls kettles, report {i}")
    explained = []
    explain = matching.explain
    monkeypatch.setattr(
        matching, "explain", lambda root, doc: explained.append(1) or explain(root, doc)
    )

    result = search_mentions("recall*", Mention.objects.all(), offset=10, limit=5)

    assert result.count == 30 and result.exact
    assert [hit.match.terms for hit in result.hits] == [["recalls"]] * 5
    newest_first = list(Mention.objects.order_by("-published_at", "-id"))[10:15]
    assert [hit.mention for hit in result.hits] == newest_first
    assert len(explained) == 5
