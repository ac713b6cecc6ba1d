"""Monitoring verbs: plans and topics (validated, versioned, audited), previews, matching.

Matching runs in the pipeline (``vigil.monitoring.stages.match``) against a process-wide
percolator that is rebuilt when topics change; retro searches match a new or changed
topic against stored mentions in the background (``vigil.monitoring.retro``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from vigil.accounts.audit import record_audit, snapshot
from vigil.mentions.models import Mention
from vigil.mentions.search import candidates
from vigil.monitoring.models import (
    MonitoringPlan,
    RetroSearch,
    Topic,
    TopicVersion,
    WarningLevel,
)
from vigil.monitoring.query import Document, MatchResult, Percolator, QuerySyntaxError, parse
from vigil.monitoring.query.document import DOCUMENT_FIELDS
from vigil.pipeline.runner import enqueue
from vigil.sources.models import Channel

TOPIC_FIELDS = [
    "name",
    "kind",
    "query",
    "exclude_query",
    "channels",
    "languages",
    "alert_level",
    "is_active",
]
LANGUAGES = ["zh", "en", "ja", "ko", "fr", "de", "es", "ru", "ar", "pt"]


class TopicError(ValueError):
    """A topic that cannot be saved; ``field`` and ``column`` say where."""

    def __init__(self, message: str, *, field: str = "", column: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.column = column


@dataclass(frozen=True)
class QueryCheck:
    ok: bool
    parsed: str = ""
    error: str = ""
    column: int | None = None


def check_query(text: str) -> QueryCheck:
    """Parse a query for the live validation of the editor and the API."""
    try:
        return QueryCheck(ok=True, parsed=parse(text).to_string())
    except QuerySyntaxError as exc:
        return QueryCheck(ok=False, error=exc.localized(gettext), column=exc.column)


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    for field_name in ("query", "exclude_query"):
        text = (clean.get(field_name) or "").strip()
        clean[field_name] = text
        if field_name == "query" or text:
            try:
                parse(text)
            except QuerySyntaxError as exc:
                raise TopicError(
                    exc.localized(gettext), field=field_name, column=exc.column
                ) from None
    channels = [c for c in clean.get("channels") or [] if c]
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise TopicError(
            gettext("unknown channel(s): %(channels)s") % {"channels": ", ".join(sorted(unknown))},
            field="channels",
        )
    clean["channels"] = sorted(set(channels))
    clean["languages"] = sorted(
        {lang.strip().lower() for lang in clean.get("languages") or [] if lang.strip()}
    )
    unknown = {lang for lang in clean["languages"] if lang.split("-")[0] not in LANGUAGES}
    if unknown:
        raise TopicError(
            gettext("unknown language(s): %(languages)s; choose from %(known)s")
            % {"languages": ", ".join(sorted(unknown)), "known": ", ".join(LANGUAGES)},
            field="languages",
        )
    level = clean.get("alert_level")
    if level is not None and level not in WarningLevel.values:
        raise TopicError(
            gettext("unknown warning level “%(level)s”; choose one of %(levels)s")
            % {"level": level, "levels": ", ".join(WarningLevel.values)},
            field="alert_level",
        )
    if not (clean.get("name") or "").strip():
        raise TopicError(gettext("a topic needs a name"), field="name")
    clean["name"] = clean["name"].strip()
    return clean


# --- plans ----------------------------------------------------------------------------------
def _refuse_taken_plan_name(name: str, plan: MonitoringPlan | None = None) -> None:
    others = MonitoringPlan.objects.filter(name=name)
    if plan is not None:
        others = others.exclude(pk=plan.pk)
    if others.exists():
        raise TopicError(
            gettext("a plan named “%(name)s” already exists") % {"name": name}, field="name"
        )


def _refuse_taken_topic_name(plan: MonitoringPlan, name: str, topic: Topic | None = None) -> None:
    others = Topic.objects.filter(plan=plan, name=name)
    if topic is not None:
        others = others.exclude(pk=topic.pk)
    if others.exists():
        raise TopicError(
            gettext("this plan already has a topic named “%(name)s”") % {"name": name},
            field="name",
        )


@transaction.atomic
def create_plan(
    *, name: str, scope: str = "", owner: Any = None, department: Any = None, actor: Any = None
) -> MonitoringPlan:
    _refuse_taken_plan_name(name)
    plan = MonitoringPlan.objects.create(name=name, scope=scope, owner=owner, department=department)
    record_audit(actor, "plan.created", plan, after=snapshot(plan))
    return plan


@transaction.atomic
def update_plan(plan: MonitoringPlan, *, actor: Any = None, **changes: Any) -> MonitoringPlan:
    if "name" in changes:
        _refuse_taken_plan_name(changes["name"], plan)
    before = snapshot(plan)
    changed = [key for key, value in changes.items() if getattr(plan, key) != value]
    if not changed:  # a repeated request changes nothing and records nothing
        return plan
    for key in changed:
        setattr(plan, key, changes[key])
    plan.save(update_fields=[*changed, "updated_at"])
    record_audit(actor, "plan.changed", plan, before=before, after=snapshot(plan))
    return plan


# --- topics ---------------------------------------------------------------------------------
def _version(topic: Topic, actor: Any) -> None:
    TopicVersion.objects.create(
        topic=topic,
        version=topic.version,
        query=topic.query,
        exclude_query=topic.exclude_query,
        channels=topic.channels,
        languages=topic.languages,
        is_active=topic.is_active,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def create_topic(
    plan: MonitoringPlan, *, actor: Any = None, retro_days: int = 30, **data: Any
) -> Topic:
    """Add a topic; its query is validated, versioned, audited and searched back in time."""
    clean = _validate(data)
    _refuse_taken_topic_name(plan, clean["name"])
    topic = Topic.objects.create(plan=plan, **{k: v for k, v in clean.items() if k in TOPIC_FIELDS})
    _version(topic, actor)
    record_audit(actor, "topic.created", topic, after=snapshot(topic, TOPIC_FIELDS))
    if topic.is_active and retro_days:
        start_retro_search(topic, days=retro_days)
    return topic


@transaction.atomic
def update_topic(
    topic: Topic,
    *,
    actor: Any = None,
    retro_days: int = 30,
    plan: MonitoringPlan | None = None,
    **data: Any,
) -> Topic:
    """Change a topic (or move it to ``plan``): a new version; a changed query is searched
    back in time again."""
    merged = {**snapshot(topic, TOPIC_FIELDS), **data}
    clean = _validate(merged)
    target = plan or topic.plan
    _refuse_taken_topic_name(target, clean["name"], topic)
    audited = [*TOPIC_FIELDS, "plan"]
    before = snapshot(topic, audited)
    changed = {k for k in TOPIC_FIELDS if before.get(k) != clean.get(k)}
    if not changed and target.pk == topic.plan_id:
        return topic
    for key in TOPIC_FIELDS:
        setattr(topic, key, clean[key])
    topic.plan = target
    topic.version += 1
    topic.save()
    _version(topic, actor)
    record_audit(actor, "topic.changed", topic, before=before, after=snapshot(topic, audited))
    matching = {"query", "exclude_query", "channels", "languages", "is_active"}
    if topic.is_active and retro_days and changed & matching:
        start_retro_search(topic, days=retro_days)
    return topic


def start_retro_search(topic: Topic, days: int = 30) -> RetroSearch:
    search = RetroSearch.objects.create(topic=topic, topic_version=topic.version, days=days)
    enqueue("monitoring.retro_search", search_id=search.pk)
    return search


# --- matching -------------------------------------------------------------------------------
def document_of(mention: Mention) -> Document:
    return Document(
        id=str(mention.pk), **{name: getattr(mention, name) for name in DOCUMENT_FIELDS}
    )


def topic_percolator(topics: list[Topic]) -> Percolator:
    """One percolator over the given topics (keyed by topic id)."""
    percolator = Percolator()
    for topic in topics:
        percolator.add(
            topic.pk,
            topic.query,
            exclude=topic.exclude_query or None,
            channels=topic.channels,
            langs=topic.languages,
        )
    return percolator


def match_rows(
    mentions: Iterable[Mention], percolator: Percolator, via: str, version_of: Callable[[int], int]
) -> list[dict[str, Any]]:
    """``Match`` rows for every (mention, topic) the percolator finds (live and retro)."""
    rows = []
    for mention in mentions:
        for topic_id, result in percolator.match(document_of(mention)):
            rows.append(
                {
                    "mention_id": mention.pk,
                    "topic_id": topic_id,
                    "terms": result.terms,
                    "spans": result.spans,
                    "via": via,
                    "topic_version": version_of(int(topic_id)),
                    "published_at": mention.published_at,
                }
            )
    return rows


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True, plan__is_active=True)


@dataclass
class Preview:
    count: int
    scanned: int
    examples: list[tuple[Mention, MatchResult]]
    error: str = ""
    truncated: bool = False


PREVIEW_SCAN_LIMIT = 20_000


def preview_topic(
    query: str,
    exclude: str = "",
    channels: list[str] | None = None,
    languages: list[str] | None = None,
    days: int = 7,
    limit: int = 10,
    now: dt.datetime | None = None,
) -> Preview:
    """Run a query over the last ``days`` of stored mentions before saving it."""
    try:
        percolator = Percolator()
        percolator.add(
            "preview",
            query,
            exclude=exclude or None,
            channels=channels or (),
            langs=languages or (),
        )
    except QuerySyntaxError as exc:
        return Preview(count=0, scanned=0, examples=[], error=exc.localized(gettext))
    # The search index narrows the week to mentions holding the query's rarest words, as
    # the Mentions search does; the percolator then judges each one exactly.
    since = (now or timezone.now()) - dt.timedelta(days=days)
    week = Mention.objects.filter(published_at__gte=since)
    mentions = candidates(parse(query), week).order_by("-published_at", "-id")
    count = scanned = 0
    examples: list[tuple[Mention, MatchResult]] = []
    for mention in mentions.iterator(chunk_size=2000):
        scanned += 1
        if scanned > PREVIEW_SCAN_LIMIT:
            return Preview(count=count, scanned=scanned - 1, examples=examples, truncated=True)
        found = percolator.match(document_of(mention))
        if found:
            count += 1
            if len(examples) < limit:
                examples.append((mention, found[0][1]))
    return Preview(count=count, scanned=scanned, examples=examples)
