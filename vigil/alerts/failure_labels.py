"""Say a stored delivery failure (code and parameters, ``vigil.alerts.failures``) in the
reader's language. The network kinds a fetch has too are said as a source's are
(``vigil.sources.failure_labels``), with the receiver in place of the site; without a code
(an uncommon failure, or a row stored before codes existed) the raw text is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.alerts.failures import POSTPONED
from vigil.sources.failure_labels import failure_label

__all__ = [
    "POSTPONED_RAW",
    "channel_failing_text",
    "channel_recovered_text",
    "delivery_error_label",
]

_SAID = {
    "channel_paused": gettext_lazy("the channel is paused"),
    "no_address": gettext_lazy("the recipient has no e-mail address (add one on their profile)"),
    "no_recipient": gettext_lazy("an in-app notice needs a recipient"),
    "bad_config": gettext_lazy("the channel's configuration is not valid; edit the channel"),
    "unknown_kind": gettext_lazy("this Vigil has no channel kind “%(kind)s”"),
    "apprise_refused": gettext_lazy("Apprise does not understand the address %(url)s"),
    "apprise_failed": gettext_lazy("%(host)s did not take the notification"),
    "blocked": gettext_lazy(
        "%(host)s is a private or internal address; Vigil sends there only when "
        "VIGIL_ALLOW_PRIVATE_FETCH=1"
    ),
}
#: The raw text of a postponed notice, around its cause's raw text (written by the outbox).
POSTPONED_RAW = ("not tried: the channel had just failed (", ")")


def delivery_error_label(code: str, params: Mapping[str, Any] | None, raw: str) -> str:
    """The failure in the reader's language; the raw text when the code is unknown."""
    values: dict[str, Any] = dict(params or {})
    if code == POSTPONED:
        head, tail = POSTPONED_RAW
        cause_raw = raw.removeprefix(head).removesuffix(tail)
        cause = delivery_error_label(
            str(values.get("cause") or ""), values.get("cause_params"), cause_raw
        )
        return _("not tried: the channel had just failed (%(error)s)") % {"error": cause}
    values["host"] = values.get("host") or _("the receiver")
    if code in _SAID:
        try:
            return str(_SAID[code]) % values
        except (KeyError, TypeError, ValueError):
            return raw
    return failure_label(code, values, raw)


def channel_failing_text(params: Mapping[str, Any]) -> str:
    """The administrators' notice of a failing channel (``channel.failing``), from the
    parameters stored with it."""
    error = delivery_error_label(
        str(params.get("error_code") or ""), params.get("error_params"), str(params.get("error"))
    )
    return _("Channel “{name}” failed {count} times in a row: {error}").format(
        name=params.get("name", ""), count=params.get("count", ""), error=error
    )


def channel_recovered_text(params: Mapping[str, Any]) -> str:
    """The administrators' notice that a channel flagged as failing works again
    (``channel.recovered``), from the parameters stored with it."""
    return _("Channel “{name}” works again").format(name=params.get("name", ""))
