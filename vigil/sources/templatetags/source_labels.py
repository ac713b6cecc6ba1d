"""Filters that say a source's stored codes (kind, health, last error) in the reader's
language."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

from vigil.sources import forms
from vigil.sources.failure_labels import failure_label
from vigil.sources.models import Channel, FetchRun, Source
from vigil.sources.services import PAUSED_AFTER_FAILURES, PAUSED_BY_A_USER, FetchPreview

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
def last_error_label(source: Source) -> str:
    """The source's last error in the reader's language (the raw text when it has no code)."""
    return failure_label(source.last_error_code, source.last_error_params, source.last_error)


@register.filter
def error_label(run: FetchRun | FetchPreview) -> str:
    """A fetch run's (or a test fetch's) error in the reader's language (the raw text when
    it has no code)."""
    return failure_label(run.error_code, run.error_params, run.error)


@register.filter
def paused_reason_label(reason: str | Source) -> str:
    """Why a source is paused, in the reader's language (the reasons Vigil itself writes
    are stored in English; one a user typed is shown as typed). Given the source, the
    failure that paused it (its last error, as no fetch ran since) is said too."""
    source = reason if isinstance(reason, Source) else None
    text = source.paused_reason if source is not None else str(reason)
    if text == PAUSED_BY_A_USER:
        return _("paused by a user")
    found = _AFTER_FAILURES.match(text)
    if found:
        error = found[2]
        if source is not None and source.last_error_code:
            error = last_error_label(source)
        return _("paused after %(n)s failures in a row: %(error)s") % {
            "n": found[1],
            "error": error,
        }
    return text
