"""Analysis API: corrections, agreement, stories with their propagation path."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigil.analysis.corrections import CorrectionError, agreement, correct_mention
from vigil.analysis.models import Correction, Story
from vigil.analysis.runtime import story_mention
from vigil.analysis.services import EMOTIONS, RELEVANCE, SENTIMENTS
from vigil.analysis.stories import propagation_path
from vigil.api import get_or_404, requires
from vigil.api_schema import RequestBody
from vigil.mentions.models import Mention

router = Router(tags=["analysis"])


class CorrectionIn(RequestBody):
    field: Correction.Field
    value: str = Field(
        ...,
        description=f"sentiment: {', '.join(SENTIMENTS)}; "
        f"emotion: {', '.join((*EMOTIONS, 'none'))}; relevance: {', '.join(RELEVANCE)}",
    )


class CorrectionOut(Schema):
    mention_id: int
    field: str
    model_value: str
    value: str
    at: dt.datetime


class AgreementOut(Schema):
    field: str
    corrections: int
    agreed: int
    agreement: float | None


class StoryOut(Schema):
    id: int
    title: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    size: int
    sources: int
    growth_per_hour: int
    negative_share: float | None
    top_terms: list[str]
    impact: float | None
    suggested_level: str


class EdgeOut(Schema):
    parent_id: int
    child_id: int
    parent_site: str
    child_site: str
    at: dt.datetime
    delay_seconds: float


class StoryDetailOut(StoryOut):
    explanation: list[str]
    mention_ids: list[int]
    propagation: list[EdgeOut]


@router.post(
    "/mentions/{mention_id}/corrections",
    response={200: CorrectionOut, 201: CorrectionOut},
    auth=requires("mentions.change_mention"),
    summary="Correct sentiment, emotion or relevance",
    description="201 with the new correction; 200 with the one in force when the same "
    "correction is sent again (nothing is created or audited).",
)
def add_correction(request: HttpRequest, mention_id: int, payload: CorrectionIn) -> Status[Any]:
    mention = get_or_404(Mention, mention_id)
    try:
        correction, created = correct_mention(
            mention, payload.field, payload.value, actor=request.user
        )
    except CorrectionError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201 if created else 200, correction)


@router.get(
    "/analysis/agreement",
    response=list[AgreementOut],
    auth=requires("analysis.view_correction"),
    summary="Running agreement between the models and analysts' corrections",
)
def get_agreement(request: HttpRequest) -> list[AgreementOut]:
    out = []
    for field in ("sentiment", "emotion"):
        total, agreed, share = agreement(field)
        out.append(AgreementOut(field=field, corrections=total, agreed=agreed, agreement=share))
    return out


class StoryFilter(Schema):
    min_size: int = Field(2, ge=1, description="stories of at least this many mentions")


@router.get(
    "/stories",
    response=list[StoryOut],
    auth=requires("analysis.view_story"),
    summary="Stories, most recently active first",
)
@paginate(PageNumberPagination, page_size=50)
def list_stories(request: HttpRequest, filters: Query[StoryFilter]) -> Any:
    return Story.objects.filter(size__gte=filters.min_size).order_by("-last_seen", "-id")


@router.get("/stories/{story_id}", response=StoryDetailOut, auth=requires("analysis.view_story"))
def get_story(request: HttpRequest, story_id: int) -> StoryDetailOut:
    story = get_or_404(Story, story_id)
    members = list(story.mentions.order_by("published_at", "id")[:1000])
    edges = propagation_path(story_mention(m) for m in members)
    base = StoryOut.from_orm(story).dict()
    return StoryDetailOut(
        **base,
        explanation=(story.impact_explained or {}).get("explanation", []),
        mention_ids=[m.pk for m in members],
        propagation=[
            EdgeOut(
                parent_id=e.parent,
                child_id=e.child,
                parent_site=e.parent_source,
                child_site=e.child_source,
                at=e.at,
                delay_seconds=e.delay.total_seconds(),
            )
            for e in edges
        ],
    )
