"""Which alerts a list shows: the inbox and the API filter the same way."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from vigil.accounts.models import AuditEntry
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
    changed_since: dt.datetime | None = None,
) -> QuerySet[Alert]:
    """``state`` "open" is new or acknowledged, "overdue" new past its target, "" or "all" any; ``assigned`` "me" is the
    reader's own alerts (a responder's work list), "none" those nobody has taken;
    ``changed_since``: alerts that fired, gained mentions or were acted on since then (every
    action on an alert is in the audit log), for a system that keeps a copy in step."""
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
    if changed_since is not None:
        if timezone.is_naive(changed_since):
            changed_since = timezone.make_aware(changed_since, dt.UTC)
        acted_on = (
            AuditEntry.objects.filter(object_type="alerts.alert", at__gte=changed_since)
            .annotate(alert_pk=Cast("object_id", BigIntegerField()))
            .values("alert_pk")
        )
        alerts = alerts.filter(
            Q(created_at__gte=changed_since) | Q(last_seen__gte=changed_since) | Q(pk__in=acted_on)
        )
    return alerts
