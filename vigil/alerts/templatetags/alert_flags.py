"""The 警 flag beside a mention: "flagged" (with its alert) while its flag alert is open, the
button for those who may flag (with a level and a note on the mention's own page), and nothing for readers (a Viewer's click answered 403)."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.alerts.forms import FlagForm
from vigil.alerts.services.firing import can_flag, flag_topics, open_flag
from vigil.alerts.services.routing import where_flags_go

register = template.Library()


@register.inclusion_tag("alerts/_flag_control.html", takes_context=True)
def flag_control(context: template.Context, mention: Any, full: bool = False) -> dict[str, Any]:
    """``full``: the mention's own page offers a level and a note; lists flag in one click."""
    user = context["request"].user
    can = can_flag(user)
    return {
        "mention": mention,
        "full": full,
        "form": FlagForm(topics=flag_topics(mention)) if can and full else None,
        # Only the full form says it: lists flag in one click and would ask it per row.
        "where": where_flags_go() if can and full else "",
        "alert": open_flag(mention.pk),
        "can_flag": can,
        "perms": context.get("perms"),
        "csrf_token": context.get("csrf_token"),
    }
