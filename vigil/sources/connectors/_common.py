"""Small parsers shared by connectors and the file importer: dates, counts, HTML, JSON paths."""

from __future__ import annotations

import email.utils
import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from vigil.lib.http import BadContent, HttpClient, HttpStatusError, Response
from vigil.lib.i18n import Problem, gettext_noop
from vigil.lib.urls import site_of
from vigil.sources.connectors.base import CHANNELS, ConnectorError

__all__ = [
    "ChannelName",
    "HttpUrlText",
    "check_channel",
    "check_http_url",
    "get_api_json",
    "secret",
    "html_to_text",
    "json_body",
    "parse_datetime",
    "select_all",
    "select_one",
    "to_int",
]

_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
    "%Y%m%d%H%M%S",
    "%Y%m%dT%H%M%SZ",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)
_UTC_SUFFIX = re.compile(r"\s*(UTC|GMT|Z)$", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(
    r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|blockquote|pre|section|article|ul|ol|table)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_PATH_TOKEN = re.compile(r"""\.?([^.\[\]]+)|\[\s*(\*|-?\d+|'[^']*'|"[^"]*")\s*\]""")
_COUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([kKmMwW万亿千]?)\+?$")
_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "m": 1_000_000,
    "w": 10_000,
    "万": 10_000,
    "亿": 100_000_000,
    "千": 1_000,
}


def parse_datetime(value: Any, default_tz: tzinfo = UTC) -> datetime | None:
    """Parse a timestamp as sources write them; naive values are read in `default_tz`.

    Accepts datetimes, dates, epoch seconds or milliseconds, ISO 8601 (basic or extended),
    RFC 2822, and the common Chinese and slash/dot forms. Returns aware UTC or None.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day, tzinfo=default_tz)
    elif isinstance(value, int | float):
        return _from_epoch(float(value))
    elif isinstance(value, str):
        found = _parse_text(value.strip())
        if found is None:
            return None
        parsed = found
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed.astimezone(UTC)


def _from_epoch(seconds: float) -> datetime | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_text(text: str) -> datetime | None:
    if not text:
        return None
    if re.fullmatch(r"\d{10}(\.\d+)?|\d{13}", text):
        return _from_epoch(float(text))
    utc = bool(_UTC_SUFFIX.search(text)) and not text.endswith(("z", "Z"))
    bare = _UTC_SUFFIX.sub("", text) if utc else text
    for candidate in (text, bare.replace(" T", "T")):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if utc and parsed.tzinfo is None else parsed
    if re.search(r"[A-Za-z]{3},? \d", text) or re.search(r"[+-]\d{4}$", text):
        try:
            return email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(bare, fmt)  # noqa: DTZ007 - zone applied by caller
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if utc or fmt.endswith("Z") else parsed
    return None


def to_int(value: Any) -> int | None:
    """Read an engagement count: 12, 12.0, "1,234", "1.2k", "3.5万". None when not a count."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value else None  # NaN check
    text = str(value).strip().replace(",", "").replace("，", "")
    match = _COUNT.match(text)
    if not match:
        return None
    return int(float(match.group(1)) * _MULTIPLIERS[match.group(2).lower()])


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, keeping paragraph breaks; plain text passes through.

    Regular expressions rather than a parser: feed summaries are small and many, and this is
    ten times faster than building a tree for each.
    """
    if not markup:
        return ""
    if "<" in markup:
        markup = _DROP.sub(" ", markup)
        markup = _BREAK.sub("\n", markup)
        markup = _TAG.sub("", markup)
    return _tidy(html.unescape(markup))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _path_tokens(path: str) -> list[str]:
    path = path.strip()
    if path.startswith("$"):
        path = path[1:]
    tokens: list[str] = []
    pos = 0
    while pos < len(path):
        match = _PATH_TOKEN.match(path, pos)
        if not match or match.end() == pos:
            raise Problem(
                gettext_noop("cannot read the path %(path)s at position %(pos)s"),
                path=repr(path),
                pos=pos,
            )
        name, bracket = match.groups()
        tokens.append(name if name is not None else bracket.strip("'\""))
        pos = match.end()
    return tokens


def select_all(data: Any, path: str) -> list[Any]:
    """Every value at a dotted path or simple JSONPath (`$.data[*].id`, `items.0.title`).

    Raises ValueError when the path itself cannot be read.
    """
    nodes = [data]
    for token in _path_tokens(path):
        following: list[Any] = []
        for node in nodes:
            if token == "*":  # noqa: S105 - a JSONPath wildcard, not a password
                if isinstance(node, list):
                    following.extend(node)
                elif isinstance(node, Mapping):
                    following.extend(node.values())
            elif isinstance(node, Mapping):
                if token in node:
                    following.append(node[token])
            elif isinstance(node, list) and re.fullmatch(r"-?\d+", token):
                index = int(token)
                if -len(node) <= index < len(node):
                    following.append(node[index])
        nodes = following
    return nodes


def select_one(data: Any, path: str) -> Any:
    """The first value at `path`, or None."""
    found = select_all(data, path)
    return found[0] if found else None


def json_body(resp: Response, service: str) -> Any:
    """Parse a JSON API response, turning HTML/garbage into a clear `ConnectorError`."""
    try:
        return resp.json()
    except BadContent as exc:
        raise ConnectorError(
            f"{service} did not return JSON: {exc}",
            code="not_json",
            params={"host": site_of(resp.url) or service},
        ) from exc


def no_item_list(service: str, url: str, got: Any, what: str) -> ConnectorError:
    """The service answered, but not with the list of items Vigil reads: a base URL that
    is not the service's API, or an API that changed."""
    return ConnectorError(
        f"{service} answered without {what} (got {str(got)[:120]!r})",
        code="no_item_list",
        params={"service": service, "host": site_of(url) or service},
    )


def check_http_url(value: str) -> str:
    """Pydantic validator: an absolute http(s) URL (templates with {placeholders} allowed)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Problem(gettext_noop("must be an absolute http:// or https:// URL"))
    return value.strip()


def check_channel(value: str) -> str:
    """Pydantic validator: "" (source default) or one of CHANNELS."""
    value = value.strip().lower()
    if value and value not in CHANNELS:
        raise Problem(
            gettext_noop("must be one of %(choices)s (or empty for the default)"),
            choices=", ".join(CHANNELS),
        )
    return value


HttpUrlText = Annotated[str, AfterValidator(check_http_url)]
ChannelName = Annotated[str, AfterValidator(check_channel)]


def secret(description: str, *, title: str | None = None) -> Any:
    """A config field holding a key or token: the form shows it as a password input."""
    return Field(
        default="", title=title, description=description, json_schema_extra={"secret": True}
    )


async def get_api_json(
    http: HttpClient,
    url: str,
    service: str,
    *,
    params: Mapping[str, str | int | float] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """GET a JSON API, turning its error answers into a `ConnectorError` that quotes the
    service's own explanation (bad key, quota, bad query)."""
    try:
        resp = await http.get(
            url, params=params, headers={"Accept": "application/json", **(headers or {})}
        )
    except HttpStatusError as exc:
        explained = _explain(exc.body)
        hint = {
            401: "the key or token was rejected",
            403: "access denied (key, quota or permissions)",
        }.get(exc.status, "")
        detail = "; ".join(x for x in (hint, explained) if x)
        raise ConnectorError(
            f"{service}: {exc}" + (f" — {detail}" if detail else ""), permanent=exc.permanent
        ) from exc
    return json_body(resp, service)


def _explain(body: bytes) -> str:
    """The human message inside a JSON error body, if any."""
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for path in (
        "error.message",
        "detail",
        "message",
        "errors[0].message",
        "error_description",
        "error",
        "title",
    ):
        found = select_one(data, path)
        if isinstance(found, str) and found:
            return found[:300]
    return ""
