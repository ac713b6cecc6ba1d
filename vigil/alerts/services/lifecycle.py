"""What people do with an alert (acknowledge, assign, handle, judge) and escalation.

States: new → acknowledged → handled | false_alarm (a new alert may also be closed
directly). Each change is audited with who and when. An alert still new after its
level's response target climbs one step of the rule's escalation ladder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Permission, User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.audit import record_audit, snapshot
from vigil.accounts.people import person_name
from vigil.alerts.conditions import Recipients
from vigil.alerts.models import Alert, Delivery, response_window, response_windows
from vigil.alerts.services.firing import ALERT_AUDIT_FIELDS, AlertError
from vigil.alerts.services.reports import tell_reporter
from vigil.alerts.services.routing import (
    can_acknowledge,
    clock_starts,
    queue_deliveries,
    resolve_users,
    routing_for,
)
from vigil.alerts.services.spikes import end_quiet_period

State = Alert.State


def _change(
    alert: Alert, actor: User | None, action: str, note: str = "", **fields: object
) -> Alert:
    before = snapshot(alert, ALERT_AUDIT_FIELDS)
    for name, value in fields.items():
        setattr(alert, name, value)
    alert.save(update_fields=list(fields))
    record_audit(
        actor, action, alert, before=before, after=snapshot(alert, ALERT_AUDIT_FIELDS), note=note
    )
    return alert


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def acknowledge_alert(alert: Alert, *, actor: User, note: str = "") -> Alert:
    """Someone owns it now: escalation stops."""
    alert = _locked(alert)
    if alert.state != State.NEW:
        raise AlertError(
            _("only a new alert can be acknowledged (this one is %(state)s)")
            % {"state": alert.get_state_display()}
        )
    now = timezone.now()
    acknowledged = _change(
        alert,
        actor,
        "alert.acknowledged",
        note,
        state=State.ACKNOWLEDGED,
        acknowledged_by=actor,
        acknowledged_at=now,
        next_escalation_at=None,
        assigned_to=alert.assigned_to or actor,
    )
    tell_reporter(acknowledged, actor=actor, what="acknowledged")
    return acknowledged


@transaction.atomic
def close_alert(alert: Alert, *, actor: User, false_alarm: bool = False, note: str = "") -> Alert:
    """Handled, or dismissed as a false alarm (which is also the feedback)."""
    alert = _locked(alert)
    if not alert.is_open:
        raise AlertError(
            _("the alert is already closed (%(state)s)") % {"state": alert.get_state_display()}
        )
    now = timezone.now()
    fields: dict[str, object] = {
        "state": State.FALSE_ALARM if false_alarm else State.HANDLED,
        "closed_by": actor,
        "closed_at": now,
        "next_escalation_at": None,
    }
    if alert.acknowledged_at is None:
        fields.update(acknowledged_by=actor, acknowledged_at=now)
    if false_alarm:
        fields.update(feedback=Alert.Feedback.FALSE_ALARM, feedback_by=actor, feedback_at=now)
    action = "alert.false_alarm" if false_alarm else "alert.handled"
    closed = _change(alert, actor, action, note, **fields)
    if false_alarm:
        end_quiet_period(closed)  # a spike rule's topic may alert again at once
    _withdraw_unsent(closed, now)
    tell_reporter(closed, actor=actor, what=closed.state)
    return closed


def _withdraw_unsent(alert: Alert, now: dt.datetime) -> None:
    """Withdraw the closed alert's channel messages still waiting (held, or retrying) now,
    not at their next try: a trial's delivery log said "pending, next try 18:50" for minutes
    after the alert was handled. A row a worker holds is left to it: the outbox withdraws it
    just before the send, and the bell is left as it is."""
    Delivery.objects.filter(alert=alert, status=Delivery.Status.PENDING).exclude(
        channel__kind="in_app"
    ).filter(Q(claimed_until=None) | Q(claimed_until__lt=now)).update(
        status=Delivery.Status.WITHDRAWN
    )


@transaction.atomic
def give_feedback(alert: Alert, *, actor: User, feedback: str) -> Alert:
    """Useful / false alarm: drives the precision figures of rules. Giving the same
    feedback again (a client retrying) changes nothing and is not audited twice."""
    if feedback not in (Alert.Feedback.USEFUL, Alert.Feedback.FALSE_ALARM):
        raise AlertError(_("feedback is “useful” or “false_alarm”"), field="feedback")
    alert = _locked(alert)
    if alert.feedback == feedback:
        return alert
    if feedback == Alert.Feedback.FALSE_ALARM and alert.is_open:
        # As the screens' "False alarm" button: an open alert judged a false alarm is closed.
        # Left open, a trial's alert read "new" and "false alarm" at once, and a growth of
        # its story still told everyone again.
        return close_alert(alert, actor=actor, false_alarm=True)
    closed_as: dict[str, object] = {}
    if not alert.is_open:
        # A closed alert's state follows the latest judgement: a trial's alert read "false
        # alarm" and "Feedback: useful" at once (and "handled" with "false alarm").
        state = State.FALSE_ALARM if feedback == Alert.Feedback.FALSE_ALARM else State.HANDLED
        if alert.state != state:
            closed_as["state"] = state
    judged = _change(
        alert,
        actor,
        "alert.feedback",
        feedback=feedback,
        feedback_by=actor,
        feedback_at=timezone.now(),
        **closed_as,
    )
    if closed_as:  # handled, now a false alarm (or back): the reporter hears the new verdict
        tell_reporter(judged, actor=actor, what=judged.state)
    return judged


def assignable_users() -> QuerySet[User]:
    """Who may be given an alert: active people allowed to act on alerts (a trial's menu
    offered Viewers, who can only read)."""
    act = Q(content_type__app_label="alerts", codename="change_alert")
    perm = Permission.objects.filter(act)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def assign_alert(alert: Alert, *, actor: User, assignee: User | None) -> Alert:
    """Give the alert to someone (or to nobody); assigning the same person again is a no-op."""
    alert = _locked(alert)
    if assignee is not None and not assignee.is_active:
        raise AlertError(_("cannot assign to an inactive user"), field="user_id")
    if assignee is not None and not can_acknowledge(assignee):
        raise AlertError(
            _("%(name)s may only read alerts and cannot be given one")
            % {"name": person_name(assignee)},
            field="user_id",
        )
    if alert.assigned_to_id == (assignee.pk if assignee else None):
        return alert
    alert = _change(alert, actor, "alert.assigned", assigned_to=assignee)
    if assignee is not None:
        tell_reporter(alert, actor=actor, what="assigned", assignee=assignee)
    # A closed alert's messages are withdrawn unsent; queueing one only put a "withdrawn" row
    # in its log (a trial).
    if assignee is not None and assignee != actor and alert.is_open:
        queue_deliveries(alert, Recipients(users=[assignee.pk]), reason=f"assigned:{assignee.pk}")
    return alert


INCIDENT_ID_MAX = 2**63 - 1  # the column is a 64-bit integer (a bigger one answered 500)


@transaction.atomic
def link_incident(alert: Alert, *, actor: User, incident_id: int, note: str = "") -> Alert:
    """Hand-off point for the crisis-response work: the incident opened from this alert.

    Linking the same incident again (a retry) changes nothing; an alert already handed
    to another incident is refused rather than silently re-pointed.
    """
    alert = _locked(alert)
    if alert.incident_id == incident_id:
        return alert
    if alert.incident_id is not None:
        raise AlertError(
            _("this alert was already handed off to incident %(id)s") % {"id": alert.incident_id}
        )
    if not 1 <= incident_id <= INCIDENT_ID_MAX:
        raise AlertError(
            _("an incident number is a whole number from 1 to %(max)s") % {"max": INCIDENT_ID_MAX},
            field="incident_id",
        )
    if alert.state == State.FALSE_ALARM:
        raise AlertError(_("a false alarm is not handed off to an incident"))
    if alert.state == State.NEW:
        # Handed off means someone owns it: escalation stops (a trial's kept climbing).
        alert = acknowledge_alert(alert, actor=actor)
    return _change(alert, actor, "alert.incident_opened", note, incident_id=incident_id)


def _next_reachable_step(alert: Alert, ladder: list[Recipients]) -> tuple[int, list[int]]:
    """The next ladder step that names someone active, and the (1-based) steps passed over.

    A person deactivated (or deleted) after the rule was saved would otherwise take a whole
    response target to tell nobody while the alert waits.
    """
    step, skipped = alert.escalation_step, []
    while step < len(ladder) and not resolve_users(ladder[step], alert):
        skipped.append(step + 1)
        step += 1
    return step, skipped


def escalate_due(now: dt.datetime | None = None) -> int:
    """Climb one ladder step for every alert still new after its response target."""
    now = now or timezone.now()
    due = list(
        Alert.objects.filter(state=State.NEW, next_escalation_at__lte=now).values_list(
            "pk", "next_escalation_at"
        )
    )
    done = 0
    for pk, deadline in due:
        with transaction.atomic():
            # Claim: only the worker whose UPDATE still sees this deadline escalates.
            if not Alert.objects.filter(pk=pk, state=State.NEW, next_escalation_at=deadline).update(
                next_escalation_at=None
            ):
                continue
            alert = Alert.objects.select_related("rule", "topic").get(pk=pk)
            routing = routing_for(alert)
            resumes = clock_starts(routing, alert.level, now)
            if resumes > now:
                # Quiet hours or a weekend: the climb waits for them to end, one step then,
                # instead of steps piling up to be sent together when they end.
                alert.next_escalation_at = resumes
                alert.save(update_fields=["next_escalation_at"])
                continue
            ladder = routing.ladder()
            step, skipped = _next_reachable_step(alert, ladder)
            if step >= len(ladder):
                # Steps passed over at the end (heads nobody set) are said, not swallowed.
                record_audit(
                    None,
                    "alert.overdue",
                    alert,
                    after={"skipped_steps": skipped} if skipped else None,
                    note="no escalation step left",
                )
                continue
            before = snapshot(alert, ALERT_AUDIT_FIELDS)
            alert.escalation_step = step + 1
            more = step + 1 < len(ladder)
            alert.next_escalation_at = now + response_window(alert.level) if more else None
            alert.save(update_fields=["escalation_step", "next_escalation_at"])
            record_audit(
                None,
                "alert.escalated",
                alert,
                before=before,
                after={**snapshot(alert, ALERT_AUDIT_FIELDS), "skipped_steps": skipped},
                note=f"unacknowledged after the level {alert.level} target",
            )
            queue_deliveries(alert, ladder[step], reason=f"escalated:{step + 1}", now=now)
            tell_reporter(alert, actor=None, what="escalated")
            done += 1
    return done


@dataclass(frozen=True)
class ResponseStatus:
    """Where an alert stands against its level's response target and its rule's ladder."""

    respond_by: dt.datetime  # first notice + the level's response target
    overdue: bool  # still new (nobody acknowledged) after ``respond_by``
    steps: int  # escalation steps the rule has after the first notice
    next_escalation_at: dt.datetime | None  # when the next step is told; None: none will be
    #: Why the deadline is not the fire time plus the target, in the active language (the
    #: clock waited for quiet hours or a weekend; kept though the rule's holds changed).
    deadline_note: str = ""


def respond_by(alert: Alert, windows: dict[str, dt.timedelta] | None = None) -> dt.datetime:
    """The deadline it was given; alerts from before it was stored: their level's target now."""
    return alert.respond_by or alert.created_at + (windows or response_windows())[alert.level]


def is_overdue(alert: Alert, now: dt.datetime | None = None) -> bool:
    """Still new (nobody acknowledged it) after its deadline."""
    return alert.state == State.NEW and (now or timezone.now()) >= respond_by(alert)


def response_status(
    alert: Alert,
    now: dt.datetime | None = None,
    windows: dict[str, dt.timedelta] | None = None,
) -> ResponseStatus:
    """What the inbox and the alert's page say about time: respond by, overdue, next step.

    ``windows`` (from ``response_windows()``) saves a query per alert in lists.
    """
    now = now or timezone.now()
    deadline = respond_by(alert, windows)
    steps = len(routing_for(alert).ladder())
    waiting = alert.state == State.NEW
    more = waiting and alert.escalation_step < steps
    return ResponseStatus(
        respond_by=deadline,
        overdue=waiting and now >= deadline,
        steps=steps,
        next_escalation_at=alert.next_escalation_at if more else None,
        deadline_note=deadline_note(alert),
    )


def deadline_note(alert: Alert) -> str:
    """Why the alert's deadline is where it is, when that is not plain, in the active
    language: "the clock started at the end of the weekend hold", and whether it was kept
    though the rule's quiet hours or weekend rule changed since (an alert keeps the
    deadline it was given). Empty for an alert whose clock started when it fired.

    A zh trial read "respond by Monday 20:00" on an alert fired on Saturday, and nothing
    said why.
    """
    clock = alert.response_clock or {}
    if not clock.get("start") or alert.rule is None:
        return ""
    said = []
    if clock.get("held") == "quiet_hours":
        said.append(_("the clock started at the end of quiet hours"))
    elif clock.get("held") == "weekend":
        said.append(_("the clock started at the end of the weekend hold"))
    now_starts = clock_starts(
        routing_for(alert),
        clock.get("level", alert.level),
        dt.datetime.fromisoformat(clock["from"]),
    )
    if now_starts != dt.datetime.fromisoformat(clock["start"]):
        said.append(_("kept as given: the rule's quiet hours or weekend rule changed since"))
    return (
        _("{first}; {second}").format(first=said[0], second=said[1])
        if len(said) == 2
        else (said[0] if said else "")
    )
