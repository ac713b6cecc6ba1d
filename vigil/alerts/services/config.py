"""Creating and changing alert rules and channels: validated, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.audit import record_audit, snapshot
from vigil.accounts.models import Department
from vigil.accounts.roles import ROLE_NAMES
from vigil.alerts.conditions import ConditionsError, validate_conditions, validate_routing
from vigil.alerts.models import AlertRule, Channel, ResponseTarget
from vigil.alerts.models.rules import DEFAULT_RESPONSE_HOURS
from vigil.alerts.services.firing import unknown_level
from vigil.alerts.services.held import HOLD_KEYS, rehold_pending
from vigil.alerts.services.outcomes import retry_waiting
from vigil.alerts.transports import InvalidConfig, validate_transport_config
from vigil.lib.i18n import say_problem
from vigil.monitoring.models import MonitoringPlan, Topic, WarningLevel
from vigil.pipeline.runner import enqueue

RULE_FIELDS = [
    "name",
    "kind",
    "topic",
    "plan",
    "conditions",
    "level",
    "raise_at_impact",
    "routing",
    "cooldown_minutes",
    "is_active",
]
CHANNEL_FIELDS = ["name", "kind", "is_active", "is_default", "language"]


class RuleError(ValueError):
    """A rule or channel that cannot be saved; ``field`` says where."""

    def __init__(
        self, message: str, *, field: str = "", problems: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.problems = problems or []  # inside ``field``, as ``ConditionsError.problems``


def _row(model: type[Topic] | type[MonitoringPlan], value: Any, field: str) -> Any:
    """An id given through the API becomes its row; an unknown id is refused by name."""
    if not isinstance(value, int):
        return value
    row = model.objects.filter(pk=value).first()
    if row is None:
        raise RuleError(
            _("there is no %(thing)s with id %(id)s")
            % {"thing": model._meta.verbose_name, "id": value},
            field=field,
        )
    return row


def _check_routing_targets(routing: dict[str, Any]) -> None:
    """Channels, users and departments named by id must exist: a typo would otherwise
    mean that nobody, or no channel, ever hears about the rule's alerts."""
    steps = [routing["recipients"], *routing["escalation"]]
    missing: list[str] = []
    channels = set(routing["channels"])
    known = set(Channel.objects.filter(pk__in=channels).values_list("pk", flat=True))
    if channels - known:
        missing.append(_("channels %(ids)s") % {"ids": _ids(channels - known)})
    users = set(routing["on_call"]).union(*(step["users"] for step in steps))
    known = set(User.objects.filter(pk__in=users).values_list("pk", flat=True))
    if users - known:
        missing.append(_("users %(ids)s") % {"ids": _ids(users - known)})
    departments: set[int] = set().union(*(step["departments"] for step in steps))
    known = set(Department.objects.filter(pk__in=departments).values_list("pk", flat=True))
    if departments - known:
        missing.append(_("departments %(ids)s") % {"ids": _ids(departments - known)})
    roles: set[str] = set().union(*(step["roles"] for step in steps))
    if roles - set(ROLE_NAMES):
        missing.append(_("roles %(ids)s") % {"ids": ", ".join(sorted(roles - set(ROLE_NAMES)))})
    if missing:
        raise RuleError(
            _("the routing names what does not exist: %(what)s") % {"what": "; ".join(missing)},
            field="routing",
        )


def _ids(ids: set[int]) -> str:
    return ", ".join(str(i) for i in sorted(ids))


def _clean_rule(data: dict[str, Any], *, check_targets: bool = True) -> dict[str, Any]:
    """``check_targets``: whether the routing was given now (a change to another field of
    a rule whose channel was since deleted is not refused for it)."""
    clean = dict(data)
    clean["name"] = (clean.get("name") or "").strip()
    if not clean["name"]:
        raise RuleError(_("a rule needs a name"), field="name")
    topic = clean["topic"] = _row(Topic, clean.get("topic"), "topic")
    plan = clean["plan"] = _row(MonitoringPlan, clean.get("plan"), "plan")
    if (topic is None) == (plan is None):
        raise RuleError(_("choose either a topic or a plan"), field="topic")
    if clean.get("level", WarningLevel.III) not in WarningLevel.values:
        raise RuleError(unknown_level(clean.get("level")), field="level")
    try:
        clean["conditions"] = validate_conditions(clean.get("kind", ""), clean.get("conditions"))
    except ConditionsError as exc:
        raise RuleError(str(exc), field="conditions", problems=exc.problems) from None
    try:
        clean["routing"] = validate_routing(clean.get("routing"))
    except ConditionsError as exc:
        raise RuleError(str(exc), field="routing", problems=exc.problems) from None
    if check_targets:
        _check_routing_targets(clean["routing"])
    digest = clean["routing"].get("digest")
    if digest and clean.get("level", WarningLevel.III) != WarningLevel.IV:
        raise RuleError(_("digests are for level IV rules only"), field="routing")
    return clean


@transaction.atomic
def create_rule(*, actor: User | None = None, **data: Any) -> AlertRule:
    clean = _clean_rule(data)
    rule = AlertRule.objects.create(
        created_by=actor if isinstance(actor, User) else None,
        **{k: v for k, v in clean.items() if k in RULE_FIELDS},
    )
    record_audit(actor, "alertrule.created", rule, after=snapshot(rule, RULE_FIELDS))
    return rule


@transaction.atomic
def update_rule(
    rule: AlertRule, *, actor: User | None = None, now: dt.datetime | None = None, **data: Any
) -> AlertRule:
    """Change the given fields; the rule's waiting messages are re-timed (at ``now``) when
    its quiet hours, weekend rule, time zone or digest change."""
    merged: dict[str, Any] = {
        **{k: getattr(rule, k) for k in RULE_FIELDS},
        **data,
    }
    if "topic" in data and data["topic"] is not None and "plan" not in data:
        merged["plan"] = None
    if "plan" in data and data["plan"] is not None and "topic" not in data:
        merged["topic"] = None
    clean = _clean_rule(merged, check_targets="routing" in data)
    before = snapshot(rule, RULE_FIELDS)
    for key in RULE_FIELDS:
        setattr(rule, key, clean[key])
    after = snapshot(rule, RULE_FIELDS)
    if after != before:  # a repeated PATCH changes nothing, not even updated_at
        rule.save(update_fields=[*RULE_FIELDS, "updated_at"])
        record_audit(actor, "alertrule.changed", rule, before=before, after=after)
        old_hold = {k: (before["routing"] or {}).get(k) for k in HOLD_KEYS}
        if old_hold != {k: (after["routing"] or {}).get(k) for k in HOLD_KEYS}:
            rehold_pending(rule, now)
        if before["conditions"] != after["conditions"] or before["kind"] != after["kind"]:
            # A spike rule with new conditions learns its baseline again from history.
            rule.subjects.update(detector_state={}, last_bucket=None)
    return rule


def _check_language(language: str) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    if language and language not in codes:
        raise RuleError(
            _("language: one of %(codes)s, or empty for the installation's")
            % {"codes": ", ".join(codes)},
            field="language",
        )


def _clean_channel(kind: str, name: str, config: dict[str, Any] | None) -> dict[str, Any]:
    if not name.strip():
        raise RuleError(_("a channel needs a name"), field="name")
    try:
        return validate_transport_config(kind, config)
    except InvalidConfig as exc:
        said = _("; ").join(
            _("%(field)s: %(problem)s") % {"field": p["field"], "problem": say_problem(p, _)}
            for p in exc.problems
        )
        # Each problem apart, by the key at fault: the API's details point at config.url,
        # not at config (an integrator's trial), and the form puts it under its own field.
        problems = [
            {
                "loc": p["field"].split("."),
                "msg": p.get("text", ""),
                "type": p.get("type", "value_error"),
                "problem": {k: v for k, v in p.items() if k != "field"},
            }
            for p in exc.problems
        ]
        raise RuleError(said, field="config", problems=problems) from None
    except Exception as exc:  # TransportError for an unknown kind
        raise RuleError(str(exc), field="kind") from None


@transaction.atomic
def create_channel(
    *,
    name: str,
    kind: str,
    config: dict[str, Any] | None = None,
    is_default: bool = False,
    is_active: bool = True,
    language: str = "",
    actor: User | None = None,
) -> Channel:
    clean = _clean_channel(kind, name, config)
    _check_language(language)
    if Channel.objects.filter(name=name.strip()).exists():
        raise RuleError(
            _("a channel named “%(name)s” exists") % {"name": name.strip()}, field="name"
        )
    channel = Channel.objects.create(
        name=name.strip(),
        kind=kind,
        config=clean,
        is_default=is_default,
        is_active=is_active,
        language=language,
        created_by=actor if isinstance(actor, User) else None,
    )
    record_audit(actor, "channel.created", channel, after=snapshot(channel, CHANNEL_FIELDS))
    return channel


@transaction.atomic
def update_channel(channel: Channel, *, actor: User | None = None, **data: Any) -> Channel:
    before = snapshot(channel, CHANNEL_FIELDS)
    old_config = dict(channel.config)
    name = data.get("name", channel.name)
    if "config" in data:
        channel.config = _clean_channel(channel.kind, name, {**channel.config, **data["config"]})
    if "language" in data:
        _check_language(data["language"])
    for key in ("name", "is_active", "is_default", "language"):
        if key in data:
            setattr(channel, key, data[key])
    if not channel.name.strip():
        raise RuleError(_("a channel needs a name"), field="name")
    channel.save()
    after = snapshot(channel, CHANNEL_FIELDS)
    record_audit(actor, "channel.changed", channel, before=before, after=after)
    mended = channel.config != old_config or (channel.is_active and not before["is_active"])
    if mended and channel.is_active and retry_waiting(channel, timezone.now()):
        # A trial mended a refused webhook; its waiting messages sat out their backoff anyway.
        transaction.on_commit(lambda: enqueue("alerts.deliver"))
    return channel


@dataclass(frozen=True)
class LevelTarget:
    """One warning level's response target as the screens show it."""

    level: str
    label: str
    hours: float
    is_default: bool

    @property
    def default_hours(self) -> float:
        """What to type to put the target back (a trial cleared the field and nothing changed)."""
        return DEFAULT_RESPONSE_HOURS[self.level]

    @property
    def duration(self) -> str:
        """ "30 min" under an hour, else "6 h": a trial target of 0.05 h reads as 3 min."""
        if self.hours < 1:
            return _("{minutes} min").format(minutes=round(self.hours * 60))
        return _("{hours} h").format(hours=f"{self.hours:g}")


def response_targets() -> list[LevelTarget]:
    """The four levels, most severe first, with the hours an alert may stay unacknowledged."""
    stored = dict(ResponseTarget.objects.values_list("level", "hours"))
    return [
        LevelTarget(
            level=level.value,
            label=str(level.label),
            hours=stored.get(level.value, DEFAULT_RESPONSE_HOURS[level.value]),
            is_default=level.value not in stored,
        )
        for level in WarningLevel
    ]


#: Three minutes (for a trial) up to a month.
TARGET_HOURS_RANGE = (0.05, 720.0)


@transaction.atomic
def set_response_target(level: str, hours: float, *, actor: User | None = None) -> None:
    """Change how long alerts of ``level`` may wait before they escalate (audited).

    Open alerts keep the deadline they were given; the new target applies from their next
    escalation step and to new alerts.
    """
    if level not in WarningLevel.values:
        raise RuleError(unknown_level(level), field="level")
    low, high = TARGET_HOURS_RANGE
    if not low <= hours <= high:
        # Said in the reader's language: a Chinese rules page read this in English.
        raise RuleError(
            _("a response target is between {low} and {high} hours").format(
                low=f"{low:g}", high=f"{high:g}"
            ),
            field=level,
        )
    row = ResponseTarget.objects.filter(level=level).first()
    before = {"level": level, "hours": row.hours if row else DEFAULT_RESPONSE_HOURS[level]}
    if before["hours"] == hours:
        return
    row, _created = ResponseTarget.objects.update_or_create(level=level, defaults={"hours": hours})
    after = {"level": level, "hours": hours}
    record_audit(actor, "response_target.changed", row, before=before, after=after)


@transaction.atomic
def reset_response_target(level: str, *, actor: User | None = None) -> None:
    """Put ``level`` back on its default target (audited); nothing when it is already there.

    A trial cleared a changed target's field to undo it, and nothing happened.
    """
    row = ResponseTarget.objects.filter(level=level).first()
    if row is None:
        return
    before = {"level": level, "hours": row.hours}
    after = {"level": level, "hours": DEFAULT_RESPONSE_HOURS[level]}
    record_audit(actor, "response_target.changed", row, before=before, after=after)
    row.delete()
