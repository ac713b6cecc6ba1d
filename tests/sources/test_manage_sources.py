"""Adding, testing and editing sources on screen; secrets never shown or audited in clear."""

from __future__ import annotations

import html
import re
import time
from unittest import mock

import pytest
from django.utils import translation
from werkzeug import Response

from tests.factories import SourceFactory
from tests.sources.fixtures import fixture_bytes
from vigil.accounts.models import AuditEntry
from vigil.sources.intake import push_instructions, signature_for
from vigil.sources.models import Source
from vigil.sources.services import (
    PAUSED_AFTER_FAILURES,
    REDACTED,
    SourceConfigError,
    collect_sources,
    create_source,
)
from vigil.sources.templatetags.source_labels import paused_reason_label

pytestmark = pytest.mark.django_db


def test_form_shows_the_config_fields_of_the_chosen_kind(client_for) -> None:
    analyst = client_for("Analyst")
    page = analyst.get("/sources/add/?kind=mastodon").content.decode()
    assert 'name="cfg__tag"' in page and 'name="cfg__access_token"' in page
    assert 'type="password"' in page  # the token field is masked
    fields = analyst.get("/sources/add/?kind=web", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="cfg__link_selector"' in fields and "<html" not in fields


def _selected_kinds(page: str) -> list[str]:
    select = re.search(r'<select name="kind".*?</select>', page, re.DOTALL)
    assert select is not None
    return re.findall(r'<option value="([\w-]+)" selected>', select.group())


def test_kind_list_selects_the_kind_whose_fields_are_shown(client_for) -> None:
    analyst = client_for("Analyst")
    page = analyst.get("/sources/add/?kind=bluesky").content.decode()
    assert _selected_kinds(page) == ["bluesky"]
    assert 'name="cfg__query"' in page and 'name="cfg__url"' not in page
    # After a validation error the page comes back with the posted kind still chosen.
    bad = analyst.post(
        "/sources/add/", {"save": "1", "name": "No url", "kind": "web", "interval_seconds": 600}
    ).content.decode()
    assert _selected_kinds(bad) == ["web"]
    assert 'name="cfg__link_selector"' in bad
    # An unknown kind falls back to RSS, selected and with RSS's fields.
    unknown = analyst.get("/sources/add/?kind=nope").content.decode()
    assert _selected_kinds(unknown) == ["rss"] and 'name="cfg__url"' in unknown


def test_test_fetch_previews_items_without_saving(client_for, httpserver) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        fixture_bytes("rss_en.xml"), content_type="application/rss+xml"
    )
    analyst = client_for("Analyst")
    preview = analyst.post(
        "/sources/test/",
        {
            "kind": "rss",
            "name": "x",
            "interval_seconds": 900,
            "cfg__url": httpserver.url_for("/feed.xml"),
        },
    )
    assert preview.status_code == 200
    assert "2 items" in preview.content.decode()
    assert not Source.objects.exists()
    failed = analyst.post(
        "/sources/test/", {"kind": "rss", "cfg__url": httpserver.url_for("/missing")}
    )
    assert "The fetch failed" in failed.content.decode()


def test_a_test_fetch_of_a_silent_server_is_tried_once(client_for, httpserver, settings) -> None:
    """Someone waits at the screen: a server that does not answer in time is reported after
    one timeout, not after every retry the scheduler would make (63 s with the defaults)."""
    settings.HTTP_TIMEOUT = 1
    settings.HTTP_RETRIES = 2

    def slow(request):  # noqa: ANN001, ANN202
        time.sleep(1.5)
        return Response("<rss/>", content_type="application/rss+xml")

    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    failed = client_for("Analyst").post(
        "/sources/test/", {"kind": "rss", "cfg__url": httpserver.url_for("/slow.xml")}
    )
    assert "The fetch failed" in failed.content.decode()
    time.sleep(0.6)  # let the server finish the one request it got
    assert len(httpserver.log) == 1


def test_why_a_source_is_paused_is_said_on_its_page(client_for, httpserver, settings) -> None:
    settings.SOURCE_MAX_FAILURES = 1
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    source = create_source(name="Gone", kind="rss", config={"url": httpserver.url_for("/gone.xml")})
    collect_sources([source])
    source.refresh_from_db()
    assert not source.is_active
    admin = client_for("Administrator")
    page = html.unescape(admin.get(f"/sources/{source.pk}/").content.decode())
    # The failure that paused it is said in the reader's words (its code), not as stored.
    said = "paused after 1 failures in a row: localhost has nothing at this address (HTTP 404)"
    assert said in page
    assert paused_reason_label(source.paused_reason) == source.paused_reason
    admin.post(f"/sources/{source.pk}/resume/")
    admin.post(f"/sources/{source.pk}/pause/")
    page = admin.get(f"/sources/{source.pk}/").content.decode()
    assert "paused by a user" in page
    assert paused_reason_label("the vendor is migrating") == "the vendor is migrating"
    with (
        translation.override("zh-hans"),
        _catalog_entry(
            "paused after %(n)s failures in a row: %(error)s", "连续失败 %(n)s 次后暂停：%(error)s"
        ),
    ):
        assert (
            paused_reason_label(PAUSED_AFTER_FAILURES.format(n=3, error="HTTP 404"))
            == "连续失败 3 次后暂停：HTTP 404"
        )


def _catalog_entry(msgid: str, msgstr: str):  # noqa: ANN202
    """The catalogue as `make messages` will compile it, for one new message."""
    catalog = translation.trans_real.translation(translation.get_language())._catalog
    return mock.patch.dict(catalog._catalogs[0], {msgid: msgstr})


def test_adding_a_source_through_the_form(client_for) -> None:
    analyst = client_for("Analyst")
    response = analyst.post(
        "/sources/add/",
        {
            "save": "1",
            "name": "Tech news",
            "kind": "rss",
            "channel": "",
            "interval_seconds": 600,
            "cfg__url": "https://news.example.com/feed.xml",
        },
    )
    source = Source.objects.get(name="Tech news")
    assert response.status_code == 302 and response["Location"] == f"/sources/{source.pk}/"
    assert source.config == {"url": "https://news.example.com/feed.xml"}
    assert source.channel == "news"
    bad = analyst.post(
        "/sources/add/", {"save": "1", "name": "No url", "kind": "web", "interval_seconds": 600}
    )
    assert bad.status_code == 200 and not Source.objects.filter(name="No url").exists()


def test_secrets_are_masked_on_screen_in_the_api_and_in_the_audit(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(
        name="X search",
        kind="twitter",
        config={"query": "Lumina", "bearer_token": "AAAA-very-secret"},
        actor=admin.user,
    )
    assert "AAAA-very-secret" not in admin.get(f"/sources/{source.pk}/").content.decode()
    api = admin.get("/api/sources").json()
    assert api["items"][0]["config"]["bearer_token"] == REDACTED
    entry = AuditEntry.objects.get(action="source.created")
    assert entry.after["config"]["bearer_token"] == REDACTED
    # Saving the edit form with the masked value keeps the real secret.
    admin.post(
        f"/sources/{source.pk}/edit/",
        {
            "name": "X search",
            "kind": "twitter",
            "channel": "social",
            "interval_seconds": 900,
            "cfg__query": "Lumina OR 明光",
            "cfg__bearer_token": REDACTED,
            "cfg__max_results": 100,
            "cfg__max_pages": 1,
        },
    )
    source.refresh_from_db()
    assert source.config["bearer_token"] == "AAAA-very-secret"
    assert source.config["query"] == "Lumina OR 明光"


def test_sources_list_counts_items_fetched_not_published_in_24_hours(client_for) -> None:
    """A source that fetched a backlog (the demo's history) counts it all as fetched today;
    the column says so, and does not pass for the dashboard's mentions of the last 24 hours."""
    SourceFactory()
    page = client_for("Viewer").get("/sources/").content.decode()
    assert "Items fetched, 24 h" in page and "whenever they were published" in page


def test_viewer_sees_sources_but_cannot_add(client_for) -> None:
    viewer = client_for("Viewer")
    assert viewer.get("/sources/").status_code == 200
    assert viewer.get("/sources/add/").status_code == 403


def test_a_push_source_is_added_from_the_form_and_its_page_says_how_to_push(
    client_for,
) -> None:
    analyst = client_for("Analyst")
    form = analyst.get("/sources/add/?kind=push").content.decode()
    assert _selected_kinds(form) == ["push"] and 'name="cfg__signing_secret"' in form
    # Nothing is fetched from a push source: no interval to set, nothing to test-fetch.
    assert 'type="hidden" name="interval_seconds"' in form and "Test fetch" not in form
    rss = analyst.get("/sources/add/?kind=rss").content.decode()
    assert 'type="number" name="interval_seconds"' in rss and "Test fetch" in rss
    response = analyst.post(
        "/sources/add/",
        {
            "save": "1",
            "name": "Vendor push",
            "kind": "push",
            "channel": "",
            "interval_seconds": 900,
            "cfg__signing_secret": "s3cret-signing-key",
        },
    )
    source = Source.objects.get(name="Vendor push")
    assert response.status_code == 302 and source.kind == "push"
    assert source.config["signing_secret"] == "s3cret-signing-key"

    page = html.unescape(analyst.get(f"/sources/{source.pk}/").content.decode())
    assert "http://testserver/api/ingest" in page
    assert '"source": "Vendor push"' in page and '"published_at"' in page
    assert "Authorization: Bearer" in page and "X-Vigil-Signature: sha256=" in page
    assert '<code class="secret">s3cret-signing-key</code>' in page  # the editor sees it
    viewer_page = client_for("Viewer").get(f"/sources/{source.pk}/").content.decode()
    assert "/api/ingest" in viewer_page and "s3cret-signing-key" not in viewer_page


def test_the_example_body_on_a_push_source_page_is_accepted(client) -> None:
    source = create_source(name="Vendor push", kind="push", config={"signing_secret": "k" * 20})
    shown = push_instructions(source, "http://testserver/api/ingest", reveal_secret=True)
    assert shown is not None and shown.signing_secret == "k" * 20
    body = shown.example_body.encode()
    now = str(int(time.time()))
    response = client.post(
        "/api/ingest",
        data=body,
        content_type="application/json",
        HTTP_X_VIGIL_TIMESTAMP=now,
        HTTP_X_VIGIL_SIGNATURE=signature_for("k" * 20, now, body),
    )
    assert response.status_code == 200, response.content
    assert response.json()["new"] == 1 and not response.json()["errors"]
    # A Chinese reader's example is a Chinese post, and it is accepted too.
    with translation.override("zh-hans"):
        shown = push_instructions(source, "http://testserver/api/ingest", reveal_secret=False)
    assert shown is not None
    chinese = shown.example_body
    assert "水壶用了三天就漏水" in chinese and "Kettle" not in chinese
    body = chinese.replace("post-1", "post-2").encode()
    response = client.post(
        "/api/ingest",
        data=body,
        content_type="application/json",
        HTTP_X_VIGIL_TIMESTAMP=now,
        HTTP_X_VIGIL_SIGNATURE=signature_for("k" * 20, now, body),
    )
    assert response.status_code == 200 and response.json()["new"] == 1


def test_a_push_source_without_a_secret_points_to_api_tokens(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(name="Token push", kind="push", config={}, actor=admin.user)
    page = admin.get(f"/sources/{source.pk}/").content.decode()
    assert "Authorization: Bearer" in page and "takes only API tokens" in page
    assert "X-Vigil-Signature: sha256=" not in page
    rss = create_source(name="Feed", kind="rss", config={"url": "https://example.com/f.xml"})
    assert "/api/ingest" not in admin.get(f"/sources/{rss.pk}/").content.decode()


def test_editing_a_demo_source_shows_its_own_kind(client_for) -> None:
    from tests.factories import SourceFactory

    demo = SourceFactory(name="Demo scenario", kind="demo", config={})
    page = client_for("Analyst").get(f"/sources/{demo.pk}/edit/").content.decode()
    assert _selected_kinds(page) == ["demo"]
    add = client_for("Analyst").get("/sources/add/").content.decode()
    assert 'value="demo"' not in add and "(rss)" not in add  # labels, not codes


def test_api_source_lists_are_paged_and_unknown_sources_answer_404(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(
        name="Feed", kind="rss", config={"url": "http://127.0.0.1:9/f.xml"}, actor=admin.user
    )
    listed = admin.get("/api/sources").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Feed"
    runs = admin.get(f"/api/sources/{source.pk}/runs").json()
    assert runs == {"items": [], "count": 0}
    missing = admin.get("/api/sources/999999/runs", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert missing.status_code == 404 and "999999" in missing.json()["error"]["message"]


def test_api_refuses_an_unknown_channel_and_a_taken_name_in_the_callers_language(
    client_for, zh_hans_catalogue
) -> None:
    analyst = client_for("Analyst")
    body = {"name": "Vendor push", "kind": "push", "channel": "tv"}
    bad = analyst.post("/api/sources", data=body, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["loc"][-1] == "channel"
    assert "news" in bad.json()["error"]["message"]
    del body["channel"]
    assert analyst.post("/api/sources", data=body, content_type="application/json").json()[
        "channel"
    ] == ("other")
    again = analyst.post(
        "/api/sources", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert again.status_code == 400 and "Vendor push" in again.json()["error"]["message"]
    assert again.json()["error"]["message"] == "已有名为“Vendor push”的信息源"
    with translation.override("en"), pytest.raises(SourceConfigError, match="choose one of news"):
        create_source(name="Other", kind="push", config={}, channel="tv")


def test_pausing_a_paused_source_again_changes_and_records_nothing(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(
        name="Feed", kind="rss", config={"url": "http://127.0.0.1:9/f.xml"}, actor=admin.user
    )
    Source.objects.filter(pk=source.pk).update(is_active=False, paused_reason=PAUSED_AFTER_FAILURES)
    again = admin.post(f"/api/sources/{source.pk}/pause")
    assert again.status_code == 200 and again.json()["paused_reason"] == PAUSED_AFTER_FAILURES
    assert not AuditEntry.objects.filter(action="source.paused").exists()
    admin.post(f"/api/sources/{source.pk}/resume")
    admin.post(f"/api/sources/{source.pk}/resume")
    assert AuditEntry.objects.filter(action="source.resumed").count() == 1
