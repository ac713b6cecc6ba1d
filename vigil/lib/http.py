"""Vigil's one way out to the internet: every outgoing request goes through `HttpClient`.

It makes collection polite and safe by default: timeouts, a streamed size cap, retries with
exponential backoff and jitter (honouring ``Retry-After``), a redirect limit with loop
detection, a global and a per-host concurrency limit, a minimum interval between requests to one
host, conditional GET, robots.txt for page scraping, and a guard that refuses private, loopback
and link-local addresses unless ``allow_private=True`` (tests on loopback, on-premise sources).

Errors form one hierarchy; every message is written for the person who configured the source::

    FetchError                   .permanent: True when retrying later will not help
     ├── InvalidURL              not http(s), or no host
     ├── BlockedAddress          host resolves to a private/loopback/link-local address
     ├── RobotsDisallowed        robots.txt forbids the page (or could not be read)
     ├── TransportError          DNS, connection, TLS or protocol failure
     │    └── Timeout            connect/read/whole-request deadline passed
     ├── TooManyRedirects        more hops than allowed
     │    └── RedirectLoop       a URL came back in the same chain
     ├── ResponseTooLarge        body passed the size cap (download stopped)
     ├── BadContent              body could not be parsed (e.g. invalid JSON)
     └── HttpStatusError         4xx/5xx after retries; .status, .retry_after

Use one client per event loop (``async with HttpClient(...) as http``): the underlying
connection pool and the asyncio locks belong to the loop that first used them.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import random
import socket
import time
import urllib.robotparser
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from vigil.lib.http_errors import (
    BadContent,
    BlockedAddress,
    FetchError,
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

__all__ = [
    "DEFAULT_USER_AGENT",
    "BadContent",
    "BlockedAddress",
    "FetchError",
    "HttpClient",
    "HttpStatusError",
    "InvalidURL",
    "RedirectLoop",
    "Response",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "Timeout",
    "TooManyRedirects",
    "TransportError",
    "redact_url",
]

DEFAULT_USER_AGENT = "Vigil/0.1 (+https://github.com/vigil-project/vigil)"  # as VIGIL_USER_AGENT
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_TTL = 3600.0
_ROBOTS_MAX_BYTES = 512 * 1024
_MAX_CRAWL_DELAY = 30.0


@dataclass(frozen=True)
class Response:
    """A fully read response (after redirects). `url` is the final URL."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def validators(self) -> dict[str, str]:
        """ETag/Last-Modified to keep in source state for the next conditional GET."""
        found = {
            "etag": self.headers.get("etag", ""),
            "last_modified": self.headers.get("last-modified", ""),
        }
        return {k: v for k, v in found.items() if v}

    def json(self) -> Any:
        """Parse the body as JSON, raising `BadContent` with a readable reason."""
        if not self.content.strip():
            raise BadContent(
                f"{redact_url(self.url)} returned an empty body, not JSON", url=self.url
            )
        try:
            return json.loads(self.content, strict=False)
        except (ValueError, UnicodeDecodeError) as exc:
            start = self.content[:80].decode("utf-8", "replace").strip()
            kind = (
                "an HTML page"
                if start.lower().startswith(("<!doctype", "<html"))
                else "invalid JSON"
            )
            raise BadContent(
                f"{redact_url(self.url)} returned {kind} ({exc}); body starts with {start!r}",
                url=self.url,
            ) from exc


@dataclass
class _HostGate:
    """Per-host concurrency slot plus the time the next request may start."""

    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    expires: float
    refusal: str = ""  # set when robots.txt could not be read and everything is disallowed


Sleep = Callable[[float], Awaitable[None]]


class HttpClient:
    """Shared async HTTP client; see the module docstring for what it enforces."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        retries: int = 2,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_concurrency: int = 20,
        per_host_concurrency: int = 2,
        per_host_interval: float = 1.0,
        proxy: str | None = None,
        allow_private: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.per_host_concurrency = per_host_concurrency
        self.per_host_interval = per_host_interval
        self.allow_private = allow_private
        self._sleep = sleep
        self._global = asyncio.Semaphore(max_concurrency)
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent},
            proxy=proxy if transport is None else None,
            transport=transport,
            limits=httpx.Limits(
                max_connections=max_concurrency, max_keepalive_connections=max_concurrency
            ),
        )

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- public requests -------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int | float] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str = "",
        last_modified: str = "",
        check_robots: bool = False,
        max_bytes: int | None = None,
    ) -> Response:
        """GET with retries. Pass `etag`/`last_modified` for a conditional GET (304 comes back
        as a `Response` with `not_modified`); `check_robots=True` for scraped pages."""
        if params:
            url = str(httpx.URL(url).copy_merge_params({k: str(v) for k, v in params.items()}))
        sent = dict(headers or {})
        if etag:
            sent["If-None-Match"] = etag
        if last_modified:
            sent["If-Modified-Since"] = last_modified
        if check_robots:
            await self.check_robots(url)
        return await self._with_retries(url, sent, max_bytes or self.max_bytes)

    async def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET and parse JSON; raises `BadContent` when the body is not JSON."""
        return (await self.get(url, **kwargs)).json()

    async def check_robots(self, url: str) -> None:
        """Raise `RobotsDisallowed` when the site's robots.txt forbids `url` for our agent."""
        rules = await self._robots_for(url)
        if rules.refusal:
            raise RobotsDisallowed(rules.refusal, url=url)
        if rules.parser is not None and not rules.parser.can_fetch(self._agent_token(), url):
            raise RobotsDisallowed(
                f"robots.txt of {urlsplit(url).netloc} disallows {redact_url(url)} for {self._agent_token()}",
                url=url,
            )

    async def robots_allows(self, url: str) -> bool:
        try:
            await self.check_robots(url)
        except RobotsDisallowed:
            return False
        return True

    # -- internals -------------------------------------------------------------------------

    def _agent_token(self) -> str:
        return self.user_agent.split("/")[0].split()[0] or "*"

    async def _with_retries(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        attempt = 0
        while True:
            try:
                return await self._follow(url, headers, max_bytes)
            except (TransportError, HttpStatusError) as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
            attempt += 1
            await self._sleep(delay)

    def _retry_delay(self, exc: FetchError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now."""
        if attempt >= self.retries:
            return None
        if isinstance(exc, HttpStatusError):
            if exc.status not in _RETRY_STATUSES:
                return None
            if exc.retry_after is not None:
                return exc.retry_after if exc.retry_after <= self.backoff_max else None
        # Full jitter: spreads retries of many sources hitting one failing host.
        cap = min(self.backoff_max, self.backoff_base * (2**attempt))
        return random.uniform(cap / 2, cap)

    async def _follow(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        seen: list[str] = []
        current = url
        while True:
            seen.append(current)
            resp = await self._one_hop(current, headers, max_bytes)
            location = resp.headers.get("location")
            if resp.status not in _REDIRECT_STATUSES or not location:
                return resp
            target = str(httpx.URL(current).join(location))
            if target in seen:
                chain = " -> ".join(redact_url(u) for u in [*seen, target])
                raise RedirectLoop(f"redirect loop: {chain}", url=url)
            if len(seen) > self.max_redirects:
                raise TooManyRedirects(
                    f"more than {self.max_redirects} redirects starting at {redact_url(url)} "
                    f"(last: {redact_url(target)})",
                    url=url,
                )
            current = target

    async def _one_hop(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        host = self._check_url(url)
        if not self.allow_private:
            await self._guard_address(url, host)
        gate = self._gate(host)
        async with gate.slots:
            await self._wait_turn(gate, host)
            async with self._global:
                return await self._send(url, headers, max_bytes)

    def _check_url(self, url: str) -> str:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise InvalidURL(f"invalid URL {url!r}: {exc}", url=url) from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidURL(f"not an http(s) URL: {redact_url(url)!r}", url=url)
        return parts.hostname.lower()

    async def _guard_address(self, url: str, host: str) -> None:
        """Refuse hosts that resolve to non-public addresses (every address is checked)."""
        try:
            addresses = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            port = urlsplit(url).port or (443 if url.startswith("https") else 80)
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except OSError as exc:
                raise TransportError(f"could not resolve host {host}: {exc}", url=url) from exc
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        for address in addresses:
            if not _is_public(address):
                raise BlockedAddress(
                    f"refused to fetch {redact_url(url)}: {host} resolves to non-public address "
                    f"{address} (set VIGIL_ALLOW_PRIVATE_FETCH=1 to allow internal sources)",
                    url=url,
                )

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(asyncio.Semaphore(self.per_host_concurrency))
        return gate

    async def _wait_turn(self, gate: _HostGate, host: str) -> None:
        """Space requests to one host by the interval (or the site's robots.txt Crawl-delay)."""
        interval = self.per_host_interval
        for origin, rules in self._robots.items():
            if rules.parser is not None and urlsplit(origin).hostname == host:
                delay = rules.parser.crawl_delay(self._agent_token())
                if delay:
                    interval = max(interval, min(float(delay), _MAX_CRAWL_DELAY))
        async with gate.lock:
            wait = gate.next_at - time.monotonic()
            if wait > 0:
                await self._sleep(wait)
            gate.next_at = time.monotonic() + interval

    async def _send(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        shown = redact_url(url)
        try:
            async with asyncio.timeout(self.total_timeout):
                request = self._client.build_request("GET", url, headers=headers)
                resp = await self._client.send(request, stream=True)
                try:
                    content = await _read_capped(resp, max_bytes, url)
                finally:
                    await resp.aclose()
        except TimeoutError as exc:
            raise Timeout(
                f"{shown} took longer than {self.total_timeout:g} s in total", url=url
            ) from exc
        except httpx.TimeoutException as exc:
            raise Timeout(f"timed out fetching {shown} ({type(exc).__name__})", url=url) from exc
        except httpx.InvalidURL as exc:
            raise InvalidURL(f"invalid URL {shown}: {exc}", url=url) from exc
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise TransportError(f"could not fetch {shown}: {reason}", url=url) from exc
        if resp.status_code >= 400:
            raise HttpStatusError(
                f"HTTP {resp.status_code} {resp.reason_phrase} from {shown}".rstrip(),
                url=url,
                status=resp.status_code,
                retry_after=_parse_retry_after(resp.headers.get("retry-after")),
                body=content[:4096],
            )
        return Response(url=url, status=resp.status_code, headers=resp.headers, content=content)

    async def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            rules = await self._load_robots(origin)
            self._robots[origin] = rules
            return rules

    async def _load_robots(self, origin: str) -> _Robots:
        """Fetch and parse robots.txt following RFC 9309: 4xx means no rules; 5xx or an
        unreachable file means everything is disallowed until it can be read."""
        expires = time.monotonic() + _ROBOTS_TTL
        robots_url = f"{origin}/robots.txt"
        try:
            resp = await self._with_retries(robots_url, {}, _ROBOTS_MAX_BYTES)
        except HttpStatusError as exc:
            if exc.status < 500:
                return _Robots(parser=None, expires=expires)
            return _Robots(
                None,
                time.monotonic() + 300,
                f"robots.txt of {origin} answered HTTP {exc.status}; not scraping until it can be read",
            )
        except FetchError as exc:
            return _Robots(
                None,
                time.monotonic() + 300,
                f"robots.txt of {origin} could not be read ({exc}); not scraping until it can be read",
            )
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(resp.content.decode("utf-8", "replace").splitlines())
        return _Robots(parser=parser, expires=expires)


async def _read_capped(resp: httpx.Response, max_bytes: int, url: str) -> bytes:
    """Read the body, stopping as soon as it passes `max_bytes` (decoded size)."""
    shown = redact_url(url)
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(
            f"{shown} is {_size(int(declared))}, larger than the {_size(max_bytes)} cap", url=url
        )
    chunks: list[bytes] = []
    total = 0
    async for chunk in resp.aiter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise ResponseTooLarge(
                f"{shown} passed the {_size(max_bytes)} cap; download stopped", url=url
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
