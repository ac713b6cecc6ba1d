"""Filters that say stored alert codes in the reader's language (see ``alerts.timeline``)."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.alerts import timeline

register = template.Library()


@register.filter
def delivery_reason(reason: str) -> str:
    return timeline.delivery_reason(reason)


@register.filter
def why_sent(delivery: Any) -> str:
    """Why a logged message was sent, a keyword alert's growth said by its mentions."""
    alert = delivery.alert
    if alert is None:
        return timeline.delivery_reason(delivery.reason)
    return timeline.delivery_reason(
        delivery.reason, by_count=alert.grows_by_count, origin=alert.origin
    )


@register.filter
def held_reason(code: str) -> str:
    return timeline.held_reason(code)


@register.filter
def held_note(delivery: Any) -> str:
    """ "(held for quiet hours until 2026-11-27 18:30)", with the language's own brackets
    and separators (a trial's Chinese timeline mixed in half-width ones)."""
    return timeline.held_note(delivery)


@register.filter
def tries_note(delivery: Any) -> str:
    """ "(gave up after 6 attempts)", "(attempt 2 failed; next try …)"; empty otherwise."""
    return timeline.tries_note(delivery)
