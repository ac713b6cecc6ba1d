"""Sources: list with health, add, pause and resume, fetch history."""


import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from vigil.api import requires
from vigil.sources.models import FetchRun, Source
from vigil.sources.services import SourceConfigError, create_source, set_source_paused

router = Router(tags=["sources"])


class SourceOut(Schema):
    id: int
    name: str
    kind: str
    channel: str
    config: dict[str, Any]
    interval_seconds: int
    health: str
    is_active: bool
    paused_reason: str
    last_success_at: dt.datetime | None
    last_error: str
    last_error_at: dt.datetime | None
    consecutive_failures: int
    next_run_at: dt.datetime | None


class SourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: str
    config: dict[str, Any] = {}
    channel: str = ""
    interval_seconds: int = Field(900, ge=10)


class FetchRunOut(Schema):
    started_at: dt.datetime
    finished_at: dt.datetime | None
    fetched: int
    new: int
    error: str
    warnings: list[str]


@router.get(
    "",
    response=list[SourceOut],
    summary="Sources with their health",
    auth=requires("sources.view_source"),
)
def list_sources(request: HttpRequest) -> Any:
    return Source.objects.all()


@router.post(
    "", response={201: SourceOut}, summary="Add a source", auth=requires("sources.add_source")
)
def add_source(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    try:
        source = create_source(actor=request.user, **payload.dict())
    except SourceConfigError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, source)


@router.get(
    "/{source_id}/runs",
    response=list[FetchRunOut],
    summary="Fetch history",
    auth=requires("sources.view_source"),
)
def source_runs(request: HttpRequest, source_id: int) -> Any:
    return FetchRun.objects.filter(source_id=source_id)[:100]


@router.post(
    "/{source_id}/pause",
    response=SourceOut,
    summary="Pause a source",
    auth=requires("sources.change_source"),
)
def pause_source(request: HttpRequest, source_id: int) -> Source:
    return set_source_paused(get_object_or_404(Source, pk=source_id), True, actor=request.user)


@router.post(
    "/{source_id}/resume",
    response=SourceOut,
    summary="Resume a source",
    auth=requires("sources.change_source"),
)
def resume_source(request: HttpRequest, source_id: int) -> Source:
    return set_source_paused(get_object_or_404(Source, pk=source_id), False, actor=request.user)
