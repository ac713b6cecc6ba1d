"""Filters that say a source's stored codes (kind, health) in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from vigil.sources import forms
from vigil.sources.models import Channel, Source

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
