"""An alert's history as people read it.

Audit entries (fired, escalated, acknowledged …) and deliveries (who was told, through
which channel, and how it went) are merged into one time order, and the stored codes
(``alert.escalated``, ``escalated:1``, ``quiet_hours``) are said in the reader's language.
The codes stay in the data, where the API and exports use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accounts.audit import action_label, actor_label
from vigil.accounts.models import AuditEntry
from vigil.accounts.people import person_name
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.texts import level_numeral, say_note
from vigil.web.templatetags.punctuation import sentence_gap

HELD_TEXT: dict[str, Promise] = {
    "quiet_hours": gettext_lazy("held for quiet hours"),
    "weekend": gettext_lazy("held for the weekend"),
    "digest": gettext_lazy("held for the digest"),
    # A growth notice too soon after the previous message about the alert (``pacing``).
    "paced": gettext_lazy("held to space out messages"),
}

#: Notes the system writes itself; the action's text already says them.
_SYSTEM_NOTES = ("unacknowledged after the level", "no escalation step left")


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    who: str
    text: str
    note: str = ""
    delivery: Delivery | None = None


def delivery_reason(reason: str, *, by_count: bool = False, origin: str = "rule") -> str:
    """``escalated:2`` → "escalation step 2", ``raised:II`` → "level raised to II" (Ⅱ级) …

    ``by_count``: a growth of the alert's matching mentions, not of a story's volume.
    ``origin``: a person's report or flag was raised, not fired (a zh re-trial read 预警触发
    for a hand report)."""
    head, _sep, tail = reason.partition(":")
    if head == "fired" and origin == "report":
        return _("warning reported")
    if head == "fired" and origin == "flag":
        return _("mention flagged")
    if head == "fired":
        return _("alert fired")
    if head == "escalated":
        return _("escalation step {step}").format(step=tail)
    if head == "raised":
        return _("level raised to {level}").format(level=level_numeral(tail))
    if head == "grew" and by_count:
        return _("matching mentions grew fourfold")
    if head == "grew":  # a spike's topic's volume: not 「事件声量」 (a zh trial)
        return _("volume grew fourfold")
    if head == "assigned":
        return _("assigned")
    if head == "test":
        return _("test")
    return reason


def held_reason(code: str) -> str:
    return str(HELD_TEXT.get(code, code))


def held_note(delivery: Delivery) -> str:
    """Why a message was held, and until when or when it went, in brackets (after a space
    in English; Chinese brackets need none)."""
    reason = held_reason(delivery.held_reason)
    waiting = delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at
    if waiting and delivery.held_reason == "digest":
        # "将于 … 随每日汇总发出", not 「并入汇总至 …」 (a zh trial: it read as "merged until").
        text = (
            _(" (goes with the hourly digest at {at})")
            if _digest_of(delivery) == "hourly"
            else _(" (goes with the daily digest at {at})")
        )
        return text.format(at=_when(delivery.next_attempt_at))
    if waiting:
        return _(" ({reason} until {at})").format(reason=reason, at=_when(delivery.next_attempt_at))
    if delivery.sent_at:
        return _(" ({reason}; sent {at})").format(reason=reason, at=_when(delivery.sent_at))
    return _(" ({reason})").format(reason=reason)


def _digest_of(delivery: Delivery) -> str:
    """The rule's digest ("hourly" | "daily") that a waiting message goes with."""
    rule = delivery.alert.rule if delivery.alert is not None else None
    return str((rule.routing or {}).get("digest") or "daily") if rule else "daily"


def tries_note(delivery: Delivery) -> str:
    """How far the retries went, for a message that failed or is retrying: "(gave up after 6
    attempts)", "(attempt 2 failed; next try 14:05)". A trial's timeline said "failed" and
    no more. Empty otherwise."""
    if delivery.status == Delivery.Status.FAILED and delivery.attempts:
        return ngettext(
            " (gave up after {n} attempt)", " (gave up after {n} attempts)", delivery.attempts
        ).format(n=delivery.attempts)
    if delivery.status == Delivery.Status.PENDING and delivery.attempts and delivery.last_error:
        return _(" (attempt {n} failed; next try {at})").format(
            n=delivery.attempts, at=_when(delivery.next_attempt_at)
        )
    return ""


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _action_text(entry: AuditEntry, alert: Alert) -> str:
    text = action_label(entry.action)
    after: dict[str, Any] = entry.after or {}
    if entry.action == "alert.fired" and entry.actor_id is None:
        # Not 「系统 触发」: the rule did it (a zh trial).
        return _("the rule fired the alert")
    # Said without a tense: the notices under it may still be held (a zh trial read
    # 「已再次通知」 above 「待发送（…暂缓至 08:53）」).
    if entry.action == "alert.grew" and alert.grows_by_count:
        return _("matching mentions grew fourfold: people are told again")
    if entry.action == "alert.grew":
        return _("volume grew fourfold: people are told again")
    if entry.action == "alert.escalated" and after.get("escalation_step"):
        text = _("escalated to step {step}: unacknowledged after the level {level} target").format(
            step=after["escalation_step"], level=level_numeral(after.get("level", ""))
        )
        return text + _passed_over(after.get("skipped_steps") or [])
    if entry.action == "alert.overdue":  # steps passed over at the ladder's end
        return text + _passed_over(after.get("skipped_steps") or [])
    if entry.action == "alert.incident_opened" and after.get("incident_id"):
        return _("handed off to incident {id}").format(id=after["incident_id"])
    if entry.action == "alert.assigned" and "assigned_to" in after:
        # Who it went to: a trial's timeline read "Hua Yu assigned" and no more.
        assignee = User.objects.filter(pk=after["assigned_to"]).first()
        if assignee is None:
            return _("unassigned it")
        return _("assigned it to {name}").format(name=person_name(assignee))
    if entry.action == "alert.raised" and after.get("level"):
        # The rule raised it: not 「系统 将级别提升至 I」 (a zh trial), and why, when the entry
        # records the impact (from this session on).
        level = level_numeral(after["level"])
        if after.get("impact") is not None:
            return _("impact reached {impact}: level raised to {level}").format(
                impact=f"{float(after['impact']):.0f}", level=level
            )
        return _("level raised to {level}").format(level=level)
    if entry.action == "alert.feedback" and after.get("feedback"):
        # The pair a closing as a false alarm reads beside: 「标为有用」 / 「标为误报」, not
        # 「提交了反馈：有用」 (a zh trial).
        if after["feedback"] == "useful":
            return _("marked useful")
        return action_label("alert.false_alarm")
    return text


def _passed_over(skipped: list[int]) -> str:
    """What follows the action when ladder steps reached nobody: " (steps 2, 3 passed over: …)"."""
    if not skipped:
        return ""
    return sentence_gap() + ngettext(
        "(step {steps} passed over: nobody active to tell)",
        "(steps {steps} passed over: nobody active to tell)",
        len(skipped),
    ).format(steps=", ".join(str(s) for s in skipped))


def _who(entry: AuditEntry) -> str:
    """Who did it; nobody named when the rule fired the alert, told of its growth or raised
    its level (the text says so: 「系统 触发」 read oddly to a zh trial)."""
    if entry.action in ("alert.fired", "alert.grew", "alert.raised") and entry.actor_id is None:
        return ""
    return person_name(entry.actor) or actor_label(entry.actor_label)


def alert_timeline(alert: Alert) -> list[TimelineEntry]:
    """Everything that happened to ``alert``, oldest first."""
    entries = [
        TimelineEntry(
            at=e.at,
            who=_who(e),
            text=_action_text(e, alert),
            note="" if e.note.startswith(_SYSTEM_NOTES) else say_note(e.note),
        )
        for e in AuditEntry.objects.filter(
            object_type="alerts.alert", object_id=str(alert.pk)
        ).select_related("actor")
    ]
    entries += [
        TimelineEntry(
            at=d.created_at,
            who="",
            text=delivery_reason(d.reason, by_count=alert.grows_by_count, origin=alert.origin),
            delivery=d,
        )
        for d in alert.deliveries.select_related("channel", "recipient")
    ]
    # Stable: an alert's own audit entry comes before the deliveries it queued.
    return sorted(entries, key=lambda e: (e.at, e.delivery is not None))
