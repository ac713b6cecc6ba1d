"""Read mentions."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from vigil.api import requires
from vigil.mentions.models import Mention
from vigil.mentions.services import MentionFilter, filter_mentions

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

    @staticmethod
    def resolve_source(obj: Mention) -> str:
        return obj.source.name


class MentionQuery(Schema):
    q: str | None = None
    channel: str | None = None
    lang: str | None = None
    site: str | None = None
    source: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@router.get(
    "",
    response=list[MentionOut],
    summary="Mentions, newest first",
    auth=requires("mentions.view_mention"),
)
@paginate(PageNumberPagination, page_size=50)
def list_mentions(request: HttpRequest, query: Query[MentionQuery]) -> Any:
    return filter_mentions(MentionFilter(**query.dict())).select_related("source")


@router.get(
    "/{mention_id}",
    response=MentionOut,
    summary="One mention",
    auth=requires("mentions.view_mention"),
)
def get_mention(request: HttpRequest, mention_id: int) -> Mention:
    return get_object_or_404(Mention.objects.select_related("source"), pk=mention_id)
