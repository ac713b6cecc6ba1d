"""Navigation for the base template: the product's areas, in the order of the work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission needed to see it). An area whose screens are not built
# yet has no URL name and is shown greyed out, so users see where the product goes.
NAV_AREAS: list[tuple[str | None, Any, str | None]] = [
    ("dashboard", _("Dashboard"), None),
    ("mentions:list", _("Mentions"), "mentions.view_mention"),
    ("topics:list", _("Topics"), "monitoring.view_topic"),
    ("analysis:overview", _("Analysis"), "analysis.view_story"),
    ("sources:list", _("Sources"), "sources.view_source"),
    ("alerts:list", _("Alerts"), "alerts.view_alert"),
    ("incidents:list", _("Incidents"), "incidents.view_incident"),
    ("statements:list", _("Statements"), "statements.view_statement"),
    ("reports:list", _("Reports"), "reports.view_report"),
    ("team:home", _("Team"), "team.view_dutyshift"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    current = request.resolver_match.view_name if request.resolver_match else ""
    for url_name, label, perm in NAV_AREAS:
        try:
            url = reverse(url_name) if url_name else None
        except NoReverseMatch:
            url = None
        if url is not None and perm and not user.has_perm(perm):
            continue
        prefix = (url_name or "").split(":")[0]
        items.append(
            {
                "label": label,
                "url": url,
                "active": bool(url_name)
                and (current == url_name or current.startswith(prefix + ":")),
            }
        )
    admin_items = []
    if user.has_perm("accounts.view_auditentry"):
        admin_items.append({"label": _("Audit log"), "url": reverse("accounts:audit")})
    if user.is_staff:
        admin_items.append({"label": _("Admin site"), "url": reverse("admin:index")})
    return {"nav_items": items, "nav_admin": admin_items}
