"""Collection end to end: real connectors against local servers, into mentions, with health."""

from __future__ import annotations

import pytest

from tests.sources.fixtures import fixture_bytes
from tests.sources.test_connector_web import forum
from vigil.accounts.models import SystemNotice
from vigil.cli import main
from vigil.mentions.models import Mention
from vigil.pipeline.services import process_pending
from vigil.sources.models import FetchRun, Source
from vigil.sources.services import claim_due_sources, collect_sources, create_source

pytestmark = pytest.mark.django_db


def _serve(httpserver, path: str, body: bytes, content_type: str) -> str:  # noqa: ANN001
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    return httpserver.url_for(path)


@pytest.fixture
def three_sources(httpserver):  # noqa: ANN001, ANN201
    rss = create_source(
        name="News feed",
        kind="rss",
        config={
            "url": _serve(
                httpserver, "/feed.xml", fixture_bytes("rss_en.xml"), "application/rss+xml"
            )
        },
    )
    forum_source = create_source(name="Forum board", kind="web", config=forum(httpserver))
    httpserver.expect_request("/api/v1/timelines/tag/lumina").respond_with_data(
        fixture_bytes("mastodon_tag.json"), content_type="application/json"
    )
    mastodon = create_source(
        name="Mastodon #lumina",
        kind="mastodon",
        config={"base_url": httpserver.url_for("/").rstrip("/"), "tag": "lumina"},
    )
    return rss, forum_source, mastodon


def test_three_kinds_collect_into_mentions_with_health(three_sources) -> None:
    reports = collect_sources(list(Source.objects.all()))
    assert all(r.error == "" for r in reports), [r.line() for r in reports]
    assert all(r.new > 0 for r in reports), [r.line() for r in reports]
    process_pending()
    by_source = {s.name: s.mentions.count() for s in Source.objects.all()}
    assert all(count > 0 for count in by_source.values()), by_source
    for source in Source.objects.all():
        assert source.health == "ok" and source.last_success_at is not None
        assert FetchRun.objects.filter(source=source, error="").exists()
    assert Mention.objects.filter(source__name="Mastodon #lumina", channel="social").exists()


def test_a_second_run_fetches_nothing_twice(three_sources) -> None:
    sources = list(Source.objects.all())
    first = sum(r.new for r in collect_sources(sources))
    again = collect_sources(list(Source.objects.all()))
    assert first > 0 and sum(r.new for r in again) == 0


def test_malformed_feed_is_reported_and_the_others_go_on(three_sources, httpserver) -> None:
    broken = create_source(
        name="Broken",
        kind="rss",
        config={
            "url": _serve(httpserver, "/broken.xml", b"<rss><channel><item><title>oops", "text/xml")
        },
    )
    html = create_source(
        name="Not a feed",
        kind="rss",
        config={
            "url": _serve(httpserver, "/page.html", b"<html><body>Hello</body></html>", "text/html")
        },
    )
    httpserver.expect_request("/gone.xml").respond_with_data("nope", status=500)
    failing = create_source(
        name="Server error", kind="rss", config={"url": httpserver.url_for("/gone.xml")}
    )
    reports = {r.source: r for r in collect_sources(list(Source.objects.all()))}
    assert reports["News feed"].new > 0 and reports["Forum board"].new > 0
    for source in (html, failing):
        source.refresh_from_db()
        assert source.health == "failing" and source.last_error
        assert reports[source.name].error
    broken.refresh_from_db()
    assert reports["Broken"].error or reports["Broken"].warnings
    assert "500" in Source.objects.get(name="Server error").last_error


def test_a_source_failing_again_and_again_is_paused_and_admins_are_told(
    httpserver, settings
) -> None:
    settings.SOURCE_MAX_FAILURES = 3
    httpserver.expect_request("/down.xml").respond_with_data("down", status=503)
    source = create_source(name="Down", kind="rss", config={"url": httpserver.url_for("/down.xml")})
    for _ in range(3):
        collect_sources([Source.objects.get(pk=source.pk)])
    source.refresh_from_db()
    assert not source.is_active and "3 failures in a row" in source.paused_reason
    notice = SystemNotice.objects.get(code="source.paused")
    assert "Down" in notice.message and "503" in notice.message
    assert source not in claim_due_sources()


def test_claimed_sources_are_not_claimed_twice(three_sources) -> None:
    first = claim_due_sources()
    assert {s.name for s in first} == {"News feed", "Forum board", "Mastodon #lumina"}
    assert claim_due_sources() == []


def test_collect_once_prints_one_line_per_source(three_sources, capsys) -> None:
    assert main(["collect", "--once"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("News feed fetched=") and "errors=none" in line for line in lines)
    assert sum(" new=" in line for line in lines) == 3


def test_sources_add_and_list_commands(httpserver, capsys) -> None:
    url = _serve(httpserver, "/feed.xml", fixture_bytes("rss_en.xml"), "application/rss+xml")
    assert (
        main(["sources", "add", "rss", "--name", "CLI feed", "--url", url, "--interval", "60"]) == 0
    )
    assert main(["sources", "add", "rss", "--name", "Bad", "--option", "nonsense=1"]) == 2
    assert "nonsense" in capsys.readouterr().err
    assert main(["sources", "list"]) == 0
    assert "CLI feed" in capsys.readouterr().out
    assert main(["collect", "--once", "--source", "CLI feed"]) == 0
    assert Mention.objects.filter(source__name="CLI feed").exists()
