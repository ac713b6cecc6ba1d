"""Recording how a send went: sent, or failed and retried with backoff, or given up; and a
channel that keeps failing flagged to administrators. Used by the outbox (``outbox``) and by
"send test"; kept apart so the outbox reads as the order of sending.

Each outcome also writes one log line (sent, retried, given up, channel flagged or working
again): the counters alone did not tell an operator which channel failed, nor why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from vigil.accounts.audit import record_audit
from vigil.accounts.models import SystemNotice
from vigil.accounts.roles import ADMINISTRATOR
from vigil.alerts.failure_labels import channel_failing_text, channel_recovered_text
from vigil.alerts.models import Alert, Channel, Delivery, Notification
from vigil.alerts.services.messages import message_language
from vigil.lib.logs import one_line, utc_stamp
from vigil.sources.failures import Failure

__all__ = [
    "CHANNEL_FLAG_AFTER",
    "MAX_ATTEMPTS",
    "DeliverReport",
    "backoff",
    "flag_failing_channel",
    "record_failure",
    "record_success",
]

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
CHANNEL_FLAG_AFTER = 3
# The in-app channel is one row that every bell notice (one per recipient) succeeds on:
# its "last success" moves at most once a minute, not one write of that row per notice.
IN_APP_SUCCESS_EVERY = dt.timedelta(minutes=1)

log = logging.getLogger(__name__)


def _named(channel: Channel) -> str:
    return f"channel {channel.pk} ({one_line(channel.name, 80)})"


def _which(batch: list[Delivery]) -> str:
    """``delivery 12 (alert 5)``, or the ids of a digest's rows (the first few)."""
    if len(batch) == 1:
        row = batch[0]
        return f"delivery {row.pk} ({f'alert {row.alert_id}' if row.alert_id else row.reason})"
    ids = ", ".join(str(row.pk) for row in batch[:5]) + (", …" if len(batch) > 5 else "")
    alerts = sorted({row.alert_id for row in batch if row.alert_id})
    shown = ", ".join(str(a) for a in alerts[:5]) + (", …" if len(alerts) > 5 else "")
    return f"digest of {len(batch)} deliveries {ids} (alerts {shown})"


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 60 s, 2 min, 4 min … capped at an hour."""
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


@dataclass
class DeliverReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    postponed: int = 0  # not tried: their channel had just failed in the same pass


def record_success(
    batch: list[Delivery], channel: Channel, now: dt.datetime, *, lease: dt.datetime
) -> int:
    """Mark the rows sent where our lease still stands; the number marked."""
    with transaction.atomic():
        marked = Delivery.objects.filter(pk__in=[d.pk for d in batch], claimed_until=lease).update(
            status=Delivery.Status.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            claimed_until=None,
            last_error="",
            last_error_code="",
            last_error_params={},
        )
        if channel.kind == "in_app":
            _note_in_app_success(channel, now)
            return marked  # a bell notice per recipient: no log line each
        recovered = Channel.objects.filter(pk=channel.pk, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        Channel.objects.filter(pk=channel.pk).update(last_success_at=now, flagged_at=None)
        released = retry_waiting(channel, now) if recovered else 0
        resolved = SystemNotice.objects.filter(
            code="channel.failing",
            object_type="alerts.channel",
            object_id=str(channel.pk),
            resolved_at=None,
        ).update(resolved_at=now)
        if resolved:
            tell_channel_recovered(channel)
    if marked:
        log.info("sent %s to %s", _which(batch), _named(channel))
    if recovered:
        log.info(
            "%s works again%s; %d waiting notice(s) go now",
            _named(channel),
            " (its failing flag is cleared)" if resolved else "",
            released,
        )
    return marked


def _note_in_app_success(channel: Channel, now: dt.datetime) -> None:
    """The bell worked: say so on the channels list, once a minute at most. The in-app channel
    writes rows in Vigil's own database, so it has no failures to reset nor notice to
    resolve. The condition in the UPDATE keeps concurrent workers to one write a minute too."""
    due = now - IN_APP_SUCCESS_EVERY
    if channel.last_success_at is not None and channel.last_success_at >= due:
        return  # as the pass read it: no statement at all for most notices
    Channel.objects.filter(pk=channel.pk).filter(
        Q(last_success_at__isnull=True) | Q(last_success_at__lt=due)
    ).update(last_success_at=now)


def retry_waiting(channel: Channel, now: dt.datetime) -> int:
    """The channel answers again, or was mended: the notices waiting out a backoff (up to 8
    minutes) go now, instead of minutes after the receiver is back and after newer notices.
    The next pass (every 5 s) sends them. Held notices (quiet hours, digests) have no error
    and keep their time. The number released."""
    return (
        Delivery.objects.filter(
            channel=channel, status=Delivery.Status.PENDING, next_attempt_at__gt=now
        )
        .exclude(last_error="")
        .update(next_attempt_at=now)
    )


def failed_to_resend(channel: Channel | None = None) -> QuerySet[Delivery]:
    """Messages (of ``channel``, else of every channel) that used up their attempts about
    alerts still open (a closed alert's would be withdrawn when due; tests are not resent)."""
    rows = Delivery.objects.filter(
        status=Delivery.Status.FAILED,
        alert__state__in=[Alert.State.NEW, Alert.State.ACKNOWLEDGED],
    )
    return rows.filter(channel=channel) if channel is not None else rows


def failed_to_resend_counts() -> dict[int, int]:
    """Channel id → its failed messages about open alerts, for the channel list (one query)."""
    counted = failed_to_resend().values("channel_id").annotate(n=Count("id")).order_by()
    return {row["channel_id"]: row["n"] for row in counted}


def resend_failed(channel: Channel, *, actor: User) -> int:
    """Send the channel's failed messages about open alerts again, each with a fresh set of
    attempts; the number sent again. A receiver down longer than the retries (about 16
    minutes) lost those alerts for good (an integrator's trial). Audited on the channel."""
    now = timezone.now()
    with transaction.atomic():
        resent = failed_to_resend(channel).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, claimed_until=None
        )
        if resent:
            record_audit(actor, "channel.resent_failed", channel, after={"resent": resent})
    return resent


def record_failure(
    batch: list[Delivery],
    channel: Channel,
    what: tuple[str, Failure],
    permanent: bool,
    report: DeliverReport,
    now: dt.datetime,
    *,
    lease: dt.datetime,
    channel_at_fault: bool = True,
) -> dt.datetime | None:
    """Record a failed send (``what``: the raw text, and its code and parameters); when the
    rows will be tried again (None: never)."""
    error, (code, params) = what
    retry_at = None
    given_up: list[Delivery] = []
    retried: list[Delivery] = []
    with transaction.atomic():
        for delivery in batch:
            attempts = delivery.attempts + 1
            final = permanent or attempts >= MAX_ATTEMPTS
            if not Delivery.objects.filter(pk=delivery.pk, claimed_until=lease).update(
                attempts=attempts,
                last_error=error[:2000],
                last_error_code=code,
                last_error_params=params,
                claimed_until=None,
                status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
                next_attempt_at=now if final else now + backoff(attempts),
            ):
                continue  # another worker took the row over: its outcome stands
            if final:
                report.failed += 1
                given_up.append(delivery)
            else:
                report.retrying += 1
                retried.append(delivery)
                retry_at = retry_at or now + backoff(attempts)
        _log_failure(channel, (given_up, retried), what, permanent, retry_at, now)
        if not channel_at_fault:
            return retry_at  # one person without an address says nothing about the channel
        Channel.objects.filter(pk=channel.pk).update(
            consecutive_failures=F("consecutive_failures") + 1,
            last_error=error[:2000],
            last_error_code=code,
            last_error_params=params,
            last_error_at=now,
        )
        channel.refresh_from_db(fields=["consecutive_failures", "flagged_at"])
        if channel.consecutive_failures >= CHANNEL_FLAG_AFTER and channel.flagged_at is None:
            flag_failing_channel(channel, what, now)
    return retry_at


def _log_failure(
    channel: Channel,
    outcome: tuple[list[Delivery], list[Delivery]],
    what: tuple[str, Failure],
    permanent: bool,
    retry_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """One warning line for the rows given up, one for the rows retried: which, where, the
    attempt, when next, and the error (its code and text, cut short)."""
    given_up, retried = outcome
    error, (code, _params) = what
    said = f"[{code}] {one_line(error)}" if code else one_line(error)
    if given_up:
        attempt = max(row.attempts for row in given_up) + 1
        why = "a permanent error" if permanent else "the last attempt"
        log.warning(
            "%s to %s failed for good at attempt %d/%d (%s): %s",
            _which(given_up),
            _named(channel),
            attempt,
            MAX_ATTEMPTS,
            why,
            said,
        )
    if retried and retry_at is not None:
        attempt = max(row.attempts for row in retried) + 1
        log.warning(
            "%s to %s failed at attempt %d/%d, next try %s (in %ds): %s",
            _which(retried),
            _named(channel),
            attempt,
            MAX_ATTEMPTS,
            utc_stamp(retry_at),
            round((retry_at - now).total_seconds()),
            said,
        )


def _tell_administrators(
    code: str,
    said: dict[str, Any],
    say: Callable[[Mapping[str, Any]], str],
    admins: Iterable[User],
) -> None:
    """A bell notice to each administrator, in their own language, said from ``said``."""

    def text(recipient: User) -> str:
        with translation.override(message_language(recipient)):
            return say(said)

    Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                title=text(u)[:300],
                code=code,
                params=said,
                url=reverse("alerts:channels"),
            )
            for u in admins
        ]
    )


def _administrators() -> QuerySet[User]:
    return (
        User.objects.filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATOR), is_active=True)
        .select_related("profile")
        .distinct()
    )


def tell_channel_recovered(channel: Channel) -> None:
    """A bell notice to each administrator, in their language, that a channel flagged as
    failing works again: a trial's administrator still had the unread "failed 3 times in a
    row" after the channel was mended, and nothing to say it was."""
    _tell_administrators(
        "channel.recovered", {"name": channel.name}, channel_recovered_text, _administrators()
    )


def flag_failing_channel(channel: Channel, what: tuple[str, Failure], now: dt.datetime) -> None:
    """Tell administrators (system notice + bell) that a channel keeps failing, each in
    their language; the notice keeps its parameters, to be said in its reader's."""
    Channel.objects.filter(pk=channel.pk).update(flagged_at=now)
    error, (code, params) = what
    log.warning(
        "%s flagged as failing after %d failures in a row; administrators are told: %s",
        _named(channel),
        channel.consecutive_failures,
        one_line(error),
    )
    said = {
        "name": channel.name,
        "count": channel.consecutive_failures,
        "error": error[:300],
        "error_code": code,
        "error_params": params,
    }

    with translation.override(message_language(None)):
        message = channel_failing_text(said)
    SystemNotice.objects.create(
        level=SystemNotice.Level.ERROR,
        code="channel.failing",
        message=message,
        params=said,
        object_type="alerts.channel",
        object_id=str(channel.pk),
    )
    _tell_administrators("channel.failing", said, channel_failing_text, _administrators())
