"""Filters that say stored alert codes in the reader's language (see ``alerts.timeline``)."""

from __future__ import annotations

from django import template

from vigil.alerts import timeline

register = template.Library()


@register.filter
def delivery_reason(reason: str) -> str:
    return timeline.delivery_reason(reason)


@register.filter
def held_reason(code: str) -> str:
    return timeline.held_reason(code)
