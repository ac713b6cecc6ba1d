"""Collecting: run due sources' connectors, store raw items, keep source health.

Fetching is async (many sources at once under the HTTP client's global and per-host
limits); storing is sync and short per source. A source's failure is recorded on
that source only; after ``SOURCE_MAX_FAILURES`` failures in a row it is paused and
administrators get a notice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts.audit import record_audit, snapshot
from vigil.accounts.models import SystemNotice
from vigil.lib.http import HttpClient
from vigil.pipeline.bulk import insert_ignoring_conflicts
from vigil.pipeline.runner import enqueue
from vigil.sources import connectors
from vigil.sources.connectors import ConnectorError, FetchResult, get_connector_class
from vigil.sources.connectors.base import RawItemData
from vigil.sources.failure_labels import failure_label, source_paused_text
from vigil.sources.failures import Failure, classify_failure
from vigil.sources.models import Channel, FetchRun, RawItem, Source

log = logging.getLogger(__name__)


class SourceConfigError(ValueError):
    """A source's kind or configuration is not valid; the message says which field."""


@dataclass
class CollectReport:
    source: str
    fetched: int = 0
    new: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed by ``vigil collect``."""
        error = self.error.replace("\n", " ") if self.error else "none"
        return f"{self.source} fetched={self.fetched} new={self.new} errors={error}"


def validate_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Check a configuration against the kind's pydantic model; return it normalised."""
    kinds = connectors.connector_kinds()
    if kind not in kinds:
        raise SourceConfigError(
            _("unknown source kind “%(kind)s”; known kinds: %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(kinds)}
        )
    try:
        model = connectors.validate_config(kind, config)
    except ConnectorError as exc:
        raise SourceConfigError(failure_label(exc.code, exc.params, str(exc))) from None
    return model.model_dump(mode="json", exclude_defaults=True)


def make_http_client(*, interactive: bool = False) -> HttpClient:
    """The configured client. ``interactive``: someone waits at a screen (test fetch), so
    one attempt, no longer than the timeout: retries with backoff kept them a minute and more
    in front of "fetching…" for a server that did not answer."""
    timeout = float(settings.HTTP_TIMEOUT)
    return HttpClient(
        user_agent=settings.HTTP_USER_AGENT,
        proxy=settings.HTTP_PROXY or None,
        allow_private=settings.ALLOW_PRIVATE_FETCH,
        timeout=timeout,
        **({"total_timeout": timeout} if interactive else {}),
        max_bytes=settings.HTTP_MAX_BYTES,
        retries=0 if interactive else settings.HTTP_RETRIES,
        max_concurrency=settings.HTTP_CONCURRENCY,
        per_host_concurrency=settings.HTTP_PER_HOST_CONCURRENCY,
        per_host_interval=settings.HTTP_PER_HOST_INTERVAL_MS / 1000,
    )


# --- fetching -----------------------------------------------------------------------------
async def _fetch_one(
    source_id: int, kind: str, config: dict[str, Any], state: dict[str, Any], http: HttpClient
) -> FetchResult | Exception:
    try:
        connector = connectors.build_connector(kind, config, http)
        return await connector.fetch(dict(state))
    except Exception as exc:  # noqa: BLE001 - every failure is reported on its source
        return exc


async def _fetch_all(
    jobs: list[tuple[int, str, dict[str, Any], dict[str, Any]]], http: HttpClient | None
) -> list[FetchResult | Exception]:
    if http is not None:
        return await asyncio.gather(*(_fetch_one(*job, http) for job in jobs))
    async with make_http_client() as client:
        return await asyncio.gather(*(_fetch_one(*job, client) for job in jobs))


async def _preview(kind: str, config: dict[str, Any]) -> FetchResult | Exception:
    async with make_http_client(interactive=True) as client:
        return await _fetch_one(0, kind, config, {}, client)


@dataclass
class FetchPreview:
    items: list[RawItemData]
    warnings: list[str]
    error: str = ""  # raw; error_code and error_params say it in the reader's language
    error_code: str = ""
    error_params: dict[str, Any] = field(default_factory=dict)


def preview_fetch(kind: str, config: dict[str, Any], limit: int = 10) -> FetchPreview:
    """Fetch once with a configuration and show the first items; nothing is saved."""
    try:
        clean = validate_config(kind, config)
    except SourceConfigError as exc:
        return FetchPreview(items=[], warnings=[], error=str(exc))
    result = asyncio.run(_preview(kind, clean))
    if isinstance(result, Exception):
        code, params = classify_failure(result)
        return FetchPreview(
            items=[], warnings=[], error=_describe(result), error_code=code, error_params=params
        )
    return FetchPreview(items=result.items[:limit], warnings=result.warnings)


def collect_sources(
    sources: list[Source], *, http: HttpClient | None = None
) -> list[CollectReport]:
    """Fetch the given sources concurrently and store what they bring."""
    if not sources:
        return []
    started = timezone.now()
    jobs = [(s.pk, s.kind, s.config, s.state) for s in sources]
    results = asyncio.run(_fetch_all(jobs, http))
    reports = [
        _store_result(source, result, started)
        for source, result in zip(sources, results, strict=True)
    ]
    if any(r.new for r in reports):
        enqueue("pipeline.process_pending")
    return reports


def claim_due_sources(limit: int = 200, now: dt.datetime | None = None) -> list[Source]:
    """Claim active sources whose time has come, so no other worker fetches them too."""
    now = now or timezone.now()
    due = list(
        Source.objects.filter(is_active=True, kind__in=connectors.pull_kinds())
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_run_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed: list[int] = []
    lease = now + dt.timedelta(minutes=10)
    for pk in due:
        # A conditional UPDATE is the claim: only one worker sees rowcount 1.
        won = (
            Source.objects.filter(pk=pk)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=lease)
        )
        if won:
            claimed.append(pk)
    return list(Source.objects.filter(pk__in=claimed))


def collect_due(limit: int = 200) -> list[CollectReport]:
    return collect_sources(claim_due_sources(limit))


# --- storing ------------------------------------------------------------------------------
def _payload(item: RawItemData) -> dict[str, Any]:
    data = dict(item.__dict__)
    published = data.get("published_at")
    data["published_at"] = published.isoformat() if isinstance(published, dt.datetime) else None
    return data


def _next_run(source: Source, now: dt.datetime) -> dt.datetime:
    # ±10 % jitter keeps many sources with one interval from hitting hosts in lockstep.
    jitter = source.interval_seconds * random.uniform(-0.1, 0.1)
    return now + dt.timedelta(seconds=max(5.0, source.interval_seconds + jitter))


def store_items(source: Source, items: list[RawItemData], fetched_at: dt.datetime) -> int:
    """Insert raw items not seen before for this source; return how many were new."""
    unique: dict[str, RawItemData] = {}
    for item in items:
        if item.external_id and item.external_id not in unique:
            unique[item.external_id[:500]] = item
    if not unique:
        return 0
    known = set(
        RawItem.objects.filter(source=source, external_id__in=list(unique)).values_list(
            "external_id", flat=True
        )
    )
    fresh = [
        {
            "source_id": source.pk,
            "external_id": eid,
            "payload": _payload(item),
            "fetched_at": fetched_at,
            "status": RawItem.Status.PENDING,
        }
        for eid, item in unique.items()
        if eid not in known
    ]
    insert_ignoring_conflicts(RawItem, fresh)
    return len(fresh)


def _store_result(
    source: Source, result: FetchResult | Exception, started: dt.datetime
) -> CollectReport:
    now = timezone.now()
    report = CollectReport(source=source.name)
    with transaction.atomic():
        run = FetchRun(source=source, started_at=started, finished_at=now)
        if isinstance(result, Exception):
            report.error = _describe(result)
            run.error = report.error
            run.error_code, run.error_params = classify_failure(result)
            _record_failure(
                source,
                report.error,
                (run.error_code, run.error_params),
                permanent=getattr(result, "permanent", False),
                now=now,
            )
        else:
            report.fetched = len(result.items)
            report.new = store_items(source, result.items, now)
            report.warnings = list(result.warnings)
            run.fetched, run.new, run.warnings = report.fetched, report.new, report.warnings[:20]
            source.state = result.state
            source.last_success_at = now
            source.consecutive_failures = 0
            source.last_error, source.last_error_code, source.last_error_params = "", "", {}
        source.next_run_at = _next_run(source, now)
        source.claimed_until = None
        source.save(
            update_fields=[
                "state",
                "last_success_at",
                "consecutive_failures",
                "last_error",
                "last_error_code",
                "last_error_params",
                "last_error_at",
                "next_run_at",
                "claimed_until",
                "is_active",
                "paused_reason",
            ]
        )
        run.save()
    if report.error:
        log.warning("source %s failed: %s", source.name, report.error)
    return report


def _describe(exc: Exception) -> str:
    if isinstance(exc, ConnectorError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# Stored in English (the API shows them as they are); screens say them in the reader's
# language through ``paused_reason_label``.
PAUSED_BY_A_USER = "paused by a user"
PAUSED_AFTER_FAILURES = "paused after {n} failures in a row: {error}"


def _record_failure(
    source: Source, message: str, failure: Failure, *, permanent: bool, now: dt.datetime
) -> None:
    source.consecutive_failures += 1
    source.last_error = message[:4000]
    source.last_error_code, source.last_error_params = failure
    source.last_error_at = now
    limit = settings.SOURCE_MAX_FAILURES
    if source.consecutive_failures >= limit and source.is_active:
        source.is_active = False
        source.paused_reason = PAUSED_AFTER_FAILURES.format(
            n=source.consecutive_failures, error=message
        )[:300]
        said = {
            "name": source.name,
            "count": source.consecutive_failures,
            "error": message[:300],
            "error_code": source.last_error_code,
            "error_params": source.last_error_params,
        }
        with translation.override(settings.LANGUAGE_CODE):
            text = source_paused_text(said)  # said again in each reader's language
        SystemNotice.objects.create(
            level=SystemNotice.Level.ERROR,
            code="source.paused",
            message=text,
            params=said,
            object_type="sources.source",
            object_id=str(source.pk),
        )
        record_audit(None, "source.paused", source, after={"reason": source.paused_reason})
    elif permanent:
        log.info("source %s: permanent error (%s)", source.name, message)


# --- managing -----------------------------------------------------------------------------
REDACTED = "••••••"


def secret_fields(kind: str) -> set[str]:
    """Config fields of a kind that hold keys or tokens (never shown or audited in clear)."""
    schema = get_connector_class(kind).Config.model_json_schema()
    return {name for name, prop in schema.get("properties", {}).items() if prop.get("secret")}


def public_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with secret values masked, for screens, API and audit."""
    hidden = secret_fields(kind)
    return {k: (REDACTED if k in hidden and v else v) for k, v in config.items()}


def _audited(source: Source) -> dict[str, Any]:
    data = snapshot(source, ["name", "kind", "config", "channel", "interval_seconds"])
    data["config"] = public_config(source.kind, source.config)
    return data


def _check_name_interval_and_channel(
    name: str, interval_seconds: int, channel: str, source: Source | None = None
) -> None:
    others = Source.objects.filter(name=name)
    if source is not None:
        others = others.exclude(pk=source.pk)
    if others.exists():
        raise SourceConfigError(_("a source named “%(name)s” already exists") % {"name": name})
    if interval_seconds < 10:
        raise SourceConfigError(_("interval must be at least 10 seconds"))
    if channel and channel not in Channel.values:
        raise SourceConfigError(
            _("unknown channel “%(channel)s”; choose one of %(channels)s")
            % {"channel": channel, "channels": ", ".join(Channel.values)}
        )


@transaction.atomic
def create_source(
    *,
    name: str,
    kind: str,
    config: dict[str, Any],
    channel: str = "",
    interval_seconds: int = 900,
    actor: Any = None,
) -> Source:
    """Add a source after validating its configuration."""
    _check_name_interval_and_channel(name, interval_seconds, channel)
    clean = validate_config(kind, config)
    connector_cls = get_connector_class(kind)
    if not channel and isinstance(clean.get("channel"), str):
        channel = clean["channel"]
    source = Source.objects.create(
        name=name,
        kind=kind,
        config=clean,
        channel=channel or connector_cls.default_channel,
        interval_seconds=interval_seconds,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_audit(actor, "source.created", source, after=_audited(source))
    return source


@transaction.atomic
def update_source(
    source: Source,
    *,
    name: str,
    config: dict[str, Any],
    channel: str = "",
    interval_seconds: int = 900,
    actor: Any = None,
) -> Source:
    """Change a source's name, configuration, channel or interval (kind stays)."""
    _check_name_interval_and_channel(name, interval_seconds, channel, source=source)
    before = _audited(source)
    # A masked secret sent back from the edit form means "unchanged".
    for key in secret_fields(source.kind):
        if config.get(key) == REDACTED:
            config[key] = source.config.get(key, "")
    source.name = name
    source.config = validate_config(source.kind, config)
    source.channel = channel or source.channel
    source.interval_seconds = interval_seconds
    source.next_run_at = timezone.now()
    source.save(update_fields=["name", "config", "channel", "interval_seconds", "next_run_at"])
    record_audit(actor, "source.changed", source, before=before, after=_audited(source))
    return source


@transaction.atomic
def set_source_paused(
    source: Source, paused: bool, *, actor: Any = None, reason: str = ""
) -> Source:
    if source.is_active == (not paused):
        # Pausing a paused source (or resuming a running one) changes nothing: no audit
        # entry, and the reason it was paused for (e.g. repeated failures) is kept.
        return source
    before = snapshot(source, ["is_active", "paused_reason"])
    source.is_active = not paused
    source.paused_reason = (reason or PAUSED_BY_A_USER)[:300] if paused else ""
    if not paused:
        source.consecutive_failures = 0
        source.next_run_at = timezone.now()
    source.save(update_fields=["is_active", "paused_reason", "consecutive_failures", "next_run_at"])
    record_audit(
        actor,
        "source.paused" if paused else "source.resumed",
        source,
        before=before,
        after=snapshot(source, ["is_active", "paused_reason"]),
    )
    return source
