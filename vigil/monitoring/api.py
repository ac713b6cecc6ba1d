"""Plans, topics (with versions and matches), query check and preview."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigil.accounts.models import Department
from vigil.api import ApiError, get_or_404, requires
from vigil.api_schema import RequestBody
from vigil.monitoring.models import (
    Match,
    MonitoringPlan,
    RetroSearch,
    Topic,
    TopicVersion,
    WarningLevel,
)
from vigil.monitoring.services import (
    TopicError,
    check_query,
    create_plan,
    create_topic,
    preview_topic,
    update_plan,
    update_topic,
)
from vigil.sources.models import Channel

router = Router(tags=["monitoring"])


class PlanIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=200)
    scope: str = ""
    is_active: bool = True


class PlanPatch(RequestBody):
    """Only the fields sent change; ``null`` clears a field that may be empty (scope,
    department) and is refused for one that may not (name, is_active)."""

    # Typed without None: omitted keeps the default (and is left out as unset), null is refused.
    name: str = Field(None, min_length=1, max_length=200)
    scope: str | None = Field(None, description="null or empty clears it")
    department_id: int | None = Field(None, description="null clears it")
    is_active: bool = Field(None)


class PlanOut(Schema):
    id: int
    name: str
    scope: str
    is_active: bool
    department_id: int | None
    owner_id: int | None


class TopicIn(RequestBody):
    plan_id: int
    name: str = Field(..., min_length=1, max_length=200)
    kind: Topic.Kind = Topic.Kind.BRAND
    query: str
    exclude_query: str = ""
    channels: list[Channel] = Field([], description="empty: every channel")
    languages: list[str] = []
    alert_level: WarningLevel = WarningLevel.III
    is_active: bool = True
    retro_days: int = Field(30, ge=0, le=365)


class TopicPatch(RequestBody):
    """Only the fields sent change; ``null`` clears what may be empty (the exclusion, the
    channel and language limits) and is refused for the rest."""

    name: str = Field(None)
    kind: Topic.Kind = Field(None)
    query: str = Field(None)
    exclude_query: str | None = Field(None, description="null clears it")
    channels: list[Channel] | None = Field(None, description="null or []: every channel")
    languages: list[str] | None = Field(None, description="null or []: every language")
    alert_level: WarningLevel = Field(None)
    is_active: bool = Field(None)
    retro_days: int = Field(30, ge=0, le=365)


class TopicOut(Schema):
    id: int
    plan_id: int
    name: str
    kind: str
    query: str
    exclude_query: str
    channels: list[str]
    languages: list[str]
    alert_level: str
    is_active: bool
    version: int
    updated_at: dt.datetime


class VersionOut(Schema):
    version: int
    query: str
    exclude_query: str
    channels: list[str]
    languages: list[str]
    is_active: bool
    changed_at: dt.datetime


class MatchOut(Schema):
    mention_id: int
    terms: list[str]
    via: str
    topic_version: int
    published_at: dt.datetime


class RetroOut(Schema):
    id: int
    status: str
    days: int
    total: int
    processed: int
    matched: int
    percent: int
    error: str


class QueryIn(RequestBody):
    query: str


class QueryCheckOut(Schema):
    ok: bool
    parsed: str
    error: str
    column: int | None


class PreviewIn(RequestBody):
    query: str
    exclude_query: str = ""
    channels: list[Channel] = Field([], description="empty: every channel")
    languages: list[str] = []
    days: int = Field(7, ge=1, le=90)


class PreviewMention(Schema):
    id: int
    title: str
    text: str
    terms: list[str]


class PreviewOut(Schema):
    count: int
    scanned: int
    truncated: bool
    error: str
    examples: list[PreviewMention]


def _topic_error(exc: TopicError) -> ApiError:
    message = f"{exc.field}: {exc}" if exc.field else str(exc)
    details = {"field": exc.field, "column": exc.column} if exc.field else None
    return ApiError(400, "bad_request", message, details)


@router.get("/plans", response=list[PlanOut], auth=requires("monitoring.view_monitoringplan"))
@paginate(PageNumberPagination, page_size=50)
def list_plans(request: HttpRequest) -> Any:
    return MonitoringPlan.objects.order_by("name", "id")


@router.post("/plans", response={201: PlanOut}, auth=requires("monitoring.add_monitoringplan"))
def add_plan(request: HttpRequest, payload: PlanIn) -> Status[MonitoringPlan]:
    try:
        plan = create_plan(
            name=payload.name, scope=payload.scope, owner=request.user, actor=request.user
        )
    except TopicError as exc:
        raise _topic_error(exc) from None
    if not payload.is_active:
        update_plan(plan, actor=request.user, is_active=False)
    return Status(201, plan)


@router.patch(
    "/plans/{plan_id}", response=PlanOut, auth=requires("monitoring.change_monitoringplan")
)
def change_plan(request: HttpRequest, plan_id: int, payload: PlanPatch) -> MonitoringPlan:
    plan = get_or_404(MonitoringPlan, plan_id)
    changes = payload.dict(exclude_unset=True)
    if "scope" in changes:
        changes["scope"] = changes["scope"] or ""
    if "department_id" in changes:
        department_id = changes.pop("department_id")
        changes["department"] = (
            None if department_id is None else get_or_404(Department, department_id)
        )
    try:
        return update_plan(plan, actor=request.user, **changes)
    except TopicError as exc:
        raise _topic_error(exc) from None


@router.get("/topics", response=list[TopicOut], auth=requires("monitoring.view_topic"))
@paginate(PageNumberPagination, page_size=50)
def list_topics(request: HttpRequest, plan_id: int | None = None) -> Any:
    topics = Topic.objects.order_by("plan__name", "name", "id")
    if plan_id is None:
        return topics
    return topics.filter(plan=get_or_404(MonitoringPlan, plan_id))


@router.post("/topics", response={201: TopicOut}, auth=requires("monitoring.add_topic"))
def add_topic(request: HttpRequest, payload: TopicIn) -> Status[Topic]:
    plan = get_or_404(MonitoringPlan, payload.plan_id)
    data = payload.dict(exclude={"plan_id", "retro_days"})
    try:
        topic = create_topic(plan, actor=request.user, retro_days=payload.retro_days, **data)
    except TopicError as exc:
        raise _topic_error(exc) from None
    return Status(201, topic)


@router.get("/topics/{topic_id}", response=TopicOut, auth=requires("monitoring.view_topic"))
def get_topic(request: HttpRequest, topic_id: int) -> Topic:
    return get_or_404(Topic, topic_id)


@router.patch("/topics/{topic_id}", response=TopicOut, auth=requires("monitoring.change_topic"))
def change_topic(request: HttpRequest, topic_id: int, payload: TopicPatch) -> Topic:
    topic = get_or_404(Topic, topic_id)
    data = payload.dict(exclude={"retro_days"}, exclude_unset=True)
    cleared = {"exclude_query": "", "channels": [], "languages": []}
    data.update({k: cleared[k] for k, v in data.items() if v is None and k in cleared})
    try:
        return update_topic(topic, actor=request.user, retro_days=payload.retro_days, **data)
    except TopicError as exc:
        raise _topic_error(exc) from None


@router.get(
    "/topics/{topic_id}/versions", response=list[VersionOut], auth=requires("monitoring.view_topic")
)
@paginate(PageNumberPagination, page_size=50)
def topic_versions(request: HttpRequest, topic_id: int) -> Any:
    topic = get_or_404(Topic, topic_id)
    return TopicVersion.objects.filter(topic=topic).order_by("-version", "-id")


@router.get(
    "/topics/{topic_id}/matches", response=list[MatchOut], auth=requires("monitoring.view_topic")
)
@paginate(PageNumberPagination, page_size=50)
def topic_matches(request: HttpRequest, topic_id: int) -> Any:
    topic = get_or_404(Topic, topic_id)
    return Match.objects.filter(topic=topic).order_by("-published_at", "-mention_id")


@router.get("/topics/{topic_id}/retro", response=RetroOut, auth=requires("monitoring.view_topic"))
def topic_retro(request: HttpRequest, topic_id: int) -> RetroSearch:
    topic = get_or_404(Topic, topic_id)
    search = RetroSearch.objects.filter(topic=topic).order_by("-created_at", "-id").first()
    if search is None:
        raise Http404(_("topic %(id)s has no search back in time") % {"id": topic_id})
    return search


@router.post("/query/check", response=QueryCheckOut, auth=requires())
def query_check(request: HttpRequest, payload: QueryIn) -> QueryCheckOut:
    result = check_query(payload.query)
    return QueryCheckOut(
        ok=result.ok, parsed=result.parsed, error=result.error, column=result.column
    )


@router.post("/query/preview", response=PreviewOut, auth=requires("monitoring.view_topic"))
def topic_preview(request: HttpRequest, payload: PreviewIn) -> PreviewOut:
    preview = preview_topic(
        payload.query, payload.exclude_query, payload.channels, payload.languages, days=payload.days
    )
    return PreviewOut(
        count=preview.count,
        scanned=preview.scanned,
        truncated=preview.truncated,
        error=preview.error,
        examples=[
            PreviewMention(id=m.pk, title=m.title, text=m.text[:500], terms=r.terms)
            for m, r in preview.examples
        ],
    )
