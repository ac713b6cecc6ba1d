"""Sources screens: health list, add/edit with a test fetch, history, pause/resume, import.

Thin: forms parse, services act.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.sources.forms import ImportForm, SourceForm, addable_kinds, config_rows, is_pulled
from vigil.sources.intake import IntakeError, import_upload, push_instructions
from vigil.sources.models import Source
from vigil.sources.services import (
    SourceConfigError,
    create_source,
    preview_fetch,
    public_config,
    set_source_paused,
    update_source,
)
from vigil.web.decorators import perm_required

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


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
    push = push_instructions(
        source,
        request.build_absolute_uri(reverse("api:ingest")),
        reveal_secret=request.user.has_perm("sources.change_source"),
    )
    return render(
        request,
        "sources/detail.html",
        {
            "source": source,
            "config_rows": config_rows(source.kind, public_config(source.kind, source.config)),
            "pulled": is_pulled(source.kind),
            "runs": source.runs.all()[:50],
            "push": push,
        },
    )


def _save(request: HttpRequest, form: SourceForm, source: Source | None) -> Source | None:
    if not form.is_valid():
        return None
    config = form.config()
    if form.errors:
        return None
    data = form.cleaned_data
    try:
        if source is None:
            return create_source(
                name=data["name"],
                kind=data["kind"],
                config=config,
                channel=data["channel"],
                interval_seconds=data["interval_seconds"],
                actor=request.user,
            )
        return update_source(
            source,
            name=data["name"],
            config=config,
            channel=data["channel"],
            interval_seconds=data["interval_seconds"],
            actor=request.user,
        )
    except SourceConfigError as exc:
        form.add_error(None, str(exc))
        return None


def _requested_kind(request: HttpRequest) -> str:
    """The kind picked on the add form; an unknown or hidden one falls back to RSS."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "rss"
    return kind if kind in addable_kinds() else "rss"


@perm_required("sources.add_source")
def source_add(request: HttpRequest) -> HttpResponse:
    kind = _requested_kind(request)
    form = SourceForm(request.POST or None, kind=kind, initial={"kind": kind})
    if request.method == "POST" and "save" in request.POST:
        source = _save(request, form, None)
        if source is not None:
            messages.success(
                request,
                _("Source added; it will be fetched shortly.")
                if is_pulled(source.kind)
                else _("Source added; push items to it as shown below."),
            )
            return redirect("sources:detail", source_id=source.pk)
    template = (
        "sources/_config_fields.html"
        if request.htmx and "save" not in request.POST
        else "sources/form.html"
    )
    return render(request, template, {"form": form, "source": None})


@perm_required("sources.change_source")
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    initial = {
        "name": source.name,
        "kind": source.kind,
        "channel": source.channel,
        "interval_seconds": source.interval_seconds,
    }
    form = SourceForm(
        request.POST or None,
        kind=source.kind,
        initial=initial,
        initial_config=public_config(source.kind, source.config),
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and _save(request, form, source) is not None:
        messages.success(request, _("Source saved."))
        return redirect("sources:detail", source_id=source.pk)
    return render(request, "sources/form.html", {"form": form, "source": source})


@perm_required("sources.add_source")
@require_POST
def source_test(request: HttpRequest) -> HttpResponse:
    """htmx: fetch once with the form's configuration and show the first items."""
    kind = _requested_kind(request)
    form = SourceForm(request.POST, kind=kind)
    form.is_valid()
    config: dict[str, Any] = form.config() if hasattr(form, "cleaned_data") else {}
    preview = preview_fetch(kind, config)
    return render(request, "sources/_preview.html", {"preview": preview})


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


@perm_required("sources.add_rawitem")
def import_file_view(request: HttpRequest) -> HttpResponse:
    # Dates without a zone are most likely in the importer's own (a Weibo export from
    # Shanghai), not in UTC.
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"default_timezone": timezone.get_current_timezone_name()},
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 20 MB; split it."))
        else:
            try:
                outcome = import_upload(
                    form.cleaned_data["source"],
                    upload.name,
                    upload.read(),
                    tz_name=form.cleaned_data["default_timezone"],
                    actor=request.user,
                )
            except IntakeError as exc:
                form.add_error(None, str(exc))
    return render(request, "sources/import.html", {"form": form, "outcome": outcome})
