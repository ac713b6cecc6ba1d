"""Sources screens: health list, per-source history, pause and resume."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.sources.models import Source
from vigil.sources.services import set_source_paused
from vigil.web.decorators import perm_required


@perm_required("sources.view_source")
def source_list(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - dt.timedelta(days=1)
    sources = Source.objects.annotate(
        items_24h=Count("raw_items", filter=Q(raw_items__fetched_at__gte=since))
    )
    return render(request, "sources/list.html", {"sources": sources})


@perm_required("sources.view_source")
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    return render(
        request, "sources/detail.html", {"source": source, "runs": source.runs.all()[:50]}
    )


@perm_required("sources.change_source")
@require_POST
def pause(request: HttpRequest, source_id: int) -> HttpResponse:
    set_source_paused(get_object_or_404(Source, pk=source_id), True, actor=request.user)
    messages.success(request, _("Source paused."))
    return redirect("sources:detail", source_id=source_id)


@perm_required("sources.change_source")
@require_POST
def resume(request: HttpRequest, source_id: int) -> HttpResponse:
    set_source_paused(get_object_or_404(Source, pk=source_id), False, actor=request.user)
    messages.success(request, _("Source resumed."))
    return redirect("sources:detail", source_id=source_id)
