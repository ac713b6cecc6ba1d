"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

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
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        method = getattr(request, "method", "") or ""
        path = getattr(request, "path", "") or ""
        record.msg = "Forbidden: %s %s %s (%s)"
        reason = str(refusal) or "no permission"
        record.args = tuple(_printable(part) for part in (who, method, path, reason))
        record.exc_info = None
        record.exc_text = None
        return True


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so a path or a reason cannot forge a log
    line; Chinese stays readable."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
