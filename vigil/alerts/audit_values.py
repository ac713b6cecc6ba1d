"""How the audit log says recorded alert, rule and channel values in the reader's language
(registered with ``vigil.accounts.audit`` by ``AlertsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from vigil.alerts.models import Alert
from vigil.alerts.models.channels import kind_label
from vigil.alerts.services.routing import routing_in_words


def alert_title(value: Any, alert: Alert | None) -> str | None:
    """A title Vigil wrote, recorded in the installation's language, said in the reader's
    while it is still the alert's own (a zh trial read English titles among Chinese)."""
    return alert.display_title if alert is not None and value == alert.title else None


def alert_summary(value: Any, alert: Alert | None) -> str | None:
    """Vigil's explanation, as its title; an earlier summary stays as recorded."""
    if alert is not None and value == alert.summary and alert.summary_code:
        return alert.display_summary
    return None


def channel_kind(value: Any, _channel: Any) -> str | None:
    return kind_label(value) if isinstance(value, str) else None


def rule_routing(value: Any, _rule: Any) -> str | None:
    return routing_in_words(value)


SAYERS = {
    ("alerts.alert", "title"): alert_title,
    ("alerts.alert", "summary"): alert_summary,
    ("alerts.channel", "kind"): channel_kind,
    ("alerts.alertrule", "routing"): rule_routing,
}
