"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied


class RefusalsInOneLine(logging.Filter):
    """A refused request (403) is one warning line: who, where, why; no traceback.

    Django's ``django.request`` logger passes the ``PermissionDenied`` as ``exc_info``, so
    every Viewer opening an administrator's page wrote some thirty lines of Python
    traceback, burying the real errors. Only refusals are rewritten: a 500 keeps its
    traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        refusal = record.exc_info[1] if record.exc_info else None
        if not isinstance(refusal, PermissionDenied):
            return True
        record.msg, record.args = refusal_line(getattr(record, "request", None), str(refusal))
        record.exc_info = None
        record.exc_text = None
        return True


def refusal_line(request: object, reason: str) -> tuple[str, tuple[str, ...]]:
    """The one warning line of a refusal, as (format, args): who, method, path, why. The
    API's 403 handler logs the same line, so screens and API read alike."""
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    method = getattr(request, "method", "") or ""
    path = getattr(request, "path", "") or ""
    parts = (who, method, path, reason or "no permission")
    return "Forbidden: %s %s %s (%s)", tuple(_printable(part) for part in parts)


def utc_stamp(moment: dt.datetime) -> str:
    """A moment as log lines write it: UTC, to the second, ``2026-11-28 00:36:59Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def one_line(text: str, limit: int = 200) -> str:
    """``text`` fit for one log line: control characters escaped (a receiver's error page or
    a channel's name cannot forge lines), cut at ``limit`` characters with an ellipsis."""
    shown = _printable(" ".join(text.split()))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so a path or a reason cannot forge a log
    line; Chinese stays readable."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
