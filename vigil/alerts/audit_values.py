"""How the audit log says recorded alert, rule and channel values in the reader's language
(registered with ``vigil.accounts.audit`` by ``AlertsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigil.alerts.models import Alert, Channel
from vigil.alerts.models.channels import kind_label
from vigil.alerts.services.routing import routing_in_words
from vigil.alerts.texts import list_separator, say_summary
from vigil.alerts.transports import build_transport
from vigil.analysis.labels import tier_label


def alert_title(value: Any, alert: Alert | None) -> str | None:
    """A title Vigil wrote, recorded in the installation's language, said in the reader's
    while it is still the alert's own (a zh trial read English titles among Chinese)."""
    return alert.display_title if alert is not None and value == alert.title else None


def alert_summary(value: Any, alert: Alert | None) -> str | None:
    """Vigil's explanation in the reader's language: recorded with its code and figures
    (a growth), or the alert's current one; an older recorded text stays as recorded."""
    if isinstance(value, dict):
        text = str(value.get("text") or "")
        return say_summary(str(value.get("code") or ""), value.get("params"), text) or None
    if alert is not None and value == alert.summary and alert.summary_code:
        return alert.display_summary
    return None


def channel_kind(value: Any, channel: Channel | None) -> str | None:
    """The service as the channel list names it (E-mail, DingTalk), not the transport
    behind it (a zh trial read "Apprise" for a mail channel); the kind's label otherwise."""
    if not isinstance(value, str):
        return None
    service = ""
    if channel is not None and channel.kind == value:
        try:
            service = build_transport(channel.kind, channel.config).form_label()
        except Exception:  # noqa: BLE001 - a broken config is said by its kind
            service = ""
    return service or kind_label(value)


def rule_routing(value: Any, _rule: Any) -> str | None:
    return routing_in_words(value)


def _sensitivity(code: str) -> str:
    return {
        "low": pgettext("spike sensitivity", "low"),
        "medium": pgettext("spike sensitivity", "medium"),
        "high": pgettext("spike sensitivity", "high"),
    }.get(code, code)


def conditions_in_words(value: Any, _rule: Any = None) -> str | None:
    """A rule's conditions as the rule form asks for them, not JSON (a zh trial read
    ``{"query": ""}`` in the audit log). The kind shows in which keys are there."""
    if not isinstance(value, dict):
        return None
    parts: list[str] = []
    if "query" in value:
        query = str(value["query"] or "")
        parts.append(
            _("sensitive words: {query}").format(query=query)
            if query
            else _("any new mention of the topic")
        )
    if "sensitivity" in value:
        parts.append(_("sensitivity: {level}").format(level=_sensitivity(value["sensitivity"])))
    if value.get("negative_only"):
        parts.append(_("negative mentions only"))
    if "threshold_percent" in value:
        parts.append(
            _(
                "negative share above {percent} over {minutes} min, with at least {n} mentions"
            ).format(
                percent=f"{float(value['threshold_percent']):g}%",
                minutes=value.get("window_minutes", "?"),
                n=value.get("min_mentions", "?"),
            )
        )
    if value.get("min_followers"):
        parts.append(
            _("authors with at least {n} followers").format(n=f"{value['min_followers']:,}")
        )
    if value.get("sites"):
        parts.append(_("sites: {sites}").format(sites=list_separator().join(value["sites"])))
    if value.get("tiers"):
        tiers = list_separator().join(tier_label(t) for t in value["tiers"])
        parts.append(_("authority tiers: {tiers}").format(tiers=tiers))
    if "min_per_hour" in value:
        parts.append(
            _("a story growing by at least {n} mentions an hour").format(n=value["min_per_hour"])
        )
    return _("; ").join(parts) if parts else None


SAYERS = {
    ("alerts.alert", "title"): alert_title,
    ("alerts.alert", "summary"): alert_summary,
    ("alerts.channel", "kind"): channel_kind,
    ("alerts.alertrule", "routing"): rule_routing,
    ("alerts.alertrule", "conditions"): conditions_in_words,
}
