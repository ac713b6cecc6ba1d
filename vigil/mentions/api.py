"""Read and search mentions."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from vigil.api import get_or_404, requires
from vigil.api_schema import RowId
from vigil.mentions.models import Mention
from vigil.mentions.services import MAX_INT, MentionFilter, find_mentions
from vigil.sources.models import Channel

router = Router(tags=["mentions"])


class MentionOut(Schema):
    id: int
    source: str
    channel: str
    title: str
    text: str
    url: str
    canonical_url: str
    author: str
    author_handle: str
    author_followers: int | None
    site: str
    lang: str
    published_at: dt.datetime
    fetched_at: dt.datetime
    likes: int | None
    shares: int | None
    comments: int | None
    views: int | None
    duplicate_count: int
    sentiment: str
    sentiment_score: float | None
    sentiment_confidence: float | None
    sentiment_corrected: str
    emotion: str
    relevance: str
    impact: float | None
    story_id: int | None
    reprint_of_id: int | None


class MentionHit(MentionOut):
    matched_terms: list[str] = []


class MentionQuery(Schema):
    q: str | None = Field(
        None, description="monitoring query language, e.g. 明光 AND (烫伤 OR recall*)"
    )
    topic: RowId | None = None
    channel: Channel | None = None
    lang: str | None = Field(None, description="language code as stored, e.g. zh or en")
    site: str | None = None
    source: RowId | None = None
    since: dt.datetime | None = Field(
        None, description="published at or after (ISO 8601; without a zone: UTC)"
    )
    until: dt.datetime | None = Field(
        None, description="published before (ISO 8601; without a zone: UTC)"
    )
    sentiment: Literal["positive", "neutral", "negative", "unknown"] | None = Field(
        None, description="as shown: an analyst's correction wins over the model"
    )
    relevance: Literal["relevant", "noise", "any"] | None = Field(
        None, description="relevant (confirmed), noise, or any; left out: everything but noise"
    )
    order: Literal["newest", "oldest", "impact"] = "newest"
    page: int = Field(1, ge=1, le=MAX_INT // 200)
    page_size: int = Field(50, ge=1, le=200)

    @field_validator("since", "until")
    @classmethod
    def _utc_unless_zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        # Left naive, the database would read it in the installation's zone instead.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class MentionPage(Schema):
    items: list[MentionHit]
    count: int
    exact: bool


@router.get(
    "",
    response=MentionPage,
    summary="Mentions, newest first (or order=oldest|impact); q= takes the query language",
    auth=requires("mentions.view_mention"),
)
def list_mentions(request: HttpRequest, query: Query[MentionQuery]) -> MentionPage:
    params = query.dict()
    page, size = params.pop("page"), params.pop("page_size")
    result = find_mentions(MentionFilter(**params), offset=(page - 1) * size, limit=size)
    if result.error:
        raise HttpError(400, f"q: {result.error}")
    items = [
        MentionHit(**_fields(hit.mention), matched_terms=hit.match.terms) for hit in result.hits
    ]
    return MentionPage(items=items, count=result.count, exact=result.exact)


def _fields(mention: Mention) -> dict[str, Any]:
    names = [name for name in MentionOut.model_fields if name != "source"]
    return {**{name: getattr(mention, name) for name in names}, "source": mention.source.name}


@router.get(
    "/{mention_id}",
    response=MentionOut,
    summary="One mention",
    auth=requires("mentions.view_mention"),
)
def get_mention(request: HttpRequest, mention_id: int) -> MentionOut:
    mention = get_or_404(Mention.objects.select_related("source"), mention_id)
    return MentionOut(**_fields(mention))
