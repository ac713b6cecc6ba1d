"""Sources: list with health, add, pause and resume, fetch history."""

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigil.accounts.models import ApiToken
from vigil.accounts.services import token_for
from vigil.api import ApiError, get_or_404, requires
from vigil.api_schema import RequestBody
from vigil.sources.failure_labels import failure_label
from vigil.sources.intake import (
    MAX_PUSH_ITEMS,
    IntakeError,
    SignatureError,
    check_signature,
    ingest_items,
)
from vigil.sources.models import Channel, FetchRun, Source
from vigil.sources.services import (
    SourceConfigError,
    create_source,
    public_config,
    set_source_paused,
)

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
    last_error: str = Field(..., description="as it happened, in English")
    last_error_code: str = Field(
        ..., description="timeout, dns, refused, http_status …; empty when not a common kind"
    )
    last_error_params: dict[str, Any]
    last_error_message: str = Field(..., description="in the language of Accept-Language")
    last_error_at: dt.datetime | None
    consecutive_failures: int
    next_run_at: dt.datetime | None

    @staticmethod
    def resolve_config(obj: Source) -> dict[str, Any]:
        return public_config(obj.kind, obj.config)

    @staticmethod
    def resolve_last_error_message(obj: Source) -> str:
        return failure_label(obj.last_error_code, obj.last_error_params, obj.last_error)


class SourceIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=120)
    kind: str
    config: dict[str, Any] = {}
    channel: Channel | None = Field(None, description="left out: the kind's usual channel")
    interval_seconds: int = Field(900, ge=10)


class FetchRunOut(Schema):
    started_at: dt.datetime
    finished_at: dt.datetime | None
    fetched: int
    new: int
    error: str = Field(..., description="as it happened, in English")
    error_code: str
    error_params: dict[str, Any]
    error_message: str = Field(..., description="in the language of Accept-Language")
    warnings: list[str]

    @staticmethod
    def resolve_error_message(obj: FetchRun) -> str:
        return failure_label(obj.error_code, obj.error_params, obj.error)


@router.get(
    "",
    response=list[SourceOut],
    summary="Sources with their health, by name",
    auth=requires("sources.view_source"),
)
@paginate(PageNumberPagination, page_size=50)
def list_sources(request: HttpRequest) -> Any:
    return Source.objects.order_by("name", "id")


@router.post(
    "", response={201: SourceOut}, summary="Add a source", auth=requires("sources.add_source")
)
def add_source(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    data = payload.dict()
    data["channel"] = data["channel"] or ""
    try:
        source = create_source(actor=request.user, **data)
    except SourceConfigError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, source)


@router.get(
    "/{source_id}/runs",
    response=list[FetchRunOut],
    summary="Fetch history, newest first",
    auth=requires("sources.view_source"),
)
@paginate(PageNumberPagination, page_size=50)
def source_runs(request: HttpRequest, source_id: int) -> Any:
    source = get_or_404(Source, source_id)
    return FetchRun.objects.filter(source=source).order_by("-started_at", "-id")


@router.post(
    "/{source_id}/pause",
    response=SourceOut,
    summary="Pause a source",
    auth=requires("sources.change_source"),
)
def pause_source(request: HttpRequest, source_id: int) -> Source:
    return set_source_paused(get_or_404(Source, source_id), True, actor=request.user)


@router.post(
    "/{source_id}/resume",
    response=SourceOut,
    summary="Resume a source",
    auth=requires("sources.change_source"),
)
def resume_source(request: HttpRequest, source_id: int) -> Source:
    return set_source_paused(get_or_404(Source, source_id), False, actor=request.user)


class IngestError(Schema):
    line: int
    message: str


class IngestOut(Schema):
    source: str
    received: int
    new: int
    duplicates: int
    errors: list[IngestError]


ingest_router = Router(tags=["sources"])

_COUNT = {"type": "integer", "minimum": 0}
#: The body as the spec shows it. The endpoint reads the raw bytes itself (a signature covers
#: them exactly) and checks each item on its own, so a bad item is reported, not the batch.
INGEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "title": "IngestIn",
                "type": "object",
                "required": ["source", "items"],
                "properties": {
                    "source": {"type": "string", "description": "the push source's name"},
                    "items": {
                        "type": "array",
                        "maxItems": MAX_PUSH_ITEMS,
                        "items": {
                            "title": "PushedItem",
                            "type": "object",
                            "description": "needs a title, a text or a url",
                            "properties": {
                                "id": {
                                    "type": ["string", "integer"],
                                    "description": "the sender's id; the same id again adds "
                                    "nothing (left out: the url, else a hash of the content)",
                                },
                                "url": {"type": "string", "format": "uri"},
                                "title": {"type": "string"},
                                "text": {"type": "string"},
                                "author": {"type": "string"},
                                "author_handle": {"type": "string"},
                                "author_followers": _COUNT,
                                "site": {"type": "string"},
                                "channel": {"type": "string", "enum": list(Channel.values)},
                                "lang": {"type": "string", "examples": ["zh", "en"]},
                                "published_at": {
                                    "type": "string",
                                    "format": "date-time",
                                    "description": "ISO 8601; without a zone: UTC",
                                },
                                "likes": _COUNT,
                                "shares": _COUNT,
                                "comments": _COUNT,
                                "views": _COUNT,
                            },
                        },
                    },
                },
            }
        }
    },
}


@ingest_router.post(
    "/ingest",
    response={200: IngestOut},
    auth=None,
    openapi_extra={"requestBody": INGEST_BODY},
    summary="Push a batch of items into a push source",
    description=(
        'Body: `{"source": "NAME", "items": [{"id", "url", "title", "text", "author", '
        '"published_at", "channel", "lang", "likes", …}]}` (at most 1,000 items). '
        "Authenticate with `Authorization: Bearer <token>` (permission sources.add_rawitem) "
        "or sign the request: `X-Vigil-Timestamp: <unix seconds>` and `X-Vigil-Signature: "
        'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the source\'s signing '
        "secret>` (timestamps more than 5 minutes off are refused). A refused signature "
        "answers 401 with a code saying why: `missing_signature_header`, `unknown_source`, "
        "`bad_timestamp`, `expired_signature`, "
        "`future_timestamp`, `malformed_signature` or `bad_signature`. Idempotent on each "
        "item's id; bad items are reported by position and the good ones kept."
    ),
)
def ingest(request: HttpRequest) -> Status[IngestOut]:
    token = _authorise_token_or_require_signature(request)
    signed = token is None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise HttpError(400, _("body is not valid JSON: %(e)s") % {"e": exc}) from None
    if not isinstance(body, dict) or not isinstance(body.get("source"), str):
        raise HttpError(
            400, _("body must be an object with 'source' (a push source's name) and 'items'")
        )
    source = Source.objects.filter(name=body["source"]).first()
    if signed:
        try:
            check_signature(
                source,
                request.headers.get("X-Vigil-Timestamp", ""),
                request.headers.get("X-Vigil-Signature", ""),
                request.body,
            )
        except SignatureError as exc:
            raise ApiError(401, exc.code, exc.message) from None
    if source is None:
        raise HttpError(404, _("no source named “%(name)s”") % {"name": body["source"]})
    try:
        outcome = ingest_items(source, body.get("items"), token=token)
    except IntakeError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(200, IngestOut(**outcome.as_dict()))


def _authorise_token_or_require_signature(request: HttpRequest) -> ApiToken | None:
    """Check a bearer token now (401/403) and answer it; otherwise demand signature headers.

    Answers None when the request is signed: the signature is checked once the body
    names its source (each push source has its own secret), so that is also where a
    signed request missing one of its two headers is told so.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = token_for(header.removeprefix("Bearer ").strip())
        if token is None:
            raise AuthenticationError()
        if not token.user.has_perm("sources.add_rawitem"):
            raise PermissionDenied(
                _("You need the permission “%(perm)s” to push items.")
                % {"perm": "sources.add_rawitem"}
            )
        return token
    if request.headers.get("X-Vigil-Signature") or request.headers.get("X-Vigil-Timestamp"):
        return None
    raise ApiError(
        401,
        "unauthenticated",
        _(
            "Send an API token (Authorization: Bearer …) or sign the request with the "
            "source's signing secret (X-Vigil-Timestamp and X-Vigil-Signature)."
        ),
    )
