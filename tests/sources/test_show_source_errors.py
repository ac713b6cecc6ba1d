"""A source's errors are said in the reader's language: the common failures are stored as a
code and parameters beside the raw English text, which administrators can still read."""

from __future__ import annotations

import html
import socket
import time

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from vigil.accounts.models import SystemNotice
from vigil.lib.http_errors import TransportError
from vigil.sources.failures import classify_failure
from vigil.sources.models import FetchRun, Source
from vigil.sources.services import collect_sources, create_source

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _failed(kind: str, config: dict) -> Source:
    source = create_source(name=str(config.get("url", kind)), kind=kind, config=config)
    collect_sources([source])
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and source.last_error
    return source


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket closes


def test_common_failures_are_stored_as_codes_beside_the_raw_text(
    httpserver: HTTPServer, settings
) -> None:  # noqa: ANN001
    httpserver.expect_request("/down.xml").respond_with_data("oops", status=503)
    down = _failed("rss", {"url": httpserver.url_for("/down.xml")})
    assert (down.last_error_code, down.last_error_params) == (
        "http_status",
        {"host": "localhost", "status": 503},
    )
    assert "HTTP 503" in down.last_error  # the raw text is kept
    run = FetchRun.objects.get(source=down)
    assert (run.error_code, run.error_params["status"]) == ("http_status", 503)

    httpserver.expect_request("/page.xml").respond_with_data(
        "<html><body>Welcome</body></html>", content_type="text/html"
    )
    assert _failed("rss", {"url": httpserver.url_for("/page.xml")}).last_error_code == (
        "html_not_feed"
    )
    httpserver.expect_request("/broken.xml").respond_with_data(
        "this is not xml", content_type="application/rss+xml"
    )
    assert _failed("rss", {"url": httpserver.url_for("/broken.xml")}).last_error_code == "bad_feed"

    refused = _failed("rss", {"url": f"http://127.0.0.1:{_closed_port()}/feed.xml"})
    assert refused.last_error_code == "refused"
    assert refused.last_error_params == {"host": "127.0.0.1"}

    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    robots = _failed("web", {"url": httpserver.url_for("/list.html"), "link_selector": "a"})
    assert robots.last_error_code == "robots"

    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    settings.HTTP_TIMEOUT = 0.2
    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    assert _failed("rss", {"url": httpserver.url_for("/slow.xml")}).last_error_code == "timeout"


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    """As httpx raises it when the address guard is off: the resolver's error inside."""
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc
    except httpx.ConnectError as exc:
        failure = TransportError(
            f"could not fetch https://news.nowhere.example/: {exc}",
            url="https://news.nowhere.example/feed",
        )
        failure.__cause__ = exc
    assert classify_failure(failure) == ("dns", {"host": "news.nowhere.example"})
    assert classify_failure(ValueError("something else")) == ("", {})


def test_the_source_pages_say_the_error_in_chinese_and_keep_the_raw_text_for_admins(
    client_for, httpserver: HTTPServer, zh_hans_catalogue
) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    source = _failed("rss", {"url": httpserver.url_for("/gone.xml")})
    admin = client_for("Administrator")

    page = html.unescape(admin.get(f"/sources/{source.pk}/", **ZH).content.decode())
    said = "localhost 上此地址不存在（HTTP 404）"
    assert said in page.split('id="last-error">')[1].split("</dd>")[0]
    assert page.count(said) == 2  # the last error and the history row
    assert "技术细节" in page and "HTTP 404 NOT FOUND from http://localhost" in page  # raw kept
    listing = html.unescape(admin.get("/sources/", **ZH).content.decode())
    assert said in listing and 'title="HTTP 404 NOT FOUND' in listing

    viewer_page = client_for("Viewer").get(f"/sources/{source.pk}/", **ZH).content.decode()
    assert said in html.unescape(viewer_page) and "技术细节" not in viewer_page

    (api,) = admin.get("/api/sources", **ZH).json()["items"]
    assert api["last_error_code"] == "http_status" and api["last_error_message"] == said
    assert api["last_error"].startswith("HTTP 404 NOT FOUND")
    runs = admin.get(f"/api/sources/{source.pk}/runs", **ZH).json()["items"]
    assert runs[0]["error_message"] == said and runs[0]["error_code"] == "http_status"


def test_an_error_stored_before_codes_is_shown_as_it_was(client_for, zh_hans_catalogue) -> None:
    source = create_source(name="Old", kind="rss", config={"url": "https://example.com/f.xml"})
    Source.objects.filter(pk=source.pk).update(
        consecutive_failures=2, last_error="HTTP 500 Internal Server Error from example.com"
    )
    page = client_for("Analyst").get(f"/sources/{source.pk}/", **ZH).content.decode()
    assert "HTTP 500 Internal Server Error from example.com" in page
    assert "技术细节" not in page  # nothing more to unfold


def test_a_test_fetch_says_its_failure_in_chinese(
    client_for, httpserver: HTTPServer, zh_hans_catalogue
) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    analyst = client_for("Analyst")
    page = analyst.post(
        "/sources/test/", {"kind": "rss", "cfg__url": httpserver.url_for("/gone.xml")}, **ZH
    ).content.decode()
    assert "localhost 上此地址不存在（HTTP 404）" in html.unescape(page) and "技术细节" in page


def test_the_paused_source_notice_is_said_in_each_administrators_language(
    client_for, httpserver: HTTPServer, settings, zh_hans_catalogue
) -> None:
    settings.SOURCE_MAX_FAILURES = 2
    settings.LANGUAGE_CODE = "en"
    httpserver.expect_request("/down.xml").respond_with_data("down", status=503)
    source = create_source(name="Down", kind="rss", config={"url": httpserver.url_for("/down.xml")})
    for _ in range(2):
        collect_sources([Source.objects.get(pk=source.pk)])
    notice = SystemNotice.objects.get(code="source.paused")
    english = (
        "Source “Down” was paused after 2 failures in a row. "
        "Last error: localhost had a server error (HTTP 503)"
    )
    assert notice.message == english  # stored once, in the installation's language
    listing = client_for("Administrator").get("/admin/accounts/systemnotice/", **ZH)
    said = "信息源“Down”连续失败 2 次后已暂停。最近一次错误：localhost 服务器出错（HTTP 503）"
    assert said in html.unescape(listing.content.decode())


def test_uncommon_connector_failures_are_said_in_chinese_too(
    client_for, httpserver: HTTPServer, zh_hans_catalogue
) -> None:
    # A Reddit base URL that is not Reddit's API answers JSON, but without a listing.
    httpserver.expect_request("/r/kettles/new.json").respond_with_json({"message": "Moved"})
    reddit = _failed("reddit", {"subreddit": "kettles", "base_url": httpserver.url_for("/")})
    assert (reddit.last_error_code, reddit.last_error_params) == (
        "no_item_list",
        {"service": "Reddit", "host": "localhost"},
    )
    assert reddit.last_error.startswith("Reddit answered without a listing")
    youtube = create_source(name="Videos", kind="youtube", config={"query": "明光"})
    collect_sources([youtube])
    youtube.refresh_from_db()
    assert youtube.last_error_code == "needs_key"

    analyst = client_for("Analyst")
    said = {
        reddit: "Reddit（localhost）的响应中没有 Vigil 可读取的条目列表；请检查信息源的基础 URL",
        youtube: "YouTube 需要密钥：请在信息源中填写“API 密钥”",
    }
    for source, text in said.items():
        page = html.unescape(analyst.get(f"/sources/{source.pk}/", **ZH).content.decode())
        assert text in page.split('id="last-error">')[1].split("</dd>")[0]
    english = html.unescape(analyst.get(f"/sources/{youtube.pk}/").content.decode())
    assert "YouTube needs a key: fill in “API key” on the source" in english


def test_a_configuration_that_is_not_valid_is_refused_in_chinese(
    client_for, zh_hans_catalogue
) -> None:
    analyst = client_for("Analyst")
    page = analyst.post(
        "/sources/add/",
        {
            "kind": "web",
            "name": "Forum",
            "interval_seconds": 900,
            "save": "1",
            "cfg__url": "https://forum.example.com/",
            "cfg__link_selector": "a[[",
            "cfg__link_pattern": "(",
        },
        **ZH,
    ).content.decode()
    page = html.unescape(page)
    assert "信息源配置无效：" in page and "不是有效的 CSS 选择器：" in page
    assert "不是有效的正则表达式：" in page and "not a valid" not in page
    answer = analyst.post(
        "/api/sources",
        {"name": "Reddit", "kind": "reddit", "config": {}},
        content_type="application/json",
        **ZH,
    )
    assert answer.status_code == 400
    assert "请填写搜索词、子版块，或两者都填" in answer.json()["error"]["message"]
    assert not Source.objects.exists()


def test_a_stored_configuration_gone_bad_says_which_field_in_the_readers_language(
    client_for, zh_hans_catalogue
) -> None:
    source = create_source(name="Board", kind="mastodon", config={"tag": "明光"})
    Source.objects.filter(pk=source.pk).update(config={"tag": "明光", "query": "kettle"})
    collect_sources([Source.objects.get(pk=source.pk)])
    source.refresh_from_db()
    assert source.last_error_code == "bad_config"
    assert source.last_error_params["problems"][0]["text"] == "give either a tag or a query"
    page = html.unescape(client_for("Analyst").get(f"/sources/{source.pk}/", **ZH).content.decode())
    assert "信息源配置无效：请填写话题标签或搜索词，二者只填其一" in page
