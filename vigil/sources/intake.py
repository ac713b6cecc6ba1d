"""Items that are fed to Vigil instead of fetched: the push API and file imports.

Both end in ``store_items`` like fetched items, so a pushed or imported item is
idempotent on its external id and flows through the same pipeline.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigil.accounts.audit import record_audit
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
    """The request or file as a whole cannot be taken; the message says why."""


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


def verify_signature(
    source: Source, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> bool:
    """True when the push source has a secret and the signature is fresh and right."""
    secret = str(source.config.get("signing_secret") or "")
    if not secret or not timestamp or not signature:
        return False
    try:
        skew = abs((now or time.time()) - float(timestamp))
    except ValueError:
        return False
    if skew > SIGNATURE_MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(signature_for(secret, timestamp, body), signature)


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
        errors=report.errors,
    )


def ingest_items(source: Source, items: Any) -> IntakeOutcome:
    """Store a pushed batch: good items kept, bad ones reported by position (1-based)."""
    if source.kind != "push":
        raise IntakeError(f"source {source.name!r} is a {source.kind} source, not a push source")
    if not source.is_active:
        raise IntakeError(f"source {source.name!r} is paused")
    if not isinstance(items, list):
        raise IntakeError("'items' must be a list of objects")
    if len(items) > MAX_PUSH_ITEMS:
        raise IntakeError(f"at most {MAX_PUSH_ITEMS} items per request (got {len(items)})")
    return _store(source, parse_records(items), len(items))


def import_upload(
    source_name: str, filename: str, content: bytes, *, tz_name: str = "UTC", actor: Any = None
) -> IntakeOutcome:
    """Import a CSV/JSONL/XLSX file into a source, creating an import source if needed."""
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise IntakeError(f"unknown time zone {tz_name!r}") from None
    try:
        report = import_file(filename, content, default_tz=tz)
    except ImportFormatError as exc:
        raise IntakeError(str(exc)) from None
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
