"""Raw items become mentions through normalise → deduplicate → store, idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import RawItemFactory, SourceFactory
from vigil.mentions.models import Mention
from vigil.pipeline.services import process_pending
from vigil.sources.models import RawItem

pytestmark = pytest.mark.django_db


def _payload(**fields):  # noqa: ANN003, ANN202
    base = {"title": "", "text": "", "url": "", "published_at": None}
    base.update(fields)
    return base


def test_pending_items_become_mentions_with_normalised_fields() -> None:
    source = SourceFactory(channel="forum")
    raw = RawItemFactory(
        source=source,
        payload=_payload(
            url="HTTPS://Forum.Example.com/t/1?utm_source=x&b=2#reply",
            title="  明光电水壶  烫伤了 ",
            text="用了三天就漏电，还烫伤了手。",
            author="小王",
            author_followers="120",
            likes=5,
            lang="",
            published_at="2026-11-20T08:00:00+08:00",
        ),
    )
    report = process_pending()
    assert report.new_mentions == 1 and report.failed == 0
    mention = Mention.objects.get()
    raw.refresh_from_db()
    assert raw.status == RawItem.Status.DONE and raw.mention == mention
    assert mention.channel == "forum"
    assert mention.title == "明光电水壶 烫伤了"
    assert mention.canonical_url == "https://forum.example.com/t/1?b=2"
    assert mention.site == "forum.example.com"
    assert mention.lang == "zh"
    assert mention.author_followers == 120 and mention.likes == 5
    assert mention.published_at == dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)


def test_processing_twice_creates_nothing_new() -> None:
    RawItemFactory.create_batch(3)
    assert process_pending().new_mentions == 3
    again = process_pending()
    assert again.claimed == 0 and Mention.objects.count() == 3


def test_same_url_from_two_sources_is_one_mention_counted_twice() -> None:
    a, b = SourceFactory(), SourceFactory()
    url = "https://news.example.com/story?utm_medium=feed"
    RawItemFactory(source=a, payload=_payload(url=url, title="Story", text="First copy."))
    process_pending()
    RawItemFactory(
        source=b,
        payload=_payload(url="https://news.example.com/story", title="Story", text="Second copy."),
    )
    report = process_pending()
    assert report.new_mentions == 0 and report.duplicates == 1
    mention = Mention.objects.get()
    assert mention.duplicate_count == 1


def test_same_text_from_another_source_is_a_duplicate_but_not_from_the_same_source() -> None:
    a, b = SourceFactory(), SourceFactory()
    text = "Lumina recalls its smart kettle after reports of overheating in three cities."
    RawItemFactory(source=a, payload=_payload(url="https://a.example/1", text=text))
    RawItemFactory(source=b, payload=_payload(url="https://b.example/9", text=text.upper()))
    RawItemFactory(source=a, payload=_payload(url="https://a.example/2", text=text))
    report = process_pending()
    assert report.new_mentions == 2 and report.duplicates == 1
    assert sorted(Mention.objects.values_list("duplicate_count", flat=True)) == [0, 1]


def test_short_identical_texts_are_not_merged() -> None:
    a, b = SourceFactory(), SourceFactory()
    RawItemFactory(source=a, payload=_payload(text="Great!"))
    RawItemFactory(source=b, payload=_payload(text="Great!"))
    assert process_pending().new_mentions == 2


def test_bad_item_fails_alone_and_others_go_through() -> None:
    RawItemFactory(payload=_payload(title="", text=""))
    RawItemFactory()
    report = process_pending()
    assert report.new_mentions == 1 and report.failed == 1
    failed = RawItem.objects.get(status=RawItem.Status.FAILED)
    assert "neither title nor text" in failed.error


def test_dates_in_the_future_or_missing_become_the_fetch_time() -> None:
    fetched = timezone.now()
    future = (fetched + dt.timedelta(days=2)).isoformat()
    RawItemFactory(
        fetched_at=fetched,
        payload=_payload(text="From the future, apparently.", published_at=future),
    )
    RawItemFactory(fetched_at=fetched, payload=_payload(text="No date at all in this one."))
    process_pending()
    assert set(Mention.objects.values_list("published_at", flat=True)) == {fetched}


def test_a_stage_crash_rolls_the_batch_back_and_isolates_the_poisoned_item(settings) -> None:
    settings.PIPELINE_STAGES = [
        *settings.PIPELINE_STAGES,
        "tests.pipeline.test_process_raw_items.explode_on_poison",
    ]
    from vigil.pipeline.services import pipeline_stages

    pipeline_stages.cache_clear()
    try:
        RawItemFactory(external_id="good-1")
        RawItemFactory(external_id="poison")
        RawItemFactory(external_id="good-2")
        report = process_pending()
    finally:
        pipeline_stages.cache_clear()
    assert report.new_mentions == 2 and report.failed == 1
    assert RawItem.objects.get(external_id="poison").status == RawItem.Status.FAILED
    # The poisoned item's mention was rolled back with its transaction.
    assert Mention.objects.count() == 2


def explode_on_poison(batch) -> None:  # noqa: ANN001
    if any(e.raw.external_id == "poison" for e in batch.entries):
        raise RuntimeError("stage crashed")
