"""Which alerts a list shows: the inbox and the API filter the same way."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from vigil.alerts.models import Alert

#: "assigned" filter values: to the reader, to nobody ("" is anyone).
ASSIGNED_CHOICES = ("me", "none")


#: The ``state`` filters beside the alert states themselves.
STATE_GROUPS = ("open", "overdue")


def filter_alerts(
    alerts: QuerySet[Alert],
    *,
    state: str = "",
    level: str = "",
    topic_id: int | None = None,
    rule_id: int | None = None,
    assigned: str = "",
    reader: User | None = None,
) -> QuerySet[Alert]:
    """``state`` "open" is new or acknowledged, "overdue" new past its target, "" or "all" any; ``assigned`` "me" is the
    reader's own alerts (a responder's work list), "none" those nobody has taken."""
    if state == "open":
        alerts = alerts.filter(state__in=[Alert.State.NEW, Alert.State.ACKNOWLEDGED])
    elif state == "overdue":  # still new past its response target: the dashboard's count
        alerts = alerts.filter(state=Alert.State.NEW, respond_by__lte=timezone.now())
    elif state and state != "all":
        alerts = alerts.filter(state=state)
    if level:
        alerts = alerts.filter(level=level)
    if topic_id:
        alerts = alerts.filter(topic_id=topic_id)
    if rule_id:
        alerts = alerts.filter(rule_id=rule_id)
    if assigned == "me" and reader is not None:
        alerts = alerts.filter(assigned_to=reader)
    elif assigned == "none":
        alerts = alerts.filter(assigned_to__isnull=True)
    return alerts
