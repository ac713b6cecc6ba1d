"""The exceptions of :mod:`vigil.lib.http` (the hierarchy is drawn in its docstring),
and ``redact_url`` for putting URLs in messages without their secrets."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "BadContent",
    "BlockedAddress",
    "FetchError",
    "HttpStatusError",
    "InvalidURL",
    "RedirectLoop",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "Timeout",
    "TooManyRedirects",
    "TransportError",
    "redact_url",
]

_SECRET_PARAMS = frozenset(
    {"key", "api_key", "apikey", "token", "access_token", "password", "sig", "signature", "secret"}
)


class FetchError(Exception):
    """Anything that stopped a fetch. `permanent` says whether retrying later can help."""

    permanent: bool = False

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class InvalidURL(FetchError):
    permanent = True


class BlockedAddress(FetchError):
    permanent = True


class RobotsDisallowed(FetchError):
    permanent = True


class TransportError(FetchError):
    pass


class Timeout(TransportError):
    pass


class TooManyRedirects(FetchError):
    pass


class RedirectLoop(TooManyRedirects):
    pass


class ResponseTooLarge(FetchError):
    permanent = True


class BadContent(FetchError):
    pass


class HttpStatusError(FetchError):
    """A 4xx/5xx answer. Client errors are permanent except 408 and 429."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        status: int,
        retry_after: float | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.body = body  # first bytes of the error body; APIs explain themselves there
        self.permanent = 400 <= status < 500 and status not in (408, 429)


def redact_url(url: str) -> str:
    """The URL with secret-looking query values masked, safe to show in messages and logs."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [
        (k, "***" if k.lower() in _SECRET_PARAMS else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs)))
