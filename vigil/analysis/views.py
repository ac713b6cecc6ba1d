"""Analysis screens: overview (agreement, sentiment by topic, hot words), stories and
their propagation paths, and analysts' corrections of a mention (htmx)."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.analysis.corrections import CorrectionError, agreement, correct_mention
from vigil.analysis.figures import sentiment_by_topic, sentiment_over_time, with_last_hour
from vigil.analysis.keywords import hot_words
from vigil.analysis.models import Story
from vigil.analysis.services import EMOTIONS, SENTIMENTS, story_propagation
from vigil.mentions.models import Mention
from vigil.monitoring.models import Topic
from vigil.web.decorators import perm_required

PERIODS = {"1d": 1, "7d": 7, "30d": 30}


@perm_required("analysis.view_story")
def overview(request: HttpRequest) -> HttpResponse:
    days = PERIODS.get(request.GET.get("period", "7d"), 7)
    since = timezone.now() - dt.timedelta(days=days)
    topics = list(Topic.objects.filter(is_active=True).select_related("plan"))
    topic_id = request.GET.get("topic")
    # Without a choice, the hot words are the brand's: the first thing a PR team asks about.
    default = next((t for t in topics if t.kind == "brand"), topics[0] if topics else None)
    topic = next((t for t in topics if str(t.pk) == topic_id), default)
    rows = []
    by_topic = sentiment_by_topic([t.pk for t in topics], since)
    for t in topics:
        counts = by_topic[t.pk]
        total = sum(counts.values())
        rows.append(
            {
                "topic": t,
                "counts": counts,
                "total": total,
                "negative_share": counts["negative"] / total if total else None,
            }
        )
    words, over_time = [], None
    if topic is not None:
        over_time = sentiment_over_time(topic.pk, days)
        texts = list(
            Mention.objects.filter(matches__topic=topic, published_at__gte=since)
            .exclude(relevance="noise")
            .values_list("title", "text")[:2000]
        )
        words = hot_words([f"{a} {b}" for a, b in texts], top_k=25)
    total, agreed, share = agreement("sentiment")
    stories = Story.objects.filter(last_seen__gte=since, size__gte=2)
    return render(
        request,
        "analysis/overview.html",
        {
            "rows": rows,
            "topic": topic,
            "topics": topics,
            "words": words,
            "over_time": over_time,
            "period": request.GET.get("period", "7d"),
            "periods": PERIODS,
            "agreement": {"total": total, "agreed": agreed, "share": share},
            # Stories as the dashboard and the story list count them: two mentions or more.
            "stories": with_last_hour(stories).order_by("-impact")[:10],
            "story_count": stories.count(),
        },
    )


@perm_required("analysis.view_story")
def story_list(request: HttpRequest) -> HttpResponse:
    stories = with_last_hour(Story.objects.filter(size__gte=2)).order_by("-last_seen")[:200]
    return render(request, "analysis/stories.html", {"stories": stories})


@perm_required("analysis.view_story")
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(with_last_hour(Story.objects.all()), pk=story_id)
    propagation = story_propagation(story)
    return render(
        request,
        "analysis/story_detail.html",
        {**propagation, "story": story, "graph": json.dumps(propagation["graph"])},
    )


@perm_required("mentions.change_mention")
@require_POST
def correct(request: HttpRequest, mention_id: int) -> HttpResponse:
    """htmx: an analyst corrects sentiment, emotion or relevance; the panel re-renders."""
    mention = get_object_or_404(Mention, pk=mention_id)
    error = ""
    try:
        correct_mention(
            mention,
            request.POST.get("field", ""),
            request.POST.get("value", ""),
            actor=request.user,
        )
    except CorrectionError as exc:
        error = str(exc)
    mention.refresh_from_db()
    return render(
        request,
        "analysis/_analysis_panel.html",
        {
            "m": mention,
            "error": error,
            "sentiments": SENTIMENTS,
            "emotions": EMOTIONS,
            "matches": mention.matches.select_related("topic"),
        },
    )
