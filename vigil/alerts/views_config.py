"""Rule editor (with the 7-day preview), rule list, channel settings with “send test”."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vigil.accounts.people import person_name
from vigil.alerts.conditions import ConditionsError, routing_of, validate_conditions
from vigil.alerts.forms import CHANNEL_FIELDS_BY_KIND, ChannelForm, RuleForm
from vigil.alerts.models import AlertRule, Channel
from vigil.alerts.services import (
    RuleError,
    create_channel,
    create_rule,
    resend_failed,
    reset_response_target,
    response_targets,
    send_test,
    set_response_target,
    update_channel,
    update_rule,
)
from vigil.alerts.services.outcomes import failed_to_resend_counts
from vigil.alerts.services.preview import preview_rule
from vigil.alerts.services.routing import (
    describe_holds,
    describe_routings,
    heads_steps_without_heads,
    on_call_who_cannot_acknowledge,
    without_email,
)
from vigil.alerts.services.spikes import warmups
from vigil.alerts.transports import TransportError, build_transport
from vigil.lib.i18n import say_problem
from vigil.mentions.services import parse_int
from vigil.web.decorators import perm_required


@perm_required("alerts.view_alertrule")
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = AlertRule.objects.select_related("topic", "plan").annotate(
        fired=Count("alerts"),
        useful=Count("alerts", filter=Q(alerts__feedback="useful")),
        false_alarms=Count("alerts", filter=Q(alerts__feedback="false_alarm")),
    )
    rules = list(rules)
    routings = describe_routings({r.pk: r.routing for r in rules})
    learning = warmups(r.pk for r in rules if r.kind == AlertRule.Kind.SPIKE)
    for rule in rules:
        rule.tells = routings[rule.pk]  # type: ignore[attr-defined]
        rule.warmup = learning.get(rule.pk)  # type: ignore[attr-defined]
        rule.holds = describe_holds(rule.routing)  # type: ignore[attr-defined]
    return render(request, "alerts/rules.html", {"rules": rules, "targets": response_targets()})


@perm_required("alerts.change_responsetarget")
@require_POST
def response_targets_edit(request: HttpRequest) -> HttpResponse:
    """Save the four levels' response targets (hours) from the rules page."""
    try:
        with transaction.atomic():  # all four or none
            for target in response_targets():
                raw = request.POST.get(f"hours_{target.level}")
                if raw is None:
                    continue  # not on the form: unchanged
                raw = raw.strip().replace(",", ".")
                if raw:
                    set_response_target(target.level, float(raw), actor=request.user)  # type: ignore[arg-type]
                elif not target.is_default:  # a cleared field puts the default back
                    reset_response_target(target.level, actor=request.user)  # type: ignore[arg-type]
    except ValueError as exc:  # RuleError, or a number that is not one
        text = str(exc) if isinstance(exc, RuleError) else _("Give the hours as a number.")
        messages.error(request, text)
    else:
        messages.success(request, _("Response targets saved."))
    return redirect("alerts:rules")


def _rule_form_view(request: HttpRequest, rule: AlertRule | None) -> HttpResponse:
    initial = (
        RuleForm.initial_for(rule)
        if rule
        # Quiet hours are read in this zone: start from the editor's own clock.
        else {"is_active": True, "timezone": timezone.get_current_timezone_name()}
    )
    topic_id = parse_int(request.GET.get("topic"))
    if rule is None and topic_id:
        initial["topic"] = topic_id
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                rule = create_rule(actor=request.user, **form.rule_data())  # type: ignore[arg-type]
            else:
                update_rule(rule, actor=request.user, **form.rule_data(rule))  # type: ignore[arg-type]
        except RuleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Rule saved."))
            if describe_routings({rule.pk: rule.routing})[rule.pk].first == "—":
                # A trial's rule with nobody and no channel saved silently; its alerts told no one.
                messages.warning(
                    request,
                    _(
                        "This rule tells nobody: its alerts will only be listed in the Alerts "
                        "inbox. Choose people, roles, departments, an on-call list or channels."
                    ),
                )
            missing = without_email(routing_of(rule.routing))
            if missing:
                messages.warning(
                    request,
                    _(
                        "No e-mail address on the profile of: %(names)s. Personal e-mail "
                        "channels cannot reach them; they are told in the app only."
                    )
                    % {"names": ", ".join(person_name(u) for u in missing)},
                )
            if heads_steps_without_heads(rule):
                messages.warning(
                    request,
                    _(
                        "“Then escalate to the department heads” will tell nobody: no head is "
                        "set for the rule's departments. Set heads under Admin site › "
                        "Departments, or choose departments that have one."
                    ),
                )
            cannot_ack = on_call_who_cannot_acknowledge(routing_of(rule.routing))
            if cannot_ack:
                # A trial's on-call order of Analysts was told each step and had no Acknowledge
                # button: the ladder climbed to the end with nobody able to stop it.
                messages.warning(
                    request,
                    _(
                        "On call but not allowed to acknowledge alerts: %(names)s. Escalation "
                        "tells them, but only responders and administrators can acknowledge "
                        "and stop it."
                    )
                    % {"names": ", ".join(person_name(u) for u in cannot_ack)},
                )
            return redirect("alerts:rules")
    # The whole ladder in words, as the Rules page says it: steps set through the API (a role,
    # a person) have no field here, and a trial could not tell they existed.
    # Only when there are such steps: a form-made rule's note said "steps … were set through
    # the API" of its own on-call order (a trial).
    api_steps = [
        step
        for step in (routing_of(rule.routing).escalation if rule else [])
        if step.users or step.roles or not step.department_heads
    ]
    ladder = describe_routings({rule.pk: rule.routing})[rule.pk].then if rule and api_steps else []
    return render(request, "alerts/rule_form.html", {"form": form, "rule": rule, "ladder": ladder})


@perm_required("alerts.add_alertrule")
def rule_add(request: HttpRequest) -> HttpResponse:
    return _rule_form_view(request, None)


@perm_required("alerts.change_alertrule")
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _rule_form_view(request, get_object_or_404(AlertRule, pk=rule_id))


@perm_required("alerts.view_alertrule")
@require_POST
def rule_preview(request: HttpRequest) -> HttpResponse:
    """htmx: what this rule would have fired over the last 7 days."""
    form = RuleForm(request.POST)
    form.is_valid()  # routing errors do not matter for a preview
    data = form.cleaned_data
    topic, plan = data.get("topic"), data.get("plan")
    error = ""
    preview = None
    if topic is None and plan is None:
        error = _("Choose a topic or a plan first.")
    else:
        try:
            conditions = validate_conditions(data.get("kind", ""), form.conditions())
        except ConditionsError as exc:
            error = str(exc)
        else:
            topic_ids = (
                [topic.pk]
                if topic
                else list(plan.topics.filter(is_active=True).values_list("pk", flat=True))  # type: ignore[union-attr]
            )
            preview = preview_rule(
                kind=data["kind"],
                topic_ids=topic_ids,
                conditions=conditions,
                cooldown_minutes=data.get("cooldown_minutes") or 360,
                time_zone=data.get("timezone") or None,
            )
    return render(request, "alerts/_preview.html", {"preview": preview, "error": error})


@perm_required("alerts.view_channel")
def channel_list(request: HttpRequest) -> HttpResponse:
    channels = []
    failed = failed_to_resend_counts()
    for channel in Channel.objects.all():
        personal, kind = False, ""
        try:
            transport = build_transport(channel.kind, channel.config)
            described, personal = transport.describe(), transport.is_personal()
            kind = transport.form_label()
        except Exception:  # noqa: BLE001 - a broken config is shown, not raised
            described = _("invalid configuration")
        # A personal channel writes to each person an alert names, not to one shared place.
        personal = personal and channel.kind != "in_app"
        channels.append(
            {
                "channel": channel,
                "described": described,
                "personal": personal,
                "kind": kind or channel.kind_label,
                # Its own language of messages, when it has one (a trial could not tell).
                "language": dict(settings.LANGUAGES).get(channel.language, ""),
                "failed": failed.get(channel.pk, 0),
            }
        )
    return render(request, "alerts/channels.html", {"channels": channels, "form": ChannelForm()})


def _channel_form_view(request: HttpRequest, channel: Channel | None) -> HttpResponse:
    # A new channel's messages start in the language of whoever sets it up, when that is
    # not the installation's: a zh trial's new WeCom group would have read English.
    language = translation.get_language() or ""
    own = language if language != settings.LANGUAGE_CODE else ""
    initial = ChannelForm.initial_for(channel) if channel is not None else {"language": own}
    saved = ChannelForm.saved_password_of(channel) if channel is not None else ""
    form = ChannelForm(request.POST or None, initial=initial, saved_password=saved)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        old_secret = channel.config.get("secret") if channel is not None else None
        try:
            if channel is None:
                channel = create_channel(
                    name=data["name"],
                    kind=form.channel_kind(),
                    config=form.config(),
                    is_default=data["is_default"],
                    is_active=not data["paused"],
                    language=data.get("language") or "",
                    actor=request.user,  # type: ignore[arg-type]
                )
            else:
                update_channel(
                    channel,
                    actor=request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    config=form.config(),
                    is_default=data["is_default"],
                    is_active=not data["paused"],
                    language=data.get("language") or "",
                )
        except RuleError as exc:
            _refusal_on_form(form, exc)
        else:
            try:
                warning = build_transport(channel.kind, channel.config).save_warning()
            except TransportError:
                warning = ""
            if warning:
                messages.warning(request, warning)
            if channel.kind == "webhook" and channel.config.get("secret") != old_secret:
                # The receiver needs the secret to check signatures: show it where it is kept
                # (only when it is new: a trial read "give the receiver the secret" after
                # ticking "default", and thought the secret had changed).
                messages.success(
                    request, _("Channel saved. Give the receiver the signing secret below.")
                )
                return redirect("alerts:channel-edit", channel.pk)
            messages.success(request, _("Channel saved. Send a test to check it."))
            return redirect("alerts:channels")
    secret = channel.config.get("secret") if channel and channel.kind == "webhook" else None
    return render(
        request,
        "alerts/channel_form.html",
        {"form": form, "channel": channel, "secret": secret, "kinds": CHANNEL_FIELDS_BY_KIND},
    )


def _refusal_on_form(form: ChannelForm, exc: RuleError) -> None:
    """A refused configuration under the form's own field where it has one (the addresses),
    said without the stored key's English name (a zh trial read 「urls：Apprise 无法识别…」)."""
    placed = False
    for problem in exc.problems:
        key = str(problem["loc"][0]) if problem["loc"] else ""
        if key in form.fields:
            form.add_error(key, say_problem(problem["problem"], _))
            placed = True
    if not placed:
        form.add_error(None, str(exc))


@perm_required("alerts.add_channel")
def channel_add(request: HttpRequest) -> HttpResponse:
    return _channel_form_view(request, None)


@perm_required("alerts.change_channel")
def channel_edit(request: HttpRequest, channel_id: int) -> HttpResponse:
    return _channel_form_view(request, get_object_or_404(Channel, pk=channel_id))


def _channel_and_actor(request: HttpRequest, channel_id: int) -> tuple[Channel, User]:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the decorators let only signed-in users in
    return get_object_or_404(Channel, pk=channel_id), user


@perm_required("alerts.change_channel")
@require_POST
def channel_resend_failed(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel, user = _channel_and_actor(request, channel_id)
    resent = resend_failed(channel, actor=user)
    messages.success(
        request,
        ngettext(
            "%(n)s message is being sent again on %(channel)s.",
            "%(n)s messages are being sent again on %(channel)s.",
            resent,
        )
        % {"n": resent, "channel": channel.display_name},
    )
    return redirect("alerts:channels")


@perm_required("alerts.change_channel")
@require_POST
def channel_test(request: HttpRequest, channel_id: int) -> HttpResponse:
    channel, user = _channel_and_actor(request, channel_id)
    delivery = send_test(channel, actor=user)
    if request.htmx:  # type: ignore[attr-defined]
        try:
            personal = build_transport(channel.kind, channel.config).is_personal()
        except TransportError:
            personal = False  # a broken config: the result shows the error instead
        # The row's health follows the test at once (a trial's row said "not used yet" after
        # "✓ sent" until the page was reloaded).
        channel.refresh_from_db()
        return render(
            request,
            "alerts/_test_result.html",
            {"delivery": delivery, "personal": personal, "channel": channel},
        )
    if delivery.status == "sent":
        messages.success(request, _("Test message sent."))
    else:
        messages.error(request, _("The test failed: %(error)s") % {"error": delivery.error_label})
    return redirect("alerts:channels")
