"""One action on many alerts at once: after a noisy hour, a team acknowledges or dismisses
the page it has read instead of clicking each row.

Each alert goes through the same service as its own button (its own transaction and audit
entry, escalation stopped, a spike rule's quiet period ended on a false alarm); an alert
whose state does not allow the action is skipped and said why, the rest still go through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vigil.alerts.models import Alert
from vigil.alerts.services.firing import AlertError
from vigil.alerts.services.lifecycle import acknowledge_alert, close_alert

__all__ = ["BULK_ACTIONS", "MAX_BULK", "BulkOutcome", "Skipped", "act_on_alerts"]

BULK_ACTIONS = ("ack", "handle", "false_alarm")
MAX_BULK = 200  # four inbox pages; more is a query, not a selection


@dataclass(frozen=True)
class Skipped:
    alert_id: int
    title: str  # empty for an id that names no alert
    reason: str  # readable, in the active language


@dataclass
class BulkOutcome:
    done: list[Alert] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def act_on_alerts(alert_ids: list[int], action: str, *, actor: User) -> BulkOutcome:
    """Acknowledge, handle or dismiss each alert of ``alert_ids`` (oldest first)."""
    if action not in BULK_ACTIONS:
        raise AlertError(_("Unknown action."), field="action")
    if len(alert_ids) > MAX_BULK:
        raise AlertError(_("at most %(n)d alerts at once") % {"n": MAX_BULK}, field="ids")
    outcome = BulkOutcome()
    found = {a.pk: a for a in Alert.objects.filter(pk__in=alert_ids)}
    for alert_id in sorted(set(alert_ids)):  # an id given twice is acted on once
        alert = found.get(alert_id)
        if alert is None:
            outcome.skipped.append(Skipped(alert_id, "", _("no such alert")))
            continue
        try:
            if action == "ack":
                done = acknowledge_alert(alert, actor=actor)
            else:
                done = close_alert(alert, actor=actor, false_alarm=action == "false_alarm")
        except AlertError as exc:
            outcome.skipped.append(Skipped(alert_id, alert.display_title, str(exc)))
        else:
            outcome.done.append(done)
    return outcome
