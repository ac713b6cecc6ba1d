"""What kind of failure stopped a fetch, as a stable code and its parameters.

A source's last error is stored three ways: the raw text (English, for administrators and
logs), and beside it a code and parameters (``"http_status", {"status": 503, "host": …}``)
that screens and the API say in the reader's language (``vigil.sources.failure_labels``).
Pure: no Django; reads the exception, its ``code`` if a connector set one, and its chain
(a ``ConnectorError`` raised from an ``HttpStatusError``, an httpx error from a socket one).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import Any

from vigil.lib.http_errors import (
    BadContent,
    BlockedAddress,
    FetchError,
    HttpStatusError,
    InvalidURL,
    ResponseTooLarge,
    RobotsDisallowed,
    Timeout,
    TooManyRedirects,
    TransportError,
)
from vigil.lib.urls import site_of

__all__ = ["FAILURE_CODES", "Failure", "classify_failure"]

#: Every code ``classify_failure`` may answer (and connectors may set on ``ConnectorError``).
FAILURE_CODES = frozenset(
    {
        "timeout",
        "dns",
        "refused",
        "tls",
        "network",
        "http_status",
        "robots",
        "blocked",
        "invalid_url",
        "redirects",
        "too_large",
        "not_json",
        "html_not_feed",
        "bad_feed",
        "bad_sitemap",
        "no_links",
        "bad_config",
        "unknown_kind",
        "bad_page",
        "no_item_list",
        "needs_key",
        "service_refused",
    }
)

Failure = tuple[str, dict[str, Any]]

_BY_CLASS: list[tuple[type[FetchError], str]] = [
    (Timeout, "timeout"),
    (RobotsDisallowed, "robots"),
    (BlockedAddress, "blocked"),
    (InvalidURL, "invalid_url"),
    (TooManyRedirects, "redirects"),
    (ResponseTooLarge, "too_large"),
    (BadContent, "not_json"),
]
# Words the operating system or httpx use, for errors whose chain was lost on the way.
_DNS_WORDS = (
    "could not resolve host",
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
)
_REFUSED_WORDS = ("connection refused", "errno 111", "actively refused")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _transport(exc: TransportError, chain: list[BaseException]) -> str:
    """DNS, refused, TLS or other: by the OS error inside, or the words of the message."""
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "dns"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "refused"
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return "tls"
    text = " ".join(str(e) for e in chain).lower()
    if any(word in text for word in _DNS_WORDS):
        return "dns"
    if any(word in text for word in _REFUSED_WORDS):
        return "refused"
    if "ssl" in text or "certificate" in text:
        return "tls"
    return "network"


def classify_failure(exc: BaseException) -> Failure:
    """The code and parameters of a failed fetch, or ``("", {})`` when it is not one of
    the common kinds (the raw text is then all there is to show)."""
    code = getattr(exc, "code", "")
    if isinstance(code, str) and code in FAILURE_CODES:
        return code, dict(getattr(exc, "params", None) or {})
    chain = list(_chain(exc))
    fetch_error = next((e for e in chain if isinstance(e, FetchError)), None)
    if fetch_error is None:
        return "", {}
    params: dict[str, Any] = {"host": site_of(fetch_error.url)}
    if isinstance(fetch_error, HttpStatusError):
        return "http_status", {**params, "status": fetch_error.status}
    if isinstance(fetch_error, TransportError) and not isinstance(fetch_error, Timeout):
        return _transport(fetch_error, chain), params
    for cls, name in _BY_CLASS:
        if isinstance(fetch_error, cls):
            return name, params
    return "", {}
