"""Alerts API: rules, alerts (list, acknowledge, assign, handle, feedback, hand-off to an
incident), channels, deliveries. The bodies are in ``vigil.alerts.schemas``."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from vigil.alerts.models import Alert, AlertRule, Channel, Delivery, Notification
from vigil.alerts.schemas import (
    AlertOut,
    AssignIn,
    BulkIn,
    BulkOut,
    ChannelCreated,
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    DeliveryOut,
    FeedbackIn,
    FlagIn,
    IncidentIn,
    NoteIn,
    NotificationOut,
    ReportIn,
    ResentOut,
    RuleIn,
    RuleOut,
    RulePatch,
)
from vigil.alerts.services import (
    AlertError,
    RuleError,
    acknowledge_alert,
    assign_alert,
    close_alert,
    create_channel,
    create_rule,
    flag_mention,
    give_feedback,
    link_incident,
    report_warning,
    resend_failed,
    send_test,
    update_channel,
    update_rule,
)
from vigil.alerts.services.bulk import act_on_alerts
from vigil.alerts.services.firing import can_flag
from vigil.alerts.services.listing import ASSIGNED_CHOICES, STATE_GROUPS, filter_alerts
from vigil.api import ApiError, get_or_404, requires
from vigil.lib.i18n import say_problem
from vigil.mentions.models import Mention
from vigil.monitoring.models import WarningLevel

router = Router(tags=["alerts"])


def _flag_denied() -> PermissionDenied:
    return PermissionDenied(
        _("You need the permission “%(perm)s” to flag mentions.")
        % {"perm": "mentions.flag_mention"}
    )


def _may_flag(user: Any) -> None:
    """Checked before the body is parsed, like every permission of the API."""
    if not can_flag(user):
        raise _flag_denied()


#: Where the services' field names differ from the API's.
_API_FIELDS = {"topic": "topic_id", "plan": "plan_id"}


def _invalid(status: int, message: str, field: str = "", where: str = "body") -> ApiError:
    """An error that names the input at fault, in the shape of the 422 validation errors
    (``details: [{"loc", "msg", "type"}]``), so a client reads both the same way."""
    field = _API_FIELDS.get(field, field)
    details = None
    if field:
        loc = ["body", "payload", field] if where == "body" else [where, field]
        details = [
            {"loc": loc, "msg": message, "type": "value_error", "message": f"{field}: {message}"}
        ]
    code = {400: "bad_request", 409: "conflict"}.get(status, "error")
    return ApiError(status, code, message, details)


def _refused(exc: RuleError | AlertError) -> ApiError:
    error = _invalid(400, str(exc), exc.field)
    problems = getattr(exc, "problems", None)
    if problems and error.details:
        # Conditions and routing: one detail per problem, down to the item at fault
        # (["body", "payload", "routing", "on_call", 0]), said as the 422 details say theirs.
        field = error.details[0]["loc"][-1]
        error.details = [
            {
                "loc": [*error.details[0]["loc"], *p["loc"]],
                "msg": p["msg"],
                "type": p["type"],
                "message": f"{'.'.join(str(x) for x in [field, *p['loc']])}: "
                + say_problem(p["problem"], _),
            }
            for p in problems
        ]
        # As the 422 answers say theirs: the lead-in, then each item with its whole path.
        said = "; ".join(d["message"] for d in error.details[:5])
        error.message = _("The request is not valid: %(problems)s") % {"problems": said}
    return error


def _rule_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = dict(payload)
    if "topic_id" in data:
        data["topic"] = data.pop("topic_id")
    if "plan_id" in data:
        data["plan"] = data.pop("plan_id")
    return data


# --- rules ----------------------------------------------------------------------------------
@router.get(
    "/rules", response=list[RuleOut], auth=requires("alerts.view_alertrule"), summary="Alert rules"
)
def list_rules(request: HttpRequest) -> Any:
    return AlertRule.objects.order_by("name", "id")  # names may repeat: the id keeps it stable


@router.post(
    "/rules", response={201: RuleOut}, auth=requires("alerts.add_alertrule"), summary="Add a rule"
)
def add_rule(request: HttpRequest, payload: RuleIn) -> Status[AlertRule]:
    try:
        rule = create_rule(actor=request.user, **_rule_data(payload.dict()))  # type: ignore[arg-type]
    except RuleError as exc:
        raise _refused(exc) from None
    return Status(201, rule)


@router.get(
    "/rules/{rule_id}", response=RuleOut, auth=requires("alerts.view_alertrule"), summary="One rule"
)
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    return get_or_404(AlertRule, rule_id)


@router.patch(
    "/rules/{rule_id}",
    response=RuleOut,
    auth=requires("alerts.change_alertrule"),
    summary="Change a rule",
)
def patch_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    rule = get_or_404(AlertRule, rule_id)
    data = _rule_data(payload.dict(exclude_unset=True))
    # Merged, not replaced: a trial's PATCH of the time zone alone silently dropped the
    # rule's recipients, on-call order and channels.
    if data.get("routing") is not None:
        data["routing"] = {**(rule.routing or {}), **data["routing"]}
    if data.get("conditions") is not None:
        data["conditions"] = {**(rule.conditions or {}), **data["conditions"]}
    try:
        return update_rule(rule, actor=request.user, **data)  # type: ignore[arg-type]
    except RuleError as exc:
        raise _refused(exc) from None


# --- channels and deliveries -----------------------------------------------------------------
@router.get(
    "/channels", response=list[ChannelOut], auth=requires("alerts.view_channel"), summary="Channels"
)
def list_channels(request: HttpRequest) -> Any:
    return Channel.objects.all()


@router.post(
    "/channels",
    response={201: ChannelCreated},
    auth=requires("alerts.add_channel"),
    summary="Add a channel",
)
def add_channel(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    try:
        channel = create_channel(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    except RuleError as exc:
        raise _refused(exc) from None
    return Status(201, channel)


@router.get(
    "/channels/{channel_id}",
    response=ChannelOut,
    auth=requires("alerts.view_channel"),
    summary="One channel",
)
def get_channel(request: HttpRequest, channel_id: int) -> Any:
    return get_or_404(Channel, channel_id)


@router.patch(
    "/channels/{channel_id}",
    response=ChannelOut,
    auth=requires("alerts.change_channel"),
    summary="Change a channel",
)
def change_channel(request: HttpRequest, channel_id: int, payload: ChannelPatch) -> Any:
    channel = get_or_404(Channel, channel_id)
    data = payload.dict(exclude_unset=True)
    for key, value in data.items():
        if value is None:
            raise _invalid(400, _("%(name)s cannot be null") % {"name": key}, key)
    changed = sorted(set(data) - {"is_default"})
    if channel.kind == "in_app" and changed:
        raise _invalid(400, _("the built-in in-app channel cannot be changed"), changed[0])
    try:
        return update_channel(channel, actor=request.user, **data)  # type: ignore[arg-type]
    except RuleError as exc:
        raise _refused(exc) from None


@router.post(
    "/channels/{channel_id}/test",
    response=DeliveryOut,
    auth=requires("alerts.change_channel"),
    summary="Send a test",
)
def test_channel(request: HttpRequest, channel_id: int) -> Any:
    channel = get_or_404(Channel, channel_id)
    return send_test(channel, actor=request.user)  # type: ignore[arg-type]


@router.post(
    "/channels/{channel_id}/resend-failed",
    response=ResentOut,
    auth=requires("alerts.change_channel"),
    summary="Send the channel's failed messages again",
    description="Messages about alerts still open that used up their six attempts go again, "
    "each with six fresh attempts (a receiver that was down longer than the retries). "
    "Messages about closed alerts and tests are not resent.",
)
def resend_channel_failed(request: HttpRequest, channel_id: int) -> Any:
    channel = get_or_404(Channel, channel_id)
    return {"resent": resend_failed(channel, actor=request.user)}  # type: ignore[arg-type]


@router.get(
    "/deliveries",
    response=list[DeliveryOut],
    auth=requires("alerts.view_delivery"),
    summary="Delivery log",
)
@paginate(PageNumberPagination)
def list_deliveries(
    request: HttpRequest,
    status: str = "",
    alert_id: int | None = None,
    channel_id: int | None = None,
) -> Any:
    if status and status not in Delivery.Status.values:
        raise _must_be_one_of("status", Delivery.Status.values)
    rows = Delivery.objects.all()
    if status:
        rows = rows.filter(status=status)
    if alert_id:
        rows = rows.filter(alert_id=alert_id)
    if channel_id:
        rows = rows.filter(channel_id=channel_id)
    return rows


def _must_be_one_of(name: str, values: list[str]) -> ApiError:
    message = _("%(name)s must be one of: %(values)s") % {
        "name": name,
        "values": ", ".join(values),
    }
    return _invalid(400, message, name, where="query")


@router.get("/notifications", response=list[NotificationOut], summary="My in-app notifications")
def my_notifications(request: HttpRequest, unread: bool = False) -> Any:
    rows = Notification.objects.filter(user=request.user).select_related("alert")  # type: ignore[misc]
    if unread:
        rows = rows.filter(read_at=None)
    return rows[:100]


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
        raise _refused(exc) from None
    return Status(201 if new else 200, alert)


@router.post(
    "/report",
    response={201: AlertOut},
    auth=requires("alerts.report_warning"),
    summary="Report a warning by hand",
)
def report(request: HttpRequest, payload: ReportIn) -> Status[Alert]:
    try:
        alert = report_warning(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    except AlertError as exc:
        raise _refused(exc) from None
    return Status(201, alert)


# --- alerts ----------------------------------------------------------------------------------
@router.get(
    "",
    response=list[AlertOut],
    auth=requires("alerts.view_alert"),
    summary="Alerts, newest activity first",
    description="``changed_since`` (ISO 8601): only alerts that fired, gained mentions or were "
    "acted on (acknowledged, assigned, closed, feedback, escalated, raised…) since then. Poll "
    "with the time of your previous poll to keep a copy in step.",
)
@paginate(PageNumberPagination)
def list_alerts(
    request: HttpRequest,
    state: str = "",
    level: str = "",
    topic_id: int | None = None,
    rule_id: int | None = None,
    assigned: str = "",
    changed_since: dt.datetime | None = None,
) -> Any:
    states = {"", "all", *STATE_GROUPS, *Alert.State.values}
    if state not in states:
        raise _must_be_one_of("state", sorted(states - {""}))
    if level and level not in WarningLevel.values:
        raise _must_be_one_of("level", WarningLevel.values)
    if assigned and assigned not in ASSIGNED_CHOICES:
        raise _must_be_one_of("assigned", list(ASSIGNED_CHOICES))
    user = request.user if isinstance(request.user, User) else None
    return filter_alerts(
        Alert.objects.all(),
        state=state,
        level=level,
        topic_id=topic_id,
        rule_id=rule_id,
        assigned=assigned,
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
    "/{alert_id}", response=AlertOut, auth=requires("alerts.view_alert"), summary="One alert"
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
        raise _invalid(400 if exc.field else 409, str(exc), exc.field) from None


@router.post(
    "/{alert_id}/ack",
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
    "/{alert_id}/handle",
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
    "/{alert_id}/false-alarm",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Dismiss as a false alarm",
)
def false_alarm(request: HttpRequest, alert_id: int, payload: NoteIn | None = None) -> Any:
    return _act(
        alert_id,
        lambda a: close_alert(a, actor=request.user, false_alarm=True, note=_note(payload)),  # type: ignore[arg-type]
        lambda a: a.state == Alert.State.FALSE_ALARM and a.closed_by_id == request.user.pk,
    )


@router.post(
    "/{alert_id}/feedback",
    response=AlertOut,
    auth=requires("alerts.change_alert"),
    summary="Useful or false alarm",
)
def feedback(request: HttpRequest, alert_id: int, payload: FeedbackIn) -> Any:
    return _act(alert_id, lambda a: give_feedback(a, actor=request.user, feedback=payload.feedback))  # type: ignore[arg-type]


@router.post(
    "/{alert_id}/assign", response=AlertOut, auth=requires("alerts.change_alert"), summary="Assign"
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
            raise _invalid(400, message, "user_id")
    return _act(alert.pk, lambda a: assign_alert(a, actor=request.user, assignee=assignee))  # type: ignore[arg-type]


@router.post(
    "/{alert_id}/incident",
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
