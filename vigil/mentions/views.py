"""Mentions screen: the query language in the search box, filters, highlighted results."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.analysis.labels import language_choices
from vigil.analysis.services import EMOTIONS, SENTIMENTS
from vigil.mentions.models import Mention
from vigil.mentions.services import (
    EXPORT_LIMIT,
    export_rows,
    mention_filter_from,
    mention_page,
    parse_int,
)
from vigil.monitoring.highlight import highlighted
from vigil.monitoring.models import Topic
from vigil.monitoring.services import LANGUAGES, check_query
from vigil.sources.models import Channel, Source
from vigil.web.decorators import perm_required

PAGE_SIZE = 25
SENTIMENT_CHOICES = [
    ("positive", _("positive")),
    ("neutral", _("neutral")),
    ("negative", _("negative")),
    ("unknown", _("unknown")),
]
RELEVANCE_CHOICES = [
    ("relevant", _("confirmed relevant")),
    ("noise", _("noise only")),
    ("any", _("everything, noise too")),
]
ORDER_CHOICES = [
    ("newest", _("newest first")),
    ("oldest", _("oldest first")),
    ("impact", _("highest impact first")),
]


@perm_required("mentions.view_mention")
def mention_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    mention_filter = mention_filter_from(get, timezone.get_current_timezone())
    found = mention_page(mention_filter, parse_int(get.get("page")), PAGE_SIZE)
    result = found.result
    rows = [highlighted(hit.mention, hit.match.spans) for hit in result.hits]
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "mentions/list.html",
        {
            "rows": rows,
            "result": result,
            "filter": mention_filter,
            "page": found.page,
            "pages": found.pages,
            "channels": Channel.choices,
            "sources": Source.objects.only("id", "name"),
            "topics": Topic.objects.only("id", "name"),
            "querystring": query.urlencode(),
            "since": get.get("since", ""),
            "until": get.get("until", ""),
            "sentiment_choices": SENTIMENT_CHOICES,
            "relevance_choices": RELEVANCE_CHOICES,
            "order_choices": ORDER_CHOICES,
            "export_limit": EXPORT_LIMIT,
            "languages": language_choices(LANGUAGES),
        },
    )


@perm_required("mentions.view_mention")
def mention_export(request: HttpRequest) -> HttpResponse:
    """The list's filters as a CSV file (UTF-8 with a BOM, so spreadsheets read Chinese)."""
    tz = timezone.get_current_timezone()
    mention_filter = mention_filter_from(request.GET, tz)
    if mention_filter.q and check_query(mention_filter.q).error:
        return redirect(f"{reverse('mentions:list')}?{request.GET.urlencode()}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), tz).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="mentions-{stamp}.csv"'
    response.write("\ufeff")
    csv.writer(response).writerows(export_rows(mention_filter, tz))
    return response


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
