"""The home dashboard (thin: figures come from ``vigil.web.services``)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from vigil.analysis.figures import with_last_hour
from vigil.analysis.models import Story
from vigil.demo.services import demo_is_loaded, replay_progress
from vigil.mentions.models import Mention
from vigil.sources.models import Channel
from vigil.web.services import BackgroundStall, background_stall, dashboard_figures, hourly_volume

#: Who is told on the dashboard that background work stopped: administrators, who run the
#: installation (the audit log's permission, as the navigation uses it).
SEES_BACKGROUND_WORK = "accounts.view_auditentry"


class SignInView(LoginView):
    """Django's sign-in, which also tells a first visitor of the demo who to sign in as."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "demo_loaded": demo_is_loaded()}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/dashboard.html",
        {
            "figures": dashboard_figures(),
            "recent": _recent(),
            "channel_labels": dict(Channel.choices),
            "demo": replay_progress(),
            "stall": _stall(request),
            "stories": with_last_hour(
                Story.objects.filter(
                    last_seen__gte=timezone.now() - dt.timedelta(hours=48), size__gte=2
                )
            ).order_by("-impact")[:6],
        },
    )


@login_required
def recent_mentions(request: HttpRequest) -> HttpResponse:
    """The htmx-polled list of the latest mentions."""
    return render(
        request,
        "web/_recent_mentions.html",
        # The demo's scenario clock rides along, swapped out of band into the guide.
        {
            "recent": _recent(),
            "figures": dashboard_figures(),
            "demo": replay_progress(),
            "stall": _stall(request),
            "oob": True,
        },
    )


@login_required
def volume_series(request: HttpRequest) -> JsonResponse:
    data = hourly_volume()
    labels = dict(Channel.choices)
    series = cast(dict[str, list[int]], data["series"])
    data["labels"] = {key: str(labels.get(key, key)) for key in series}
    return JsonResponse(data)


def _stall(request: HttpRequest) -> BackgroundStall | None:
    """For administrators, whether background work has stopped (the live dot turns red)."""
    return background_stall() if request.user.has_perm(SEES_BACKGROUND_WORK) else None


def _recent() -> list[Mention]:
    if not Mention.objects.exists():
        return []
    return list(Mention.objects.select_related("source").order_by("-published_at", "-id")[:15])
