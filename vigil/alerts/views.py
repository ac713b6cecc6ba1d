"""Alert screens: inbox with inline actions, detail with timeline, the bell, flags and
hand-made reports. Rules, channels and the delivery log are in ``views_config``.
Thin: parse, call a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vigil.accounts.people import person_name
from vigil.alerts.forms import FlagForm, ReportForm
from vigil.alerts.models import Alert, Channel, Delivery, Notification, response_windows
from vigil.alerts.services import (
    AlertError,
    acknowledge_alert,
    assign_alert,
    assignable_users,
    close_alert,
    flag_mention,
    give_feedback,
    link_incident,
    report_warning,
    response_status,
)
from vigil.alerts.services.ack_links import read_ack_token
from vigil.alerts.services.bulk import act_on_alerts
from vigil.alerts.services.firing import can_flag, flag_topics
from vigil.alerts.services.listing import (
    ASSIGNED_CHOICES,
    REPORTED_CHOICES,
    STATE_GROUPS,
    filter_alerts,
    related_alerts,
)
from vigil.alerts.services.matched import matched_terms
from vigil.alerts.services.messages import message_language, message_zone
from vigil.alerts.services.reports import already_reported
from vigil.alerts.services.routing import where_flags_go
from vigil.alerts.texts import ACK_LINK_NOTE, list_separator
from vigil.alerts.timeline import alert_timeline
from vigil.mentions.models import Mention
from vigil.mentions.services import parse_int
from vigil.monitoring.models import Topic, WarningLevel
from vigil.web.decorators import perm_required
from vigil.web.templatetags.punctuation import sentences

ACTIONS = ("ack", "handle", "false_alarm", "useful", "assign")


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - every view here requires sign-in
    return user


def _filters(request: HttpRequest) -> dict[str, Any]:
    state = request.GET.get("state", "open")
    level = request.GET.get("level", "")
    topic = request.GET.get("topic", "")
    assigned = request.GET.get("assigned", "")
    reported_by = request.GET.get("reported_by", "")
    return {
        "state": state,
        "level": level if level in WarningLevel.values else "",
        "topic": parse_int(topic),
        "assigned": assigned if assigned in ASSIGNED_CHOICES else "",
        "reported_by": reported_by if reported_by in REPORTED_CHOICES else "",
    }


def _filtered(request: HttpRequest, f: dict[str, Any]) -> Any:
    state = f["state"] if f["state"] in (*STATE_GROUPS, *Alert.State.values) else "all"
    return filter_alerts(
        Alert.objects.select_related("rule", "topic", "assigned_to", "reported_by"),
        state=state,
        level=f["level"],
        topic_id=f["topic"],
        assigned=f["assigned"],
        reported_by=f["reported_by"],
        reader=_me(request),
    )


@perm_required("alerts.view_alert")
def inbox(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    alerts = _filtered(request, f)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    now, windows = timezone.now(), response_windows()
    for alert in page.object_list:
        alert.response = response_status(alert, now, windows)
    return render(
        request,
        "alerts/inbox.html",
        {
            "page": page,
            "filter": f,
            "levels": WarningLevel.choices,
            "states": Alert.State.choices,
            "topics": Topic.objects.only("pk", "name"),
            "users": assignable_users(),
            "now": now,
            # What the page was drawn from, for its "new alerts" poll (inbox_news).
            "newest_id": Alert.objects.aggregate(newest=Max("pk"))["newest"] or 0,
            "drawn_at": f"{now.timestamp():.3f}",
        },
    )


@perm_required("alerts.view_alert")
def inbox_news(request: HttpRequest) -> HttpResponse:
    """What changed under the inbox's filters since it was drawn (polled every 15 s): a
    trial's bell rang for a new alert while the inbox beside it stayed as it was."""
    f = _filters(request)
    try:
        after = parse_int(request.GET.get("after")) or 0
        since = dt.datetime.fromtimestamp(float(request.GET.get("since", "0")), tz=dt.UTC)
    except (ValueError, OverflowError):
        return HttpResponse("")
    alerts = _filtered(request, f)
    new = alerts.filter(pk__gt=after).count()
    grown = alerts.filter(pk__lte=after, last_seen__gt=since).count()
    return render(request, "alerts/_inbox_news.html", {"new": new, "grown": grown, "filter": f})


@perm_required("alerts.view_alert")
def detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.select_related("rule", "topic", "assigned_to", "reported_by"), pk=alert_id
    )
    timeline = alert_timeline(alert)
    mentions = alert.mentions.select_related("source").order_by("-published_at", "-id")[:50]
    Notification.objects.filter(user=_me(request), alert=alert, read_at=None).update(
        read_at=timezone.now()
    )
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "timeline": timeline,
            "mentions": mentions,
            "response": response_status(alert),
            "users": assignable_users(),
            "matched": matched_terms(alert),
            "related": related_alerts(alert),
        },
    )


@perm_required("alerts.change_alert")
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The inbox's "with the selected" buttons: one action on the ticked alerts, then back to
    the same filtered page, saying what was done and what was skipped and why."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("alerts:list")
    ids = [n for n in map(parse_int, request.POST.getlist("ids")) if n is not None]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, _("Tick the alerts to act on first."))
        return redirect(back)
    try:
        outcome = act_on_alerts(ids, action, actor=_me(request))
    except AlertError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if outcome.done:
        said = {
            "ack": ngettext(
                "%(n)d alert acknowledged.", "%(n)d alerts acknowledged.", len(outcome.done)
            ),
            "handle": ngettext(
                "%(n)d alert closed as handled.",
                "%(n)d alerts closed as handled.",
                len(outcome.done),
            ),
            "false_alarm": ngettext(
                "%(n)d alert closed as a false alarm.",
                "%(n)d alerts closed as false alarms.",
                len(outcome.done),
            ),
        }[action]
        messages.success(request, said % {"n": len(outcome.done)})
    # One line per reason, not a banner per alert: a page of 50 would be a wall of them.
    by_reason: dict[str, list[int]] = {}
    for skipped in outcome.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.alert_id)
    # The numbers first, then why: the reason has its own brackets, and a zh trial read
    # "跳过 1 条（只有新预警才能确认（此预警状态为已确认））".
    for why, numbers in by_reason.items():
        ids = list_separator().join(f"#{n}" for n in numbers)
        messages.warning(request, _("Skipped %(ids)s: %(why)s") % {"why": why, "ids": ids})
    return redirect(back)


def ack_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The acknowledge link of a person's message: no sign-in (the signed link names them).
    A GET only shows the alert and a button, so a mail scanner fetching it acts on nothing;
    the button's POST acknowledges."""
    try:
        alert, person = read_ack_token(token)
    except AlertError as exc:
        return render(request, "alerts/ack_link.html", {"error": str(exc)}, status=400)
    # The person's own language, else (profile "follow the browser") the request's.
    language = message_language(person, default=translation.get_language())
    zone = message_zone(person)
    with translation.override(language), timezone.override(zone):
        done = False
        if request.method == "POST" and alert.state == Alert.State.NEW:
            try:
                alert = acknowledge_alert(alert, actor=person, note=ACK_LINK_NOTE)
                done = True
            except AlertError:  # someone acknowledged it meanwhile: the page says who
                alert.refresh_from_db()
        context = {
            "alert": alert,
            "person": person,
            "name": person_name(person),
            "zone": zone.key,
            "done": done,
            "response": response_status(alert),
        }
        response = render(request, "alerts/ack_link.html", context)
    response.headers["Referrer-Policy"] = "same-origin"  # the link is a key: never sent away
    response.headers["Content-Language"] = language
    return response


#: Actions that judge an alert rather than work it: analysts may take them too.
JUDGING_ACTIONS = ("useful", "false_alarm")


@login_required
@require_POST
def act(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Inline actions (htmx): the changed row comes back; full page otherwise."""
    action = request.POST.get("action", "")
    needed = "alerts.judge_alert" if action in JUDGING_ACTIONS else "alerts.change_alert"
    if not request.user.has_perm(needed):
        raise PermissionDenied(f"needs the permission {needed}")
    alert = get_object_or_404(
        Alert.objects.select_related("rule", "topic", "assigned_to"), pk=alert_id
    )
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required signed them in
    was_assigned = alert.assigned_to_id is not None
    error = ""
    try:
        if action == "ack":
            alert = acknowledge_alert(alert, actor=user, note=request.POST.get("note", ""))
        elif action == "false_alarm" and not alert.is_open:
            # A closed alert judged again: its state follows (handled -> false alarm).
            alert = give_feedback(alert, actor=user, feedback=Alert.Feedback.FALSE_ALARM)
        elif action in ("handle", "false_alarm"):
            alert = close_alert(
                alert,
                actor=user,
                false_alarm=action == "false_alarm",
                note=request.POST.get("note", ""),
            )
        elif action == "useful":
            alert = give_feedback(alert, actor=user, feedback=Alert.Feedback.USEFUL)
        elif action == "incident":
            number = request.POST.get("incident_id", "").strip()
            # Not a number: 0, which the service refuses in the same words as one too big.
            incident_id = int(number) if number.isdigit() else 0
            alert = link_incident(alert, actor=user, incident_id=incident_id)
        elif action == "assign":
            assignee_id = parse_int(request.POST.get("assignee"))
            assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
            alert = assign_alert(alert, actor=user, assignee=assignee)
        else:
            error = _("Unknown action.")
    except AlertError as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        alert = Alert.objects.select_related("rule", "topic", "assigned_to").get(pk=alert.pk)
        alert.response = response_status(alert)  # type: ignore[attr-defined]
        users = assignable_users()
        return render(
            request,
            "alerts/_row.html",
            {"a": alert, "error": error, "users": users, "perms_change": True},
        )
    if error:
        messages.error(request, error)
    elif action == "assign" and not was_assigned and alert.assigned_to_id is None:
        # 「（不指派）」 on an alert nobody had: not 「已取消指派」 (a zh trial).
        messages.info(request, _("Nothing changed: choose the person to assign it to."))
    else:  # said, as the bulk actions say: a zh trial pressed 确认 and saw no sign it took
        messages.success(request, _done_text(action, alert))
    return redirect("alerts:detail", alert_id=alert.pk)


def _done_text(action: str, alert: Alert) -> str:
    """What the alert's page says after one of its buttons did its work."""
    if action == "assign":
        if alert.assigned_to is None:
            return _("Nobody is assigned to it now.")
        return _("Assigned to %(name)s.") % {"name": person_name(alert.assigned_to)}
    if action == "incident":
        return _("Hand-off to incident %(id)s recorded.") % {"id": alert.incident_id}
    return {
        "ack": _("Acknowledged."),
        "handle": _("Closed as handled."),
        "false_alarm": _("Closed as a false alarm."),
        "useful": _("Marked as useful."),
    }[action]


@login_required
@require_POST
def flag(request: HttpRequest, mention_id: int) -> HttpResponse:
    """The 警 flag: anyone in a working role turns a mention into a warning."""
    mention = get_object_or_404(Mention, pk=mention_id)
    user = _me(request)
    if not can_flag(user):
        raise PermissionDenied
    form = FlagForm(request.POST, topics=flag_topics(mention))
    try:
        if not form.is_valid():  # a level that is not one, or a note of a book's length
            raise AlertError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        alert, told = flag_mention(
            mention,
            actor=user,
            note=form.cleaned_data["note"].strip(),
            level=form.cleaned_data["level"],
            topic_id=form.cleaned_data.get("topic"),
        )
    except AlertError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "alerts/_flag_error.html", {"error": str(exc)})
        messages.error(request, str(exc))
        return redirect("mentions:detail", mention_id=mention.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "alerts/_flagged.html", {"alert": alert, "told": told, "joined": not told}
        )
    if told:
        messages.success(request, sentences(_("Flagged as a warning."), where_flags_go()))
    else:
        messages.info(request, _("Already a warning; you are added to its timeline."))
    if user.has_perm("alerts.view_alert"):
        return redirect("alerts:detail", alert_id=alert.pk)
    return redirect("mentions:detail", mention_id=mention.pk)


@perm_required("alerts.report_warning")
def report(request: HttpRequest) -> HttpResponse:
    """A department liaison reports a warning by hand, with text and links."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        assert isinstance(user, User)  # noqa: S101
        try:
            alert, new = report_warning(
                actor=user,
                title=data["title"],
                text=data["text"],
                # One per line, as the field says: "not a link" is one bad line, not three.
                links=[
                    line.strip() for line in (data.get("links") or "").splitlines() if line.strip()
                ],
                level=data["level"],
                topic_id=data["topic"].pk if data.get("topic") else None,
            )
        except AlertError as exc:
            # Said at the field at fault (a bad link under Links), not above the form.
            field = {"topic_id": "topic"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            if new:
                messages.success(request, sentences(_("Warning reported."), where_flags_go()))
            else:  # a double click, or a second submit while the first was slow
                messages.info(request, already_reported(alert))
            if user.has_perm("alerts.view_alert"):
                return redirect("alerts:detail", alert_id=alert.pk)
            return redirect("dashboard")
    return render(request, "alerts/report.html", {"form": form, "where": where_flags_go()})


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count (htmx polls this fragment)."""
    unread = Notification.objects.filter(user=_me(request), read_at=None).count()
    return render(request, "alerts/_bell.html", {"unread": unread})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=_me(request)).select_related("alert")[:100]
    return render(request, "alerts/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=_me(request), read_at=None).update(read_at=timezone.now())
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "alerts/_bell.html", {"unread": 0})
    return redirect("alerts:notifications")


@perm_required("alerts.view_delivery")
def deliveries(request: HttpRequest) -> HttpResponse:
    rows = Delivery.objects.select_related("alert", "channel", "recipient")
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    channel = request.GET.get("channel", "")
    if channel_id := parse_int(channel):
        rows = rows.filter(channel_id=channel_id)
    elif channel == "remote":  # the bell's rows aside: most of the log (a zh trial)
        rows = rows.exclude(channel__kind="in_app")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/deliveries.html",
        {
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "channels": Channel.objects.all(),
            "channel": channel,
            "now": timezone.now(),
        },
    )
