"""Mentions screen: filter and read (thin: filtering lives in services)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from vigil.mentions.models import Mention
from vigil.mentions.services import MentionFilter, filter_mentions
from vigil.sources.models import Channel, Source
from vigil.web.decorators import perm_required


@perm_required("mentions.view_mention")
def mention_list(request: HttpRequest) -> HttpResponse:
    source = request.GET.get("source", "")
    mention_filter = MentionFilter(
        q=request.GET.get("q") or None,
        channel=request.GET.get("channel") or None,
        lang=request.GET.get("lang") or None,
        site=request.GET.get("site") or None,
        source=int(source) if source.isdigit() else None,
    )
    mentions = filter_mentions(mention_filter).select_related("source")
    page = Paginator(mentions, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentions/list.html",
        {
            "page": page,
            "filter": mention_filter,
            "channels": Channel.choices,
            "sources": Source.objects.only("id", "name"),
            "querystring": query.urlencode(),
        },
    )


@perm_required("mentions.view_mention")
def mention_detail(request: HttpRequest, mention_id: int) -> HttpResponse:
    mention = get_object_or_404(Mention.objects.select_related("source"), pk=mention_id)
    return render(request, "mentions/detail.html", {"m": mention})
