"""Alerts: the 警 flag and hand reports, the list, and the actions on one or many."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from vigil.alerts.api.common import invalid, must_be_one_of, refused, router
from vigil.alerts.models import Alert
from vigil.alerts.schemas import (
    AlertOut,
    AssignIn,
    BulkIn,
    BulkOut,
    FeedbackIn,
    FlagIn,
    IncidentIn,
    NoteIn,
    ReportIn,
)
from vigil.alerts.services import (
    AlertError,
    acknowledge_alert,
    assign_alert,
    close_alert,
    flag_mention,
    give_feedback,
    link_incident,
    report_warning,
)
from vigil.alerts.services.bulk import act_on_alerts
from vigil.alerts.services.firing import can_flag
from vigil.alerts.services.listing import (
    ASSIGNED_CHOICES,
    REPORTED_CHOICES,
    STATE_GROUPS,
    filter_alerts,
)
from vigil.api import get_or_404, requires
from vigil.api_schema import RowId
from vigil.mentions.models import Mention
from vigil.monitoring.models import WarningLevel


def _flag_denied() -> PermissionDenied:
    return PermissionDenied(
        _("You need the permission “%(perm)s” to flag mentions.")
        % {"perm": "mentions.flag_mention"}
    )


def _may_flag(user: Any) -> None:
    """Checked before the body is parsed, like every permission of the API."""
    if not can_flag(user):
        raise _flag_denied()


# --- manual warnings -------------------------------------------------------------------------
@router.post(
    "/flag",
    response={200: AlertOut, 201: AlertOut},
    auth=requires(check=_may_flag),
    summary="Flag a mention as a warning (警)",
    description="201 with the new warning; 200 with the open one when the mention is already "
    "flagged (the caller joins its timeline; no one is told again).",
)
def flag(request: HttpRequest, payload: FlagIn) -> Status[Alert]:
    mention = get_or_404(Mention, payload.mention_id)
    try:
        alert, new = flag_mention(
            mention,
            actor=request.user,  # type: ignore[arg-type]
            note=payload.note,
            level=payload.level,
            topic_id=payload.topic_id,
        )
    except AlertError as exc:
        raise refused(exc) from None
    return Status(201 if new else 200, alert)


@router.post(
    "/report",
    response={200: AlertOut, 201: AlertOut},
    auth=requires("alerts.report_warning"),
    summary="Report a warning by hand",
    description="201 with the new warning; 200 with the caller's own open report when she "
    "sent the same title, text and topic in the last 10 minutes (a retry or a double submit: "
    "no second alert, no one told again). Links without a scheme that read as web addresses "
    "(www.example.cn/a) are stored with https://.",
)
def report(request: HttpRequest, payload: ReportIn) -> Status[Alert]:
    try:
        alert, new = report_warning(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    except AlertError as exc:
        raise refused(exc) from None
    return Status(201 if new else 200, alert)


# --- alerts ----------------------------------------------------------------------------------
@router.get(
    "",
    response=list[AlertOut],
    auth=requires("alerts.view_alert"),
    summary="Alerts, newest activity first",
    description="``changed_since`` (ISO 8601): only alerts that fired, gained mentions or were "
    "acted on (acknowledged, assigned, closed, feedback, escalated, raised…) since then. Poll "
    "with the time of your previous poll to keep a copy in step. ``reported_by=me``: the "
    "warnings you reported by hand or flagged.",
)
@paginate(PageNumberPagination)
def list_alerts(
    request: HttpRequest,
    state: str = "",
    level: str = "",
    topic_id: RowId | None = None,
    rule_id: RowId | None = None,
    assigned: str = "",
    reported_by: str = "",
    changed_since: dt.datetime | None = None,
) -> Any:
    states = {"", "all", *STATE_GROUPS, *Alert.State.values}
    if state not in states:
        raise must_be_one_of("state", sorted(states - {""}))
    if level and level not in WarningLevel.values:
        raise must_be_one_of("level", WarningLevel.values)
    if assigned and assigned not in ASSIGNED_CHOICES:
        raise must_be_one_of("assigned", list(ASSIGNED_CHOICES))
    if reported_by and reported_by not in REPORTED_CHOICES:
        raise must_be_one_of("reported_by", list(REPORTED_CHOICES))
    user = request.user if isinstance(request.user, User) else None
    return filter_alerts(
        Alert.objects.all(),
        state=state,
        level=level,
        topic_id=topic_id,
        rule_id=rule_id,
        assigned=assigned,
        reported_by=reported_by,
        reader=user,
        changed_since=changed_since,
    )


@router.post(
    "/bulk",
    response=BulkOut,
    auth=requires("alerts.change_alert"),
    summary="Acknowledge, handle or dismiss many alerts",
)
def bulk(request: HttpRequest, payload: BulkIn) -> Any:
    """Each alert as its own action; those whose state does not allow it are skipped, with
    the reason, and the rest still go through (200 either way)."""
    outcome = act_on_alerts(payload.ids, payload.action, actor=request.user)  # type: ignore[arg-type]
    return {
        "done": [a.pk for a in outcome.done],
        "skipped": [{"id": s.alert_id, "reason": s.reason} for s in outcome.skipped],
    }


@router.get(
    "/{int:alert_id}", response=AlertOut, auth=requires("alerts.view_alert"), summary="One alert"
)
def get_alert(request: HttpRequest, alert_id: int) -> Any:
    return get_or_404(Alert, alert_id)


def _note(payload: NoteIn | None) -> str:
    """The note of an action; the body is optional, so a bare POST works."""
    return payload.note if payload else ""


def _act(alert_id: int, action: Any, done: Any = None) -> Alert:
    """``action`` on the alert; ``done(alert)`` says it already holds what the caller asks
    of it (their own acknowledgement, their own close): a retried request answers 200 and
    changes nothing, where a client had to read a 409 as success."""
    alert = get_or_404(Alert, alert_id)
    if done is not None and done(alert):
        return alert
    try:
        return action(alert)
    except AlertError as exc:
        # Bad input names its field (400); an alert in the wrong state conflicts (409).
        raise invalid(400 if exc.field else 409, str(exc), exc.field) from None


@router.post(
    "/{int:alert_id}/ack",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Acknowledge",
)
def ack(request: HttpRequest, alert_id: int, payload: NoteIn | None = None) -> Any:
    return _act(
        alert_id,
        lambda a: acknowledge_alert(a, actor=request.user, note=_note(payload)),  # type: ignore[arg-type]
        lambda a: a.state == Alert.State.ACKNOWLEDGED and a.acknowledged_by_id == request.user.pk,
    )


@router.post(
    "/{int:alert_id}/handle",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Mark handled",
)
def handle(request: HttpRequest, alert_id: int, payload: NoteIn | None = None) -> Any:
    return _act(
        alert_id,
        lambda a: close_alert(a, actor=request.user, note=_note(payload)),  # type: ignore[arg-type]
        lambda a: a.state == Alert.State.HANDLED and a.closed_by_id == request.user.pk,
    )


@router.post(
    "/{int:alert_id}/false-alarm",
    response=AlertOut,
    auth=requires("alerts.judge_alert"),
    summary="Dismiss as a false alarm",
)
def false_alarm(request: HttpRequest, alert_id: int, payload: NoteIn | None = None) -> Any:
    return _act(
        alert_id,
        lambda a: close_alert(a, actor=request.user, false_alarm=True, note=_note(payload)),  # type: ignore[arg-type]
        lambda a: a.state == Alert.State.FALSE_ALARM and a.closed_by_id == request.user.pk,
    )


@router.post(
    "/{int:alert_id}/feedback",
    response=AlertOut,
    auth=requires("alerts.judge_alert"),
    summary="Useful or false alarm",
)
def feedback(request: HttpRequest, alert_id: int, payload: FeedbackIn) -> Any:
    return _act(alert_id, lambda a: give_feedback(a, actor=request.user, feedback=payload.feedback))  # type: ignore[arg-type]


@router.post(
    "/{int:alert_id}/assign",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Assign",
)
def assign(request: HttpRequest, alert_id: int, payload: AssignIn) -> Any:
    """``{"user_id": null}`` unassigns. An unknown user is a bad field (400), not a 404,
    so a client can tell it from an unknown alert."""
    alert = get_or_404(Alert, alert_id)
    assignee = None
    if payload.user_id is not None:
        assignee = User.objects.filter(pk=payload.user_id).first()
        if assignee is None:
            message = _("there is no %(thing)s with id %(id)s") % {
                "thing": User._meta.verbose_name,
                "id": payload.user_id,
            }
            raise invalid(400, message, "user_id")
    return _act(alert.pk, lambda a: assign_alert(a, actor=request.user, assignee=assignee))  # type: ignore[arg-type]


@router.post(
    "/{int:alert_id}/incident",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Hand off to an incident",
)
def hand_off(request: HttpRequest, alert_id: int, payload: IncidentIn) -> Any:
    """Record the incident (in Vigil or in your own incident system) opened from this alert;
    repeating the call with the same id changes nothing, another id is a conflict (409)."""
    return _act(
        alert_id,
        lambda a: link_incident(
            a,
            actor=request.user,  # type: ignore[arg-type]
            incident_id=payload.incident_id,
            note=payload.note,
        ),
    )
