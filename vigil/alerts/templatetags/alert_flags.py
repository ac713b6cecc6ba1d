"""The 警 flag beside a mention: "flagged" (with its alert) while its flag alert is open, the
button for those who may flag, and nothing for readers (a Viewer's click answered 403)."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.alerts.services.firing import can_flag, open_flag

register = template.Library()


@register.inclusion_tag("alerts/_flag_control.html", takes_context=True)
def flag_control(context: template.Context, mention: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "mention": mention,
        "alert": open_flag(mention.pk),
        "can_flag": can_flag(user),
        "perms": context.get("perms"),
        "csrf_token": context.get("csrf_token"),
    }
