"""Items that are fed to Vigil instead of fetched: the push API and file imports.

Both end in ``store_items`` like fetched items, so a pushed or imported item is
idempotent on its external id and flows through the same pipeline.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import shlex
import time
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.audit import record_audit
from vigil.accounts.models import ApiToken
from vigil.pipeline.runner import enqueue
from vigil.sources.importers import (
    ImportFormatError,
    ImportReport,
    RowError,
    import_file,
    parse_records,
)
from vigil.sources.models import FetchRun, Source
from vigil.sources.services import SourceConfigError, create_source, store_items

MAX_PUSH_ITEMS = 1000
SIGNATURE_MAX_SKEW_SECONDS = 300


class IntakeError(ValueError):
    """The request or file as a whole cannot be taken; the message says why, in the
    language of the request."""


def _said(error: RowError) -> RowError:
    """The row error in the active language (importers keep English, having no Django)."""
    return RowError(error.line, _(error.reason), error.params)


@dataclass
class IntakeOutcome:
    source: str
    received: int = 0
    new: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "received": self.received,
            "new": self.new,
            "duplicates": self.duplicates,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
        }


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>.<body>")."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class SignatureError(Exception):
    """A signed push that is refused; ``code`` is stable, so a client can act on the cause."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


def check_signature(
    source: Source | None,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float | None = None,
) -> None:
    """Accept a signed push, or raise saying exactly what is wrong, so the sender can fix it."""
    if not timestamp or not signature:
        raise SignatureError(
            "missing_signature_header",
            _("Send both X-Vigil-Timestamp and X-Vigil-Signature, or an API token instead."),
        )
    secret = str(source.config.get("signing_secret") or "") if source else ""
    if source is None or source.kind != "push" or not secret:
        # One answer for all three, so an unsigned caller cannot probe which names exist.
        raise SignatureError(
            "unknown_source",
            _(
                "No push source with a signing secret has the name given in “source”; "
                "check the name, or send an API token instead."
            ),
        )
    _check_timestamp(timestamp, now or time.time())
    sent = signature.strip().lower()
    if not _SIGNATURE.fullmatch(sent):
        raise SignatureError(
            "malformed_signature",
            _("X-Vigil-Signature must be “sha256=” followed by 64 hexadecimal digits."),
        )
    if not hmac.compare_digest(signature_for(secret, timestamp, body), sent):
        raise SignatureError(
            "bad_signature",
            _(
                "The signature does not match this source's secret: sign "
                "“<timestamp>.<raw body>”, byte for byte as sent, with HMAC-SHA256."
            ),
        )


def _check_timestamp(timestamp: str, now: float) -> None:
    minutes = SIGNATURE_MAX_SKEW_SECONDS // 60
    try:
        sent = float(timestamp)
    except ValueError:
        sent = math.nan
    if not math.isfinite(sent):
        raise SignatureError(
            "bad_timestamp",
            _("X-Vigil-Timestamp must be the current time in Unix seconds, e.g. %(now)d.")
            % {"now": int(now)},
        )
    if now - sent > SIGNATURE_MAX_SKEW_SECONDS:
        raise SignatureError(
            "expired_signature",
            _(
                "The signature's timestamp is too old (more than %(minutes)d minutes); "
                "sign each request with the current time."
            )
            % {"minutes": minutes},
        )
    if sent - now > SIGNATURE_MAX_SKEW_SECONDS:
        raise SignatureError(
            "future_timestamp",
            _(
                "The signature's timestamp is more than %(minutes)d minutes in the future; "
                "check the sending machine's clock."
            )
            % {"minutes": minutes},
        )


_EXAMPLE_ITEM = {
    "id": "post-1",
    "url": "https://forum.example.com/t/1",
    "title": "Kettle leaks after three days",
    "text": "Mine started leaking on day three and the base got very hot.",
    "author": "kim",
    "published_at": "2025-05-01T08:30:00+08:00",
}
#: The same post for a Chinese reader, whose senders mostly push Chinese forums.
_EXAMPLE_ITEM_ZH = {
    **_EXAMPLE_ITEM,
    "title": "水壶用了三天就漏水",
    "text": "第三天开始漏水，底座还特别烫。",
    "author": "小金",
}


def _example_item() -> dict[str, str]:
    language = translation.get_language() or ""
    return _EXAMPLE_ITEM_ZH if language.startswith("zh") else _EXAMPLE_ITEM


@dataclass(frozen=True)
class PushInstructions:
    """What a sender needs to push to one source, shown on that source's page."""

    endpoint: str
    example_body: str
    token_command: str
    signed_command: str  # "" when the source has no signing secret
    has_secret: bool
    signing_secret: str  # "" unless the viewer may see it
    max_items: int = MAX_PUSH_ITEMS
    max_skew_minutes: int = SIGNATURE_MAX_SKEW_SECONDS // 60


def push_instructions(
    source: Source, endpoint: str, *, reveal_secret: bool
) -> PushInstructions | None:
    """How to push to ``source`` (None for a source that is not fed by the push API).

    The commands are ready to paste; the secret goes into them only for a viewer
    who may edit the source, the others get a placeholder.
    """
    if source.kind != "push":
        return None
    secret = str(source.config.get("signing_secret") or "")
    url = shlex.quote(endpoint)
    send = "  -H 'Content-Type: application/json' \\\n"
    token_command = (
        f"curl -X POST {url} \\\n{send}"
        '  -H "Authorization: Bearer $VIGIL_TOKEN" \\\n'
        "  --data-binary @items.json"
    )
    signed_command = ""
    if secret:
        shown = shlex.quote(secret) if reveal_secret else "'<signing secret>'"
        signed_command = (
            f"SECRET={shown}\n"
            "TS=$(date +%s)\n"
            "SIG=$({ printf '%s.' \"$TS\"; cat items.json; }"
            " | openssl dgst -sha256 -hmac \"$SECRET\" -r | cut -d' ' -f1)\n"
            f"curl -X POST {url} \\\n{send}"
            '  -H "X-Vigil-Timestamp: $TS" \\\n'
            '  -H "X-Vigil-Signature: sha256=$SIG" \\\n'
            "  --data-binary @items.json"
        )
    return PushInstructions(
        endpoint=endpoint,
        example_body=json.dumps(
            {"source": source.name, "items": [_example_item()]}, ensure_ascii=False, indent=2
        ),
        token_command=token_command,
        signed_command=signed_command,
        has_secret=bool(secret),
        signing_secret=secret if reveal_secret else "",
    )


def _store(source: Source, report: ImportReport, received: int) -> IntakeOutcome:
    now = timezone.now()
    with transaction.atomic():
        new = store_items(source, report.items, now)
        FetchRun.objects.create(
            source=source,
            started_at=now,
            finished_at=now,
            fetched=len(report.items),
            new=new,
            warnings=[str(e) for e in report.errors[:20]],
        )
        Source.objects.filter(pk=source.pk).update(last_success_at=now)
        if new:
            enqueue("pipeline.process_pending")
    return IntakeOutcome(
        source=source.name,
        received=received,
        new=new,
        duplicates=len(report.items) - new,
        errors=[_said(e) for e in report.errors],
    )


def ingest_items(source: Source, items: Any, *, token: ApiToken | None = None) -> IntakeOutcome:
    """Store a pushed batch: good items kept, bad ones reported by position (1-based).

    Each accepted batch is audited once (not per item): who sent it — the API ``token``'s
    user and the token, or, without one, a request signed with the source's secret — and
    what was received, new, duplicate and refused. A batch refused whole is not stored.
    """
    if source.kind != "push":
        raise IntakeError(
            _("source “%(name)s” is a %(kind)s source, not a push source")
            % {"name": source.name, "kind": source.kind}
        )
    if not source.is_active:
        raise IntakeError(_("source “%(name)s” is paused") % {"name": source.name})
    if not isinstance(items, list):
        raise IntakeError(_("'items' must be a list of objects"))
    if len(items) > MAX_PUSH_ITEMS:
        raise IntakeError(
            _("at most %(max)d items per request (got %(n)d)")
            % {"max": MAX_PUSH_ITEMS, "n": len(items)}
        )
    with transaction.atomic():
        outcome = _store(source, parse_records(items), len(items))
        sender: dict[str, Any] = {"token": str(token)} if token else {"signed": True}
        record_audit(
            token.user if token else None,
            "source.pushed",
            source,
            after={
                **sender,
                "received": outcome.received,
                "new": outcome.new,
                "duplicates": outcome.duplicates,
                "refused": len(outcome.errors),
            },
        )
    return outcome


def import_upload(
    source_name: str, filename: str, content: bytes, *, tz_name: str = "UTC", actor: Any = None
) -> IntakeOutcome:
    """Import a CSV/JSONL/XLSX file into a source, creating an import source if needed."""
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise IntakeError(_("unknown time zone “%(tz)s”") % {"tz": tz_name}) from None
    try:
        report = import_file(filename, content, default_tz=tz)
    except ImportFormatError as exc:
        raise IntakeError(_(exc.reason) % exc.params if exc.params else _(exc.reason)) from None
    source = Source.objects.filter(name=source_name).first()
    if source is None:
        try:
            source = create_source(name=source_name, kind="upload", config={}, actor=actor)
        except SourceConfigError as exc:
            raise IntakeError(str(exc)) from None
    outcome = _store(source, report, len(report.items) + len(report.errors))
    record_audit(
        actor,
        "source.imported",
        source,
        after={
            "file": filename,
            "new": outcome.new,
            "duplicates": outcome.duplicates,
            "bad_rows": len(outcome.errors),
        },
    )
    return outcome
