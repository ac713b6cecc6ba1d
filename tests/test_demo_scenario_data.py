"""The bundled demo scenario is well-formed and tells the story the demo promises.

Pure data checks (no Django): the replay connector and ``vigil demo load`` trust
these files, so a broken line or a missing field should fail here, not on a
new user's first run.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SCENARIO = Path(__file__).resolve().parents[1] / "vigil" / "demo" / "scenario"
STORY = "kettle-scald"
DAY = 24 * 60

CHANNELS = {"news", "social", "forum", "blog", "video"}
SENTIMENTS = {"positive", "neutral", "negative"}
TIERS = {"central", "national", "industry", "portal", "self_media", "individual"}
TOPIC_KINDS = {"brand", "product", "person", "competitor", "industry", "custom"}
MENTION_KEYS = {
    "id", "offset_minutes", "channel", "site", "url", "author", "author_handle", "followers",
    "title", "text", "lang", "likes", "shares", "comments", "views", "expected_sentiment",
    "story", "reprint_of",
}  # fmt: skip
COUNTERS = ("followers", "likes", "shares", "comments", "views")


@cache
def _company() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCENARIO / "company.json").read_text(encoding="utf-8"))
    return data


@cache
def _lines() -> tuple[str, ...]:
    return tuple((SCENARIO / "mentions.jsonl").read_text(encoding="utf-8").splitlines())


def _mentions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in _lines()]


def _story() -> list[dict[str, Any]]:
    return [m for m in _mentions() if m["story"] == STORY]


def _sites() -> dict[str, dict[str, Any]]:
    return {s["domain"]: s for s in _company()["sites"]}


# --- company.json -------------------------------------------------------------------


def test_company_has_bilingual_identity() -> None:
    company = _company()["company"]
    for key in ("name_en", "name_zh", "domain", "hq_en", "hq_zh", "industry_en", "industry_zh"):
        assert isinstance(company[key], str) and company[key].strip(), key
    assert company["domain"].endswith(".example")


@pytest.mark.parametrize("section", ["departments", "products"])
def test_departments_and_products_have_slug_codes_and_both_names(section: str) -> None:
    rows = _company()[section]
    assert len(rows) >= 5
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == len(codes)
    for row in rows:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", row["code"]), row
        assert row["name_en"].strip() and row["name_zh"].strip(), row


def test_departments_include_those_the_demo_users_belong_to() -> None:
    codes = {d["code"] for d in _company()["departments"]}
    assert {"pr", "cs", "qs", "legal", "mkt", "exec"} <= codes


def test_people_and_competitors_are_complete() -> None:
    people = _company()["people"]
    assert any("CEO" in p["title_en"] for p in people)
    assert any("Public Relations" in p["title_en"] for p in people)
    for p in people:
        assert all(p[k].strip() for k in ("name_en", "name_zh", "title_en", "title_zh")), p
    competitors = _company()["competitors"]
    assert 2 <= len(competitors) <= 3
    for c in competitors:
        assert c["name_en"] and c["name_zh"] and c["domain"].endswith(".example"), c


def test_topics_cover_every_kind_with_a_query() -> None:
    topics = _company()["topics"]
    kinds = Counter(t["kind"] for t in topics)
    assert set(kinds) <= TOPIC_KINDS
    assert {"brand", "product", "person", "competitor", "industry", "custom"} <= set(kinds)
    for t in topics:
        assert t["name_en"] and t["name_zh"] and t["query"].strip(), t
        assert t["exclude"] is None or t["exclude"].strip(), t


def test_sites_are_fictional_with_valid_channel_and_tier() -> None:
    sites = _company()["sites"]
    domains = [s["domain"] for s in sites]
    assert len(set(domains)) == len(domains)
    for s in sites:
        assert s["domain"].endswith(".example"), s
        assert s["channel"] in CHANNELS and s["tier"] in TIERS, s
    assert {s["channel"] for s in sites} == CHANNELS
    assert {"central", "national", "portal"} <= {s["tier"] for s in sites}


# --- mentions.jsonl -------------------------------------------------------------------


def test_every_line_parses_to_an_object_with_exactly_the_schema_keys() -> None:
    lines = _lines()
    assert 400 <= len(lines) <= 600
    for number, line in enumerate(lines, start=1):
        row = json.loads(line)
        assert isinstance(row, dict), number
        assert set(row) == MENTION_KEYS, (number, set(row) ^ MENTION_KEYS)


def test_ids_are_unique_and_offsets_sorted_over_about_a_week() -> None:
    mentions = _mentions()
    ids = [m["id"] for m in mentions]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"demo-\d{4}", i) for i in ids)
    offsets = [m["offset_minutes"] for m in mentions]
    assert all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
    assert offsets == sorted(offsets)
    assert offsets[0] >= 0 and offsets[-1] < 7 * DAY
    assert offsets[-1] - offsets[0] > 6 * DAY


def test_fields_have_valid_values() -> None:
    sites = _sites()
    for m in _mentions():
        where = m["id"]
        assert m["channel"] in CHANNELS, where
        assert m["lang"] in {"en", "zh"}, where
        assert m["expected_sentiment"] in SENTIMENTS, where
        assert m["site"] in sites, where
        assert sites[m["site"]]["channel"] == m["channel"], where
        assert m["url"].startswith(f"https://{m['site']}/"), where
        assert m["author"].strip(), where
        assert m["author_handle"] is None or re.fullmatch(r"[A-Za-z0-9_]+", m["author_handle"]), (
            where
        )
        for key in COUNTERS:
            value = m[key]
            assert value is None or (isinstance(value, int) and value >= 0), (where, key)
        assert m["story"] is None or re.fullmatch(r"[a-z0-9-]+", m["story"]), where


def test_urls_are_unique() -> None:
    urls = [m["url"] for m in _mentions()]
    assert len(set(urls)) == len(urls)


def test_titles_and_text_lengths_fit_the_channel() -> None:
    for m in _mentions():
        where, text = m["id"], m["text"]
        if m["channel"] in {"news", "blog", "forum", "video"}:
            assert m["title"] and m["title"].strip(), where
        if m["channel"] == "social":
            assert 20 <= len(text) <= 200, (where, len(text))
        if m["channel"] == "news":
            assert 300 <= len(text) <= 1200, (where, len(text))


def test_both_languages_roughly_sixty_forty() -> None:
    langs = Counter(m["lang"] for m in _mentions())
    share_zh = langs["zh"] / sum(langs.values())
    assert 0.5 <= share_zh <= 0.7, langs


def test_declared_language_matches_the_script() -> None:
    for m in _mentions():
        han = sum("\u4e00" <= ch <= "\u9fff" for ch in m["text"])
        if m["lang"] == "zh":
            assert han >= 5, m["id"]
        else:
            assert han == 0, m["id"]


def test_every_channel_and_sentiment_is_represented() -> None:
    mentions = _mentions()
    channels = Counter(m["channel"] for m in mentions)
    assert set(channels) == CHANNELS and min(channels.values()) >= 10, channels
    sentiments = Counter(m["expected_sentiment"] for m in mentions)
    assert set(sentiments) == SENTIMENTS and min(sentiments.values()) >= 50, sentiments


def test_reprints_point_back_to_an_earlier_mention() -> None:
    by_id = {m["id"]: m for m in _mentions()}
    reprints = [m for m in by_id.values() if m["reprint_of"]]
    assert len(reprints) >= 40
    for m in reprints:
        original = by_id.get(m["reprint_of"])
        assert original is not None, m["id"]
        assert original["id"] != m["id"]
        assert original["offset_minutes"] <= m["offset_minutes"], m["id"]


def test_repost_chains_end_at_an_original() -> None:
    """A repost of a repost (转发 of 转发) is fine; a chain must still reach a source."""
    by_id = {m["id"]: m for m in _mentions()}
    for m in by_id.values():
        seen = {m["id"]}
        while m["reprint_of"]:
            m = by_id[m["reprint_of"]]
            assert m["id"] not in seen, m["id"]
            seen.add(m["id"])
        assert len(seen) <= 3


def test_reprints_are_mostly_near_duplicates_not_copies() -> None:
    by_id = {m["id"]: m for m in _mentions()}
    reprints = [m for m in by_id.values() if m["reprint_of"]]
    differs = [m for m in reprints if m["text"] != by_id[m["reprint_of"]]["text"]]
    assert len(differs) >= 0.9 * len(reprints)


def test_noise_uses_the_brand_words_in_other_senses() -> None:
    texts = [m["text"] for m in _mentions()]
    assert any("明光铠" in t for t in texts)
    assert any("Lumina Festival" in t for t in texts)


def test_some_posts_use_traditional_characters() -> None:
    assert sum(1 for m in _mentions() if re.search("[燙壺認還單據灣網鎧]", m["text"])) >= 3


# --- the product-safety story ---------------------------------------------------------


def test_story_starts_on_day_four_with_one_forum_post() -> None:
    story = _story()
    assert len(story) >= 150
    first = story[0]
    assert first["channel"] == "forum" and first["reprint_of"] is None
    assert 3 * DAY <= first["offset_minutes"] < 4 * DAY
    before = [m for m in _mentions() if m["offset_minutes"] < first["offset_minutes"]]
    assert all(m["story"] != STORY for m in before)


def test_the_safety_topic_catches_the_first_post_and_nothing_outside_the_story() -> None:
    """The demo's safety alert watches this topic: it should warn on the mother's forum
    post itself, not an hour later on its first repost, and never on routine chatter."""
    from vigil.monitoring.query import Document, parse

    [topic] = [t for t in _company()["topics"] if t["name_en"] == "Product safety watch"]
    query = parse(topic["query"])
    hits = [m for m in _mentions() if query.match(Document(title=m["title"] or "", text=m["text"]))]
    assert hits[0]["id"] == _story()[0]["id"]
    assert all(m["story"] == STORY for m in hits)
    assert len(hits) >= 150


def test_story_spikes_far_above_the_routine_rate() -> None:
    def busiest(rows: list[dict[str, Any]]) -> int:
        return max(Counter(m["offset_minutes"] // 180 for m in rows).values())

    routine = [m for m in _mentions() if m["offset_minutes"] < 3 * DAY]
    assert busiest(_story()) >= 3 * busiest(routine)


def test_story_is_mostly_negative_before_the_recall_and_recovers_after() -> None:
    story = _story()
    statement = next(m for m in story if m["site"] == _company()["company"]["domain"])
    before = [m for m in story if m["offset_minutes"] < statement["offset_minutes"]]
    after = [m for m in story if m["offset_minutes"] > statement["offset_minutes"]]

    def negative_share(rows: list[dict[str, Any]]) -> float:
        return sum(m["expected_sentiment"] == "negative" for m in rows) / len(rows)

    assert negative_share(before) >= 0.8
    assert negative_share(after) <= 0.5
    assert any(m["expected_sentiment"] == "positive" for m in after)


def test_story_escalates_from_regional_to_national_to_central_media() -> None:
    sites = _sites()
    first_at: dict[str, int] = {}
    for m in _story():
        if m["channel"] == "news" and m["reprint_of"] is None:
            first_at.setdefault(sites[m["site"]]["tier"], m["offset_minutes"])
    assert first_at["portal"] < first_at["national"] < first_at["central"]


def test_story_has_the_company_responses_and_a_consumer_association() -> None:
    texts = [m["text"] for m in _story()]
    assert any("使用不当" in t and "保留追究法律责任" in t for t in texts)  # the clumsy first reply
    assert any("召回" in t and "致歉" in t for t in texts)  # apology and recall
    assert any("recall" in t.lower() and "apolog" in t.lower() for t in texts)
    assert any("消费者协会" in t for t in texts)
    assert any("#明光电水壶烫伤#" in t for t in texts)


def test_story_has_big_accounts_and_mixed_competitor_posts() -> None:
    story = _story()
    assert sum(1 for m in story if (m["followers"] or 0) >= 1_000_000) >= 3
    competitors = [
        name
        for c in _company()["competitors"]
        for name in (c["name_zh"][:2], c["name_en"].split()[0])
    ]
    mixed = [
        m
        for m in story
        if m["expected_sentiment"] == "negative" and any(name in m["text"] for name in competitors)
    ]
    assert len(mixed) >= 3
    assert {m["lang"] for m in mixed} == {"en", "zh"}


def test_story_is_reposted_in_both_languages() -> None:
    reposts = [m for m in _story() if m["reprint_of"]]
    assert len(reposts) >= 60
    assert {m["lang"] for m in reposts} == {"en", "zh"}
