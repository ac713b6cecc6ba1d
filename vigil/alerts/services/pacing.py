"""Spacing out growth notices: a receiver hears "grown fourfold" at most once per
``GROWTH_PACING`` after any earlier message about the same alert.

A burst of mentions can pass four times the told count several times in a minute (an
operations trial: 1,000 pushed items gave "fired" at 10 mentions, then growth notices at 50,
250 and 1,050, four messages per channel within 55 s; ten simultaneous pushes gave "fired"
and "grown fourfold" 0.4 s apart). A growth notice due sooner than the interval after the
receiver's previous message about the alert waits (held reason ``paced``); waiting growth
notices are merged into one (``held.merge_waiting_news``), which is written when it goes,
with the alert's figures of that moment. Only growth notices are paced: an alert's first
message, an escalation, a level raise or an assignment asks people to act, and goes at once.
"""

from __future__ import annotations

import datetime as dt

from vigil.alerts.models import Delivery

__all__ = ["GROWTH_PACING", "PACED", "is_paced", "last_told"]

#: The shortest gap between a growth notice and the message before it to the same receiver.
#: A burst (a repost wave, a batch import) runs its course within minutes, and 15 minutes is
#: the spike detector's own short window: one notice then says where the burst got to. It is
#: an eighth of level I's two-hour response target, so nobody learns of a growth too late.
GROWTH_PACING = dt.timedelta(minutes=15)

#: ``Delivery.held_reason`` of a growth notice waiting out the interval.
PACED = "paced"

#: Messages that reached, or are on their way to, their receiver.
_TOLD = (Delivery.Status.SENT, Delivery.Status.PENDING)

Receiver = tuple[int, str]  # (channel id, recipient key)


def is_paced(reason: str) -> bool:
    """Whether a message of this reason waits out ``GROWTH_PACING``: growth notices only."""
    return reason.startswith("grew:")


def last_told(
    alert_id: int, now: dt.datetime, *, before: int | None = None
) -> dict[Receiver, dt.datetime]:
    """When each receiver last heard, or is due to hear, of the alert, keyed by channel and
    recipient key; only rows older than ``before`` when given (re-timing a waiting row).

    A sent message counts from when it went; a pending one from when it is due, or now if
    that has passed (a worker is sending it, or is about to). One query per alert."""
    rows = Delivery.objects.filter(alert_id=alert_id, status__in=_TOLD)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    told: dict[Receiver, dt.datetime] = {}
    for channel_id, key, sent_at, due in rows.values_list(
        "channel_id", "recipient_key", "sent_at", "next_attempt_at"
    ):
        at = sent_at or max(due, now)
        receiver = (channel_id, key)
        told[receiver] = max(told.get(receiver, at), at)
    return told


def paced_until(told: dict[Receiver, dt.datetime], receiver: Receiver) -> dt.datetime | None:
    """The earliest a growth notice may reach ``receiver``; None when nothing was told yet."""
    previous = told.get(receiver)
    return previous + GROWTH_PACING if previous is not None else None
