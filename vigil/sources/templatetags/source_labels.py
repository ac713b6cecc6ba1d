"""Filters that say a source's stored codes (kind, health) in the reader's language."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

from vigil.sources import forms
from vigil.sources.models import Channel, Source
from vigil.sources.services import PAUSED_AFTER_FAILURES, PAUSED_BY_A_USER

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    return forms.kind_label(kind)


@register.filter
def channel_label(code: str) -> str:
    return str(dict(Channel.choices).get(code, code))


@register.filter
def health_label(source: Source) -> str:
    """The health badge's words; a push source that has received nothing is waiting, not
    "not run yet", since it never runs."""
    health = source.health
    if health == "ok":
        return _("healthy")
    if health == "failing":
        return _("failing (%(n)s×)") % {"n": source.consecutive_failures}
    if health == "paused":
        return _("paused")
    if not forms.is_pulled(source.kind):
        return _("no items yet")
    return _("not run yet")


_AFTER_FAILURES = re.compile(
    "^"
    + re.escape(PAUSED_AFTER_FAILURES).replace(r"\{n\}", r"(\d+)").replace(r"\{error\}", "(.*)")
    + "$",
    re.DOTALL,
)


@register.filter
def paused_reason_label(reason: str) -> str:
    """Why a source is paused, in the reader's language (the reasons Vigil itself writes
    are stored in English; one a user typed is shown as typed)."""
    if reason == PAUSED_BY_A_USER:
        return _("paused by a user")
    found = _AFTER_FAILURES.match(reason)
    if found:
        return _("paused after %(n)s failures in a row: %(error)s") % {
            "n": found[1],
            "error": found[2],
        }
    return reason
