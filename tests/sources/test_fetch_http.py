"""The shared HTTP client against a real local server: limits, retries, guards, robots.txt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.sources.fixtures import make_client
from vigil.lib.http import (
    BlockedAddress,
    HttpClient,
    HttpStatusError,
    InvalidURL,
    RedirectLoop,
    ResponseTooLarge,
    RobotsDisallowed,
    Timeout,
    TooManyRedirects,
    TransportError,
    redact_url,
)


def run(make: Callable[[HttpClient], Awaitable[Any]], **options: Any) -> Any:
    async def go() -> Any:
        async with make_client(**options) as http:
            return await make(http)

    return asyncio.run(go())


def test_get_follows_redirects_and_reports_final_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("hello", content_type="text/plain")
    resp = run(lambda http: http.get(httpserver.url_for("/old")))
    assert resp.status == 200
    assert resp.content == b"hello"
    assert resp.url.endswith("/new")


def test_redirect_loop_is_named_as_a_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(RedirectLoop, match="redirect loop: .*/a -> .*/b -> .*/a"):
        run(lambda http: http.get(httpserver.url_for("/a")))


def test_too_many_redirects(httpserver: HTTPServer) -> None:
    for n in range(6):
        httpserver.expect_request(f"/r{n}").respond_with_data(
            "", status=302, headers={"Location": f"/r{n + 1}"}
        )
    with pytest.raises(TooManyRedirects, match="more than 3 redirects"):
        run(lambda http: http.get(httpserver.url_for("/r0")), max_redirects=3)


def test_client_error_is_permanent_and_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(HttpStatusError) as caught:
        run(lambda http: http.get(httpserver.url_for("/gone")), retries=3)
    assert caught.value.status == 404
    assert caught.value.permanent
    assert "HTTP 404" in str(caught.value)
    assert len(httpserver.log) == 1


def test_server_error_is_retried_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/flaky").respond_with_data("ok")
    resp = run(lambda http: http.get(httpserver.url_for("/flaky")), retries=2)
    assert resp.content == b"ok"
    assert len(httpserver.log) == 3


def test_server_error_gives_up_after_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=500)
    with pytest.raises(HttpStatusError) as caught:
        run(lambda http: http.get(httpserver.url_for("/down")), retries=2)
    assert caught.value.status == 500
    assert not caught.value.permanent
    assert len(httpserver.log) == 3


def test_retry_after_is_honoured_and_long_waits_are_not_slept(httpserver: HTTPServer) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    httpserver.expect_ordered_request("/limited").respond_with_data(
        "", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/limited").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(HttpStatusError) as caught:
        run(
            lambda http: http.get(httpserver.url_for("/limited")),
            retries=3,
            sleep=fake_sleep,
            backoff_max=60,
        )
    assert waits == [7.0]
    assert caught.value.retry_after == 3600.0
    assert not caught.value.permanent


def test_timeout_is_reported(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(Timeout, match="timed out|longer than"):
        run(lambda http: http.get(httpserver.url_for("/slow")), timeout=0.2)


def test_declared_size_over_cap_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(ResponseTooLarge, match="larger than the 1 KB cap"):
        run(lambda http: http.get(httpserver.url_for("/big")), max_bytes=1024)


def test_streamed_body_is_cut_at_cap(httpserver: HTTPServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"y" * 1000

    httpserver.expect_request("/stream").respond_with_response(
        Response(chunks(), mimetype="text/plain")
    )
    with pytest.raises(ResponseTooLarge, match="download stopped"):
        run(lambda http: http.get(httpserver.url_for("/stream")), max_bytes=10_000)


def test_private_addresses_are_refused_unless_allowed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/internal").respond_with_data("secret")
    url = httpserver.url_for("/internal")
    with pytest.raises(BlockedAddress, match="VIGIL_ALLOW_PRIVATE_FETCH"):
        run(lambda http: http.get(url), allow_private=False)  # "localhost", resolved
    with pytest.raises(BlockedAddress, match="127.0.0.1"):
        run(lambda http: http.get(url.replace("localhost", "127.0.0.1")), allow_private=False)
    assert httpserver.log == []
    assert run(lambda http: http.get(url)).content == b"secret"


def test_redirect_to_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    async def go() -> None:
        async with HttpClient(transport=httpx.MockTransport(handler), allow_private=False) as http:
            await http._one_hop("http://169.254.169.254/x", {}, 100)

    with pytest.raises(BlockedAddress, match="169.254.169.254"):
        asyncio.run(go())


def test_non_http_urls_are_invalid() -> None:
    with pytest.raises(InvalidURL, match="not an http"):
        run(lambda http: http.get("ftp://example.com/feed"))


def test_connection_refused_is_a_transport_error() -> None:
    with pytest.raises(TransportError, match="could not fetch"):
        run(lambda http: http.get("http://127.0.0.1:9/feed"))


def test_conditional_get_returns_not_modified(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v2"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", headers={"ETag": '"v2"', "Last-Modified": "Wed, 01 May 2024 12:00:00 GMT"}
    )
    first = run(lambda http: http.get(httpserver.url_for("/feed")))
    assert first.validators() == {"etag": '"v2"', "last_modified": "Wed, 01 May 2024 12:00:00 GMT"}
    second = run(
        lambda http: http.get(httpserver.url_for("/feed"), etag=first.validators()["etag"])
    )
    assert second.not_modified


def test_user_agent_is_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua", headers={"User-Agent": "VigilTest/1.0"}).respond_with_data(
        "ok"
    )
    assert (
        run(lambda http: http.get(httpserver.url_for("/ua")), user_agent="VigilTest/1.0").content
        == b"ok"
    )


def test_robots_txt_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n"
    )
    httpserver.expect_request("/public").respond_with_data("open")

    async def go(http: HttpClient) -> tuple[bool, bool]:
        return await http.robots_allows(httpserver.url_for("/public")), await http.robots_allows(
            httpserver.url_for("/private/page")
        )

    assert run(go) == (True, False)
    with pytest.raises(RobotsDisallowed, match="disallows"):
        run(lambda http: http.get(httpserver.url_for("/private/page"), check_robots=True))
    assert (
        run(lambda http: http.get(httpserver.url_for("/public"), check_robots=True)).content
        == b"open"
    )


def test_missing_robots_allows_and_failing_robots_refuses(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    assert run(lambda http: http.robots_allows(httpserver.url_for("/any")))
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=503)
    with pytest.raises(RobotsDisallowed, match="answered HTTP 503"):
        run(lambda http: http.check_robots(httpserver.url_for("/any")))


def test_requests_to_one_host_are_spaced_by_the_interval(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("ok")
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def twice(http: HttpClient) -> None:
        await http.get(httpserver.url_for("/x"))
        await http.get(httpserver.url_for("/x"))

    run(twice, per_host_interval=30.0, sleep=fake_sleep)
    assert len(waits) == 1
    assert 25.0 < waits[0] <= 30.0


def test_per_host_concurrency_is_limited() -> None:
    active = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, content=b"ok")

    async def go() -> None:
        async with make_client(
            transport=httpx.MockTransport(handler), per_host_concurrency=2
        ) as http:
            await asyncio.gather(*(http.get(f"https://one.example/{n}") for n in range(8)))

    asyncio.run(go())
    assert peak == 2


def test_error_messages_hide_keys() -> None:
    assert (
        redact_url("https://api.example.com/s?q=acme&key=SECRET")
        == "https://api.example.com/s?q=acme&key=%2A%2A%2A"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, content=b'{"error": {"message": "quota"}}')

    async def go() -> None:
        async with make_client(transport=httpx.MockTransport(handler)) as http:
            await http.get("https://api.example.com/s", params={"q": "acme", "key": "SECRET"})

    with pytest.raises(HttpStatusError) as caught:
        asyncio.run(go())
    assert "SECRET" not in str(caught.value)
    assert b"quota" in caught.value.body


def test_invalid_json_is_reported_with_its_start(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api").respond_with_data(
        "<!DOCTYPE html><html>login</html>", content_type="text/html"
    )
    resp = run(lambda http: http.get(httpserver.url_for("/api")))
    with pytest.raises(Exception, match="returned an HTML page"):
        resp.json()
