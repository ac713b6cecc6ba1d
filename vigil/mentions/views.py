"""Mentions screen: the query language in the search box, filters, highlighted results."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from vigil.analysis.labels import language_choices
from vigil.analysis.services import EMOTIONS, SENTIMENTS
from vigil.mentions.models import Mention
from vigil.mentions.services import MentionFilter, find_mentions
from vigil.monitoring.highlight import highlighted
from vigil.monitoring.models import Topic
from vigil.monitoring.services import LANGUAGES
from vigil.sources.models import Channel, Source
from vigil.web.decorators import perm_required

PAGE_SIZE = 25
SENTIMENT_CHOICES = [
    ("positive", _("positive")),
    ("neutral", _("neutral")),
    ("negative", _("negative")),
    ("unknown", _("unknown")),
]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _day(value: str | None, end: bool = False) -> dt.datetime | None:
    day = parse_date(value or "")
    if day is None:
        return None
    moment = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time.min)
    return moment.replace(tzinfo=dt.UTC)


@perm_required("mentions.view_mention")
def mention_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    mention_filter = MentionFilter(
        q=get.get("q") or None,
        topic=_int(get.get("topic")),
        channel=get.get("channel") or None,
        lang=get.get("lang") or None,
        site=get.get("site") or None,
        source=_int(get.get("source")),
        since=_day(get.get("since")),
        until=_day(get.get("until"), end=True),
        sentiment=get.get("sentiment") or None,
    )
    page = max(1, _int(get.get("page")) or 1)
    result = find_mentions(mention_filter, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    rows = [highlighted(hit.mention, hit.match.spans) for hit in result.hits]
    query = get.copy()
    query.pop("page", None)
    pages = max(1, -(-result.count // PAGE_SIZE))
    return render(
        request,
        "mentions/list.html",
        {
            "rows": rows,
            "result": result,
            "filter": mention_filter,
            "page": page,
            "pages": pages,
            "channels": Channel.choices,
            "sources": Source.objects.only("id", "name"),
            "topics": Topic.objects.only("id", "name"),
            "querystring": query.urlencode(),
            "since": get.get("since", ""),
            "until": get.get("until", ""),
            "sentiment_choices": SENTIMENT_CHOICES,
            "languages": language_choices(LANGUAGES),
        },
    )


@perm_required("mentions.view_mention")
def mention_detail(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = get_object_or_404(Mention.objects.select_related("source", "story"), pk=mention_id)
    matches = mention.matches.select_related("topic")
    return render(
        request,
        "mentions/detail.html",
        {
            "m": mention,
            "matches": matches,
            "sentiments": SENTIMENTS,
            "emotions": EMOTIONS,
        },
    )
