"""Which alerts a list shows: the inbox and the API filter the same way."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import BigIntegerField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Alert, AlertMention

#: "assigned" filter values: to the reader, to nobody ("" is anyone).
ASSIGNED_CHOICES = ("me", "none")

#: "reported_by" filter values: the warnings the reader reported by hand or flagged.
REPORTED_CHOICES = ("me",)


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
    reported_by: str = "",
    reader: User | None = None,
    changed_since: dt.datetime | None = None,
) -> QuerySet[Alert]:
    """``state`` "open" is new or acknowledged, "overdue" new past its target, "" or "all" any; ``assigned`` "me" is the
    reader's own alerts (a responder's work list), "none" those nobody has taken;
    ``reported_by`` "me": the warnings the reader raised by hand (a liaison following hers);
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
    if reported_by == "me" and reader is not None:
        alerts = alerts.filter(reported_by=reader)
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


def related_alerts(alert: Alert, limit: int = 10) -> list[Alert]:
    """Other alerts about the same event, most recently active first: those whose posts are
    mostly of the story this alert's posts mostly are. Rules of several kinds warn of one
    event each in its own way (a zh trial's kettle scald stood in the inbox as four alerts
    with nothing to say they were one event). By the main story, not by any shared post: a
    brand's volume alert holds every post of its hour and would relate everything."""
    story = alert.story_id or _main_stories([alert.pk]).get(alert.pk)
    if story is None:
        return []
    in_story = AlertMention.objects.filter(mention__story_id=story).values("alert_id")
    candidates = list(
        Alert.objects.filter(Q(story_id=story) | Q(pk__in=in_story))
        .exclude(pk=alert.pk)
        .select_related("rule")
        .order_by("-last_seen", "-id")[: limit * 3]
    )
    main = _main_stories([c.pk for c in candidates if c.story_id is None])
    same = [c for c in candidates if (c.story_id or main.get(c.pk)) == story]
    return same[:limit]


def _main_stories(alert_ids: list[int]) -> dict[int, int]:
    """Alert id → the story most of its posts belong to (posts without a story aside)."""
    counted = (
        AlertMention.objects.filter(alert_id__in=alert_ids, mention__story_id__isnull=False)
        .values("alert_id", "mention__story_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    best: dict[int, tuple[int, int]] = {}
    for row in counted:
        key, story, n = row["alert_id"], row["mention__story_id"], row["n"]
        if key not in best or (n, -story) > (best[key][1], -best[key][0]):
            best[key] = (story, n)
    return {key: story for key, (story, _n) in best.items()}
