"""Messages still waiting (quiet hours, a weekend, a digest, a growth notice paced): re-timed
when the rule's holds change, and growth notices merged so that one message per receiver goes.

A waiting message is a ``pending`` outbox row nobody has tried yet and no worker holds.
Every change here is a conditional ``UPDATE`` on exactly that state, as the outbox claims
rows: a row a worker claimed meanwhile (its lease live) is left to that worker, and is
sent as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vigil.alerts.conditions import Routing, routing_of
from vigil.alerts.models import AlertRule, Delivery
from vigil.alerts.services.pacing import PACED, is_paced, last_told, paced_until
from vigil.alerts.services.routing import schedule
from vigil.pipeline.runner import enqueue

__all__ = ["HOLD_KEYS", "merge_waiting_news", "rehold_pending"]

#: Routing keys whose change re-times the rule's waiting messages.
HOLD_KEYS = ("quiet_start", "quiet_end", "mute_weekends", "timezone", "digest")


def _waiting(now: dt.datetime) -> Q:
    """Rows still waiting to go: pending, never tried, and no worker's lease on them."""
    return Q(status=Delivery.Status.PENDING, attempts=0) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _when(routing: Routing, delivery: Delivery, now: dt.datetime) -> tuple[dt.datetime, str, bool]:
    """When a waiting row goes under the rule's routing now, why, and whether in a digest:
    as ``queue_deliveries`` would queue it at ``now``, a growth notice still paced after the
    messages queued before it (lifting quiet hours must not send it minutes after the last)."""
    level = delivery.alert.level if delivery.alert else "IV"
    paced_from = None
    if delivery.alert_id and is_paced(delivery.reason):
        told = last_told(delivery.alert_id, now, before=delivery.pk)
        paced_from = paced_until(told, (delivery.channel_id, delivery.recipient_key))
    when, reason, batched = schedule(routing, level, delivery.reason, now, paced_from=paced_from)
    # A message that goes now keeps its reason: it says how long it was held.
    return when, reason or delivery.held_reason, batched


def rehold_pending(rule: AlertRule, now: dt.datetime | None = None) -> int:
    """Re-time the rule's messages still held for quiet hours, a weekend or a digest, or
    paced, by its routing now; returns how many may go now.

    A trial shortened quiet hours and its team heard "grown fourfold" at once while the
    alert itself waited for the old end; another switched off a daily digest and its weekend
    hold, and the alert's own message stayed at Monday 09:00 while its growth went out on
    Saturday. Growth notices are then merged into the message announcing the alert.
    """
    now = now or timezone.now()
    routing = routing_of(rule.routing)
    held = (
        Delivery.objects.filter(_waiting(now), alert__rule=rule)
        .filter(held_reason__in=("quiet_hours", "weekend", "digest", PACED))
        .exclude(channel__kind="in_app")  # the bell is paced, never held: nothing to re-time
        .select_related("alert")
        .order_by("id")  # a growth notice is paced after the rows before it, re-timed first
    )
    due, alerts = 0, set()
    for delivery in held:
        when, why, batched = _when(routing, delivery, now)
        moved = Delivery.objects.filter(_waiting(now), pk=delivery.pk).update(
            next_attempt_at=when, held_reason=why, digest=batched
        )
        due += bool(moved and when <= now)
        alerts.add(delivery.alert_id)
    for alert_id in alerts:
        merge_waiting_news(alert_id, now)
    if due:
        enqueue("alerts.deliver")
    return due


def merge_waiting_news(alert_id: int, now: dt.datetime | None = None) -> int:
    """One waiting message per channel and receiver where growth notices wait beside others.

    Held messages are written when they go, with the alert's figures of that moment, so
    three held messages released together said the same thing three times (a zh trial's
    group mailbox got the alert and two "grown fourfold" at 08:00:04, all reading 116
    mentions). The message announcing the alert (the oldest waiting that is not a growth
    notice), else the newest growth notice, goes; the other growth notices are marked
    ``merged`` into it, kept in the log. It goes at the earliest of their times, so a growth
    is never heard of before the alert itself, nor later than it would have been. As held
    escalation steps do not pile up (the climb waits for the hold to end), nor do these.
    Returns how many rows were merged.
    """
    now = now or timezone.now()
    # The bell's rows too: never held for quiet hours, its growth notices are paced.
    rows = Delivery.objects.filter(_waiting(now), alert_id=alert_id).order_by("id")
    targets: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    for row in rows:
        targets[(row.channel_id, row.recipient_key)].append(row)
    merged = 0
    for waiting in targets.values():
        growths = [r for r in waiting if r.reason.startswith("grew:")]
        others = [r for r in waiting if not r.reason.startswith("grew:")]
        survivor = others[0] if others else growths[-1] if growths else None
        gone = [r for r in growths if r is not survivor]
        if survivor is None or not gone:
            continue
        due = min(r.next_attempt_at for r in [survivor, *gone])
        with transaction.atomic():
            if not Delivery.objects.filter(_waiting(now), pk=survivor.pk).update(
                next_attempt_at=due
            ):
                continue  # a worker is sending it: the growth notices go on their own
            merged += Delivery.objects.filter(_waiting(now), pk__in=[r.pk for r in gone]).update(
                status=Delivery.Status.MERGED, merged_into=survivor.pk
            )
    return merged
