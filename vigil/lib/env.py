"""Typed readers for environment variables.

Every setting of Vigil comes from the environment (DESIGN.md §4.6). These helpers
refuse bad values loudly at start-up instead of letting a typo become a silent default.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

__all__ = [
    "EnvError",
    "env_bool",
    "env_broker_url",
    "env_choice",
    "env_int",
    "env_list",
    "env_str",
    "env_time_zone",
    "env_url",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """An environment variable holds a value Vigil cannot use."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as text, or ``default`` when it is unset."""
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable as a boolean; accepts 1/0, true/false, yes/no, on/off."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={source[name]!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(
    name: str,
    default: int,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return the variable as an integer within [minimum, maximum]."""
    source = os.environ if environ is None else environ
    if name not in source or source[name].strip() == "":
        return default
    try:
        value = int(source[name].strip())
    except ValueError:
        raise EnvError(f"{name}={source[name]!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise EnvError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_list(
    name: str, default: list[str] | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    source = os.environ if environ is None else environ
    if name not in source:
        return list(default or [])
    return [part.strip() for part in source[name].split(",") if part.strip()]


def env_choice(
    name: str, default: str, choices: Iterable[str], environ: Mapping[str, str] | None = None
) -> str:
    """Return the variable when it is one of ``choices`` (compared case-insensitively)."""
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return default
    allowed = list(choices)
    for choice in allowed:
        if raw.lower() == choice.lower():
            return choice
    raise EnvError(f"{name}={source[name]!r} is not one of {', '.join(allowed)}")


def env_time_zone(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable when it names an IANA time zone (``Asia/Shanghai``, ``UTC``)."""
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return default
    if raw not in zoneinfo.available_timezones():
        raise EnvError(f"{name}={raw!r} is not a time zone name (e.g. UTC, Asia/Shanghai)")
    return raw


def env_url(
    name: str,
    default: str,
    schemes: Iterable[str] = ("http", "https"),
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return the variable when it is an absolute URL with one of ``schemes`` and a host."""
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return default
    allowed = list(schemes)
    try:
        parts = urlsplit(raw)
        usable = parts.scheme.lower() in allowed and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [ in the host
        usable = False
    if not usable:
        raise EnvError(f"{name}={raw!r} is not a URL like {allowed[0]}://host[:port]")
    return raw


def env_broker_url(
    name: str, transports: Iterable[str], environ: Mapping[str, str] | None = None
) -> str:
    """Return the variable when each of its URLs (kombu takes ``;``-separated fail-overs)
    names one of ``transports``; empty when unset.

    An unknown scheme (``foo://x``) used to let the web serve while every worker died on
    kombu's bare ``KeyError: 'foo'``. The URL itself is not repeated in the refusal: it may
    hold the broker's password.
    """
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return ""
    known = sorted(set(transports))
    for url in raw.split(";"):
        scheme, found, _rest = url.strip().partition("://")
        # ``sqla+postgresql://`` is kombu's transport+URL form: the transport comes first.
        transport = scheme.split("+", 1)[0].lower()
        if not found or transport not in known:
            shown = f"{scheme}://" if found else "no scheme://"
            raise EnvError(
                f"{name} starts with {shown!r}, not a broker Celery can use: give a URL such as "
                f"redis://host:6379/0 (or rediss://, amqp://, amqps://, sentinel://; kombu also "
                f"knows {', '.join(t for t in known if t not in _COMMON_BROKERS)})"
            )
    return raw


_COMMON_BROKERS = {"redis", "rediss", "amqp", "amqps", "sentinel"}


def local_base_url(host: str, port: int) -> str:
    """The address a browser on this machine uses to reach ``vigil run`` on host:port.

    The default of ``VIGIL_BASE_URL``: links sent out (e-mails, webhooks) must point at the
    port Vigil really listens on. A wildcard address (0.0.0.0, ::) is reached on loopback.
    """
    host = host.strip().strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
