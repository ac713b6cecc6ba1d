"""Sending the outbox: claim due deliveries, send through their transport, record outcome.

Claiming leases the due rows (``status = pending`` and no live lease) in one
transaction that locks them first, so two workers never both claim a row (nor share out
a digest's rows between them), and each delivery is sent once. A worker that dies
mid-send leaves a lease that expires, and the row is retried. A pass may hold many rows behind a slow receiver, longer than one lease: before
each send it renews the lease on the rows it still holds, and it records an outcome only
where its lease (the ``claimed_until`` it wrote) still stands, so a row another worker
took over is neither sent twice nor overwritten. Sending happens outside any
transaction, each channel's notices in order and the channels side by side (``_Sender``);
failures back off exponentially, and a channel failing
``CHANNEL_FLAG_AFTER`` times in a row is flagged to administrators (``outcomes``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.alerts.failure_labels import POSTPONED_RAW
from vigil.alerts.failures import classify_delivery_failure, postponed
from vigil.alerts.models import Alert, Channel, Delivery
from vigil.alerts.services.messages import (
    absolute,
    digest_message,
    message_for,
    message_language,
)
from vigil.alerts.services.outcomes import (
    DeliverReport,
    backoff,
    record_failure,
    record_success,
)
from vigil.alerts.transports import Message, Transport, TransportError, build_transport
from vigil.alerts.transports.base import channel_timeout
from vigil.lib.logs import one_line, utc_stamp
from vigil.sources.failures import Failure

log = logging.getLogger(__name__)


def lease_length() -> dt.timedelta:
    """How long a claim holds: two sends' worth (VIGIL_CHANNEL_TIMEOUT, 20 s by default) and
    ten seconds. It is renewed before every send, so it need outlast only one; the shorter it
    is, the sooner the rows of a worker killed mid-pass go out again (50 s; it was 2 min)."""
    return dt.timedelta(seconds=2 * channel_timeout() + 10)


#: Channels sent to side by side in one pass (each channel's own sends stay in order).
SEND_THREADS = 8


def _claim_due(now: dt.datetime, limit: int = 200) -> list[int]:
    """Lease up to ``limit`` due and free rows, all in one short transaction.

    The rows are locked in a fixed order (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE
    transactions serialise instead), so passes that start together do not share out the
    rows between them: the second waits a few milliseconds, then finds them leased. Claimed
    row by row, an hourly digest of 40 alerts went out as four messages (31, 6, 2 and 1)
    when four passes ran at the boundary.
    """
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update()
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=due).update(claimed_until=now + lease_length())
    return due


def _monotonic() -> float:
    """Seconds on a clock that only moves forward (a seam for tests of slow sends)."""
    return time.monotonic()


class _Pass:
    """One pass of the outbox: the rows it claimed and the lease that proves it holds them.

    Its clock starts at the pass's ``now`` and runs with real time, because sends take time:
    a send's outcome, its retry time and the renewed leases are stamped when they happen.
    """

    def __init__(self, now: dt.datetime, ids: list[int]) -> None:
        self.started = now
        self._origin = _monotonic()
        self.lease = now + lease_length()  # the claimed_until that _claim wrote: our token
        self.held = set(ids)

    def now(self) -> dt.datetime:
        return self.started + dt.timedelta(seconds=_monotonic() - self._origin)

    def keep(self, batch: list[Delivery]) -> list[Delivery]:
        """Renew the lease on every row still held, then the rows of ``batch`` still ours.

        Thirty alerts behind a receiver that answers in five seconds outlast a two-minute
        lease; unrenewed, the rows at the end would be claimed and sent by another worker
        while this one sends them too.
        """
        lease = self.now() + lease_length()
        held = Delivery.objects.filter(
            pk__in=self.held, status=Delivery.Status.PENDING, claimed_until=self.lease
        )
        if held.update(claimed_until=lease) != len(self.held):
            self.held = set(
                Delivery.objects.filter(
                    pk__in=self.held, status=Delivery.Status.PENDING, claimed_until=lease
                ).values_list("pk", flat=True)
            )
        self.lease = lease
        return [row for row in batch if row.pk in self.held]

    def release(self, batch: list[Delivery]) -> None:
        self.held -= {row.pk for row in batch}


@dataclass(frozen=True)
class _Outage:
    """A channel that failed through its own fault (a timeout, a 5xx) in this pass."""

    error: str
    failure: Failure
    retry_at: dt.datetime


def deliver_due(now: dt.datetime | None = None, limit: int = 200) -> DeliverReport:
    """Send every delivery that is due; digests go as one message per channel and person.

    In-app notices go first: they are rows in Vigil's own database, and the bell should not
    wait behind a slow webhook.
    """
    now = now or timezone.now()
    run = _Pass(now, _claim_due(now, limit))
    rows = list(
        Delivery.objects.filter(pk__in=run.held)
        .select_related(
            "alert__rule",
            "alert__topic",
            "alert__acknowledged_by",
            "alert__closed_by",
            "alert__reported_by",
            "alert__assigned_to",
            "channel",
            "recipient",
        )
        .order_by("id")
    )
    groups: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    singles: list[list[Delivery]] = []
    for row in rows:
        if row.digest:
            groups[(row.channel_id, row.recipient_key)].append(row)
        else:
            singles.append([row])
    singles.sort(key=lambda batch: batch[0].channel.kind != "in_app")  # stable: ids otherwise
    queues: dict[int, deque[list[Delivery]]] = defaultdict(deque)
    for batch in [*singles, *groups.values()]:
        queues[batch[0].channel_id].append(batch)
    return _Sender(run, queues).send_all()


class _Sender:
    """Sends a pass's batches, each channel's in order, the channels side by side.

    One channel's sends wait for each other (its order, and one failure postpones the rest);
    different channels do not: a webhook that takes ten seconds to answer held up the e-mail
    queued behind it in the same pass (found in a trial). Only the remote sends run on
    threads; reading and writing the database (building each message, recording each
    outcome, renewing the lease) stays on the caller's thread and connection, and in-app
    notices, which are database rows, are written there first.
    """

    def __init__(self, run: _Pass, queues: dict[int, deque[list[Delivery]]]) -> None:
        self.outbox_pass = run
        self.queues = queues
        self.report = DeliverReport()
        self.down: dict[int, _Outage] = {}
        self.flying: dict[Future[None], tuple[list[Delivery], list[Delivery]]] = {}

    def send_all(self) -> DeliverReport:
        with ThreadPoolExecutor(max_workers=SEND_THREADS, thread_name_prefix="send") as pool:
            for channel_id in list(self.queues):
                self._next(channel_id, pool)
            while self.flying:
                done, _waiting = wait(self.flying, return_when=FIRST_COMPLETED)
                for future in done:
                    batch, mine = self.flying.pop(future)
                    self._settle(batch, mine, future)
                    self._next(batch[0].channel_id, pool)
        return self.report

    def _next(self, channel_id: int, pool: ThreadPoolExecutor) -> None:
        """Start the channel's next send: in this thread if it writes Vigil's database
        (then the one after it), on ``pool`` if it waits on a receiver."""
        queue = self.queues[channel_id]
        while queue:
            batch = queue.popleft()
            mine = _withdraw_closed(self.outbox_pass.keep(batch), self.outbox_pass)
            if mine and channel_id in self.down:
                self.report.postponed += _postpone(
                    mine, self.down[channel_id], self.outbox_pass.lease
                )
            elif mine:
                prepared = self._prepare(mine)
                if prepared is not None:
                    transport, message = prepared
                    if transport.remote:
                        self.flying[pool.submit(transport.send, message)] = (batch, mine)
                        return
                    self._outcome(mine, _call(transport.send, message))
            self.outbox_pass.release(batch)

    def _prepare(self, batch: list[Delivery]) -> tuple[Transport, Message] | None:
        """The transport and message for ``batch``; None (recorded) when it cannot be sent."""
        first = batch[0]
        channel = first.channel
        try:
            if not channel.is_active:
                raise TransportError("the channel is paused", permanent=True, code="channel_paused")
            transport = build_transport(channel.kind, channel.config)
            return transport, digest_message(batch) if first.digest else message_for(first)
        except Exception as exc:  # noqa: BLE001 - recorded as the send's outcome
            self._outcome(batch, exc)
            return None

    def _settle(self, batch: list[Delivery], mine: list[Delivery], future: Future[None]) -> None:
        self._outcome(mine, future.exception())
        self.outbox_pass.release(batch)

    def _outcome(self, batch: list[Delivery], error: BaseException | None) -> None:
        outage = _record_outcome(batch, error, self.report, self.outbox_pass)
        if outage is not None:
            self.down[batch[0].channel_id] = outage


def _call(send: Callable[[Message], None], message: Message) -> BaseException | None:
    try:
        send(message)
    except Exception as exc:  # noqa: BLE001 - recorded as the send's outcome
        return exc
    return None


def _postpone(rows: list[Delivery], outage: _Outage, lease: dt.datetime) -> int:
    """Leave a failing channel's other notices for its next try, without spending one of
    their attempts. Tried one by one, thirty notices behind a receiver that times out held a
    worker for five minutes each pass; four such passes took every worker, and pushed items
    waited four minutes to be processed at all."""
    code, params = postponed(outage.failure)
    moved = Delivery.objects.filter(pk__in=[d.pk for d in rows], claimed_until=lease).update(
        claimed_until=None,
        next_attempt_at=outage.retry_at,
        last_error=outage.error.join(POSTPONED_RAW)[:2000],
        last_error_code=code,
        last_error_params=params,
    )
    if moved:
        channel = rows[0].channel
        log.info(
            "%d notice(s) of channel %s (%s) wait for its next try at %s: it failed moments ago",
            moved,
            channel.pk,
            one_line(channel.name, 80),
            utc_stamp(outage.retry_at),
        )
    return moved


_CLOSED = (Alert.State.HANDLED, Alert.State.FALSE_ALARM)


def _withdraw_closed(rows: list[Delivery], run: _Pass) -> list[Delivery]:
    """The rows still to send: notices of alerts closed by now are withdrawn.

    A notice held (quiet hours, weekend, digest) or retried after its alert was closed would
    only ask people to act on something already done; the bell is left as it is. Read just
    before the send, not when the pass began: a pass behind a slow receiver lasts minutes,
    and someone may close an alert meanwhile.
    """
    outside = {row.alert_id for row in rows if row.alert_id and row.channel.kind != "in_app"}
    if not outside:
        return rows
    closed = set(
        Alert.objects.filter(pk__in=outside, state__in=_CLOSED).values_list("pk", flat=True)
    )
    stale = [row for row in rows if row.alert_id in closed and row.channel.kind != "in_app"]
    if not stale:
        return rows
    _record_withdrawn(stale, run.lease)
    run.release(stale)
    return [row for row in rows if row not in stale]


def _record_withdrawn(rows: list[Delivery], lease: dt.datetime) -> None:
    if rows:
        Delivery.objects.filter(pk__in=[d.pk for d in rows], claimed_until=lease).update(
            status=Delivery.Status.WITHDRAWN, claimed_until=None
        )


def _record_outcome(
    batch: list[Delivery], error: BaseException | None, report: DeliverReport, run: _Pass
) -> _Outage | None:
    """Record how one send went; an ``_Outage`` if the channel itself failed and may work
    later (not a permanent refusal, not one recipient without an address)."""
    channel = batch[0].channel
    if error is None:
        report.sent += record_success(batch, channel, run.now(), lease=run.lease)
        return None
    if isinstance(error, TransportError):
        text = str(error) or type(error).__name__
        failure = classify_delivery_failure(error)
        retry_at = record_failure(
            batch,
            channel,
            (text, failure),
            error.permanent,
            report,
            run.now(),
            lease=run.lease,
            channel_at_fault=not error.recipient,
        )
        if error.permanent or error.recipient:
            return None
        return _Outage(text, failure, retry_at or run.now() + backoff(1))
    # A transport bug must not stop the outbox.
    log.error("channel %s raised", channel.pk, exc_info=error)
    text = f"{type(error).__name__}: {error}"
    record_failure(batch, channel, (text, ("", {})), False, report, run.now(), lease=run.lease)
    return None


def send_test(channel: Channel, *, actor: User) -> Delivery:
    """Send a test message now and record it in the delivery log."""
    lease = timezone.now() + lease_length()
    try:
        personal = build_transport(channel.kind, channel.config).is_personal()
    except TransportError:
        personal = False
    delivery = Delivery.objects.create(
        alert=None,
        channel=channel,
        # The tester, who is also the recipient only on a personal channel: a shared one
        # (no key) went to its own address (a zh trial's log named the tester as recipient).
        recipient=actor,
        recipient_key=str(actor.pk) if personal else "",
        reason="test",
        next_attempt_at=timezone.now(),
        claimed_until=lease,
    )
    # As the channel's alerts will read: a shared channel's in its own language, not the
    # tester's (a zh trial's test read Chinese and the alerts after it English).
    language = message_language(actor if personal else None, channel.language)
    with translation.override(language):
        title = _("Vigil test message")
        body = _("This is a test of the channel “{name}”. If you can read it, it works.").format(
            name=channel.name
        )
    message = Message(
        title=title,
        body=body,
        # No level: a test with level IV's blue band and badge looked like a real alert (a
        # trial).
        level="",
        url=absolute(reverse("alerts:channels")),
        event="test",
        language=language,
        payload={"channel": {"id": channel.pk, "name": channel.name}},
        recipient_id=actor.pk,
        recipient_email=actor.email,
        delivery_id=delivery.pk,
    )
    report = DeliverReport()
    try:
        build_transport(channel.kind, channel.config).send(message)
    except TransportError as exc:
        record_failure(
            [delivery],
            channel,
            (str(exc), classify_delivery_failure(exc)),
            True,
            report,
            timezone.now(),
            lease=lease,
            channel_at_fault=not exc.recipient,
        )
    else:
        record_success([delivery], channel, timezone.now(), lease=lease)
    delivery.refresh_from_db()
    return delivery
