"""Monitoring screens: plans and topics, the query editor with live check and preview,
topic detail with highlighted matches and retro-search progress. Thin: services act."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import markdown
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.analysis.figures import sentiment_over_time
from vigil.monitoring.forms import PlanForm, TopicForm
from vigil.monitoring.highlight import highlighted
from vigil.monitoring.models import Match, MonitoringPlan, RetroSearch, Topic
from vigil.monitoring.services import (
    TopicError,
    check_query,
    create_plan,
    create_topic,
    preview_topic,
    update_plan,
    update_topic,
)
from vigil.web.decorators import perm_required

# The topic page charts its last week of sentiment, per day; the analysis screen has periods.
TOPIC_CHART_DAYS = 7


@perm_required("monitoring.view_topic")
def topic_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    topics = Topic.objects.select_related("plan").annotate(
        matches_24h=Count(
            "matches", filter=Q(matches__published_at__gte=now - dt.timedelta(days=1))
        ),
        matches_7d=Count(
            "matches", filter=Q(matches__published_at__gte=now - dt.timedelta(days=7))
        ),
    )
    plans: dict[int, dict[str, Any]] = {}
    for plan in MonitoringPlan.objects.select_related("department", "owner"):
        plans[plan.pk] = {"plan": plan, "topics": []}
    for topic in topics:
        plans[topic.plan_id]["topics"].append(topic)
    return render(request, "monitoring/list.html", {"plans": list(plans.values())})


def _plan_form_view(request: HttpRequest, plan: MonitoringPlan | None) -> HttpResponse:
    initial = (
        {
            "name": plan.name,
            "scope": plan.scope,
            "department": plan.department,
            "is_active": plan.is_active,
        }
        if plan
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if plan is None:
                plan = create_plan(
                    name=data["name"],
                    scope=data["scope"],
                    owner=request.user,
                    department=data["department"],
                    actor=request.user,
                )
            else:
                update_plan(plan, actor=request.user, **data)
        except TopicError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Plan saved."))
            return redirect("topics:list")
    return render(request, "monitoring/plan_form.html", {"form": form, "plan": plan})


@perm_required("monitoring.add_monitoringplan")
def plan_add(request: HttpRequest) -> HttpResponse:
    return _plan_form_view(request, None)


@perm_required("monitoring.change_monitoringplan")
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_form_view(request, get_object_or_404(MonitoringPlan, pk=plan_id))


def _topic_form_view(request: HttpRequest, topic: Topic | None) -> HttpResponse:
    if topic is not None:
        initial: dict[str, Any] = {
            "plan": topic.plan,
            "name": topic.name,
            "kind": topic.kind,
            "query": topic.query,
            "exclude_query": topic.exclude_query,
            "channels": topic.channels,
            "languages": topic.languages,
            "alert_level": topic.alert_level,
            "is_active": topic.is_active,
        }
    else:
        initial = {"plan": request.GET.get("plan"), "is_active": True}
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if topic is None:
                topic = create_topic(
                    form.cleaned_data["plan"], actor=request.user, **form.topic_data()
                )
            else:
                update_topic(
                    topic,
                    actor=request.user,
                    plan=form.cleaned_data["plan"],
                    **form.topic_data(),
                )
        except TopicError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            messages.success(request, _("Topic saved; matching it against the last 30 days."))
            return redirect("topics:detail", topic_id=topic.pk)
    return render(request, "monitoring/topic_form.html", {"form": form, "topic": topic})


@perm_required("monitoring.add_topic")
def topic_add(request: HttpRequest) -> HttpResponse:
    return _topic_form_view(request, None)


@perm_required("monitoring.change_topic")
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    return _topic_form_view(request, get_object_or_404(Topic, pk=topic_id))


@perm_required("monitoring.view_topic")
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("plan"), pk=topic_id)
    matches = (
        Match.objects.filter(topic=topic)
        .select_related("mention", "mention__source")
        .order_by("-published_at")[:30]
    )
    # Spans were stored with each match, for the topic version that matched.
    rows = [{**highlighted(m.mention, m.spans, limit=280), "match": m} for m in matches]
    return render(
        request,
        "monitoring/topic_detail.html",
        {
            "topic": topic,
            "rows": rows,
            "versions": topic.versions.all()[:10],
            "retro": topic.retro_searches.first(),
            "total": topic.matches.count(),
            "over_time": sentiment_over_time(topic.pk, TOPIC_CHART_DAYS),
        },
    )


@perm_required("monitoring.view_topic")
def retro_progress(request: HttpRequest, search_id: int) -> HttpResponse:
    search = get_object_or_404(RetroSearch, pk=search_id)
    return render(request, "monitoring/_retro.html", {"retro": search})


#: The query language's guide, shipped in the repository beside the code. A translation sits
#: beside it as ``query-language.<locale>.md`` (``query-language.zh_Hans.md``) and holds only
#: the users' part.
QUERY_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "query-language.md"


def _query_guide(language: str) -> tuple[str, bool]:
    """The guide's Markdown in ``language`` when translated, else in English; and whether it
    is the translation."""
    if language and language != "en":
        translated = QUERY_GUIDE.with_suffix(f".{to_locale(language)}.md")
        try:
            return translated.read_text(encoding="utf-8"), True
        except OSError:
            pass
    try:
        text = QUERY_GUIDE.read_text(encoding="utf-8")
    except OSError:
        raise Http404(_("The query guide is not installed.")) from None
    # Users need the syntax; the sections from "Using it from Python" on are for developers.
    return text.split("\n## Using it from Python", 1)[0], False


@perm_required("monitoring.view_topic")
def query_help(request: HttpRequest) -> HttpResponse:
    """The query language's guide inside Vigil, so the link works on an offline install."""
    language = get_language() or "en"
    text, translated = _query_guide(language)
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    guide = mark_safe(html)  # noqa: S308 - our own document
    # Readers of another language are told the guide is English only when it is.
    in_english = language != "en" and not translated
    return render(request, "monitoring/query_help.html", {"guide": guide, "in_english": in_english})


@perm_required("monitoring.view_topic")
@require_POST
def query_check(request: HttpRequest) -> HttpResponse:
    """htmx: validate the query (and exclusion) as the user types."""
    field = request.POST.get("field", "query")
    text = request.POST.get(field, "")
    result = check_query(text) if text.strip() else None
    # The caret stands under the column by a hidden copy of the text before it, so that wide
    # characters (起火 takes two cells in a monospace font) move it as far as they move the text;
    # padding with one space per character put it two cells short under 起火 AND (爆炸.
    before = text[: result.column - 1] if result and not result.ok and result.column else ""
    return render(
        request, "monitoring/_check.html", {"result": result, "text": text, "before": before}
    )


@perm_required("monitoring.view_topic")
@require_POST
def query_preview(request: HttpRequest) -> HttpResponse:
    """htmx: count and highlighted examples over the last 7 days, before saving."""
    preview = preview_topic(
        request.POST.get("query", ""),
        request.POST.get("exclude_query", ""),
        request.POST.getlist("channels"),
        request.POST.getlist("languages"),
    )
    rows = [highlighted(mention, result.spans, limit=240) for mention, result in preview.examples]
    return render(request, "monitoring/_preview.html", {"preview": preview, "rows": rows})
