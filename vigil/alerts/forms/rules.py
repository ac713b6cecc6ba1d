"""The rule form: condition fields that depend on the kind, routing, the escalation ladder."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django import forms
from django.contrib.auth.models import Group, User
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vigil.accounts.forms import (
    DepartmentMultipleChoiceField,
    PersonMultipleChoiceField,
    RoleChoiceField,
    zone_choices,
)
from vigil.accounts.models import Department
from vigil.alerts.detectors.config import HOUR, SpikeConfig
from vigil.alerts.models import AlertRule, Channel
from vigil.alerts.services import spikes
from vigil.alerts.services.config import response_targets
from vigil.monitoring.models import MonitoringPlan, Topic, WarningLevel


def _ids(values: Any) -> list[int]:
    return [int(v.pk if hasattr(v, "pk") else v) for v in values or []]


def level_choices() -> list[tuple[str, str]]:
    """Each level with how soon it must be answered ("II 橙 · respond within 6 h"); the
    targets are configurable, so the words are read when a form is built."""
    return [
        (t.level, _("{level} · respond within {time}").format(level=t.label, time=t.duration))
        for t in response_targets()
    ]


def _on_call_labels(user_ids: list[int]) -> dict[int, str]:
    """How a saved on-call order reads back: each person's name as the lists show it, or the
    user name where two people share that name (a trial typed "Chen Jing" and read back
    "oncall2", a name the list above never showed)."""
    from vigil.accounts.people import person_name

    everyone = list(User.objects.all())
    named = Counter(person_name(u).casefold() for u in everyone)
    out = {}
    for user in everyone:
        if user.pk in user_ids:
            name = person_name(user)
            out[user.pk] = (
                name if named[name.casefold()] == 1 and "," not in name else user.username
            )
    return out


class _PersonPicker(PersonMultipleChoiceField):
    """People by name, with the user name beside it where it differs ("Chen Jing · oncall2"),
    so the list, its find box and the on-call order meet on either."""

    def label_from_instance(self, obj: Any) -> str:
        from vigil.accounts.people import person_name

        name = person_name(obj)
        return name if name == obj.username else f"{name} · {obj.username}"


def _on_call_names(text: str) -> list[tuple[str, Any]]:
    """The on-call order as typed, each entry with its user (None: nobody by that name).

    An entry is a user name or a person's name as the screens show it (the rule form's
    people list, the inbox's assign menu: "Chen Jing", 李伟): a trial typed "Chen Jing",
    as the list above the field named her, and read "Unknown user(s): Chen, Jing". Entries
    are separated by commas (also Chinese ，and 、), semicolons or new lines; an entry that
    is no user nor person is read as user names separated by spaces ("kim lee"), as before.
    """
    from vigil.accounts.people import person_name

    entries = [e.strip() for e in re.split(r"[,;\n，、；]", text or "") if e.strip()]
    if not entries:
        return []
    by_username = {u.username: u for u in User.objects.all()}
    by_name: dict[str, list[Any]] = {}
    for u in by_username.values():
        for key in {person_name(u).casefold(), " ".join(u.get_full_name().split()).casefold()}:
            if key:
                by_name.setdefault(key, []).append(u)

    def one(entry: str) -> Any:
        if entry in by_username:
            return by_username[entry]
        found = by_name.get(" ".join(entry.split()).casefold(), [])
        # Two people of the same name: the user name must say which.
        return found[0] if len(found) == 1 else None

    out: list[tuple[str, Any]] = []
    for entry in entries:
        user = one(entry)
        if user is not None or len(entry.split()) == 1:
            out.append((entry, user))
            continue
        words = entry.split()
        if all(w in by_username for w in words):
            out.extend((w, by_username[w]) for w in words)
        else:
            out.append((entry, None))
    return out


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AlertRule.Kind.choices)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.select_related("plan"),
        required=False,
        empty_label=_("— none in particular —"),
    )
    plan = forms.ModelChoiceField(
        label=_("or a whole plan"),
        queryset=MonitoringPlan.objects.all(),
        required=False,
        empty_label=_("— none in particular —"),
    )
    level = forms.ChoiceField(label=_("Warning level"), choices=WarningLevel.choices, initial="III")
    raise_at_impact = forms.FloatField(
        label=_("Raise the level at impact"), required=False, min_value=0, max_value=100
    )
    cooldown_minutes = forms.IntegerField(
        label=_("Episode window (minutes)"),
        initial=360,
        min_value=5,
        max_value=7 * 24 * 60,
        # Said, as 事件窗口 read as a story's (事件) window to a zh trial.
        help_text=_("Activity within this window updates the open alert instead of a new one."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    # Conditions: which fields apply depends on the kind (shown by the template).
    query = forms.CharField(
        label=_("Sensitive words (query)"),
        required=False,
        # Checked as it is typed, as on the topic form (a trial's bad query was refused only
        # on save, as a message above the form).
        widget=forms.TextInput(
            attrs={
                "class": "mono",
                "spellcheck": "false",
                "hx-post": reverse_lazy("topics:check"),
                "hx-trigger": "input changed delay:300ms, load",
                "hx-target": "#check-query",
                "hx-vals": '{"field": "query"}',
            }
        ),
        help_text=_("Empty: any new mention of the topic. e.g. 烫伤 OR 爆炸 OR recall"),
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=[
            ("low", _("low (about one a month)")),
            ("medium", _("medium (about one a week)")),
            ("high", _("high (several a week)")),
        ],
        initial="medium",
        required=False,
    )
    negative_only = forms.BooleanField(label=_("Negative mentions only"), required=False)
    # Bounds repeat the condition models' (alerts.conditions), so a wrong value is
    # reported next to its field, in the reader's language.
    threshold_percent = forms.FloatField(
        label=_("Negative share above (%)"),
        required=False,
        initial=40,
        min_value=0.1,
        max_value=100,
    )
    window_minutes = forms.IntegerField(
        label=_("Over (minutes)"), required=False, initial=60, min_value=5, max_value=7 * 24 * 60
    )
    min_mentions = forms.IntegerField(
        label=_("With at least (mentions)"),
        required=False,
        initial=20,
        min_value=1,
        max_value=100_000,
    )
    min_followers = forms.IntegerField(
        label=_("Author followers at least"), required=False, min_value=1
    )
    sites = forms.CharField(
        label=_("Authoritative sites"),
        required=False,
        help_text=_("One per line, e.g. people.com.cn"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_per_hour = forms.IntegerField(
        label=_("Story grows by at least (per hour)"),
        required=False,
        initial=20,
        min_value=1,
        max_value=1_000_000,
    )
    # Routing.
    # Tick boxes, not Ctrl-click lists: a trial's team lead lost her earlier choices with
    # one plain click. The people list gets a filter box on the page when it is long.
    users = _PersonPicker(
        label=_("Tell these people"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "pick-list"}),
    )
    roles = RoleChoiceField(
        label=_("Tell these roles"),
        queryset=Group.objects.all(),
        required=False,
        to_field_name="name",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "pick-list"}),
    )
    departments = DepartmentMultipleChoiceField(
        label=_("Tell these departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "pick-list"}),
    )
    on_call = forms.CharField(
        label=_("On-call order (first is told first)"),
        required=False,
        # What the page shows without its script (oncall.js builds the order as a list).
        widget=forms.TextInput(
            attrs={"placeholder": _("Names or user names, separated by commas")}
        ),
        help_text=_(
            "Unacknowledged within the level's target: the next person is told, in the app and "
            "through personal channels (e-mail to each recipient's address)."
        ),
    )
    escalate_to_heads = forms.BooleanField(
        label=_("Then escalate to the department heads"), required=False
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.exclude(kind="in_app"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the default channels. In-app is always on."),
    )
    quiet_start = forms.TimeField(label=_("Quiet from"), required=False)
    quiet_end = forms.TimeField(label=_("Quiet until"), required=False)
    mute_weekends = forms.BooleanField(label=_("Hold at weekends"), required=False)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=zone_choices,
        initial="UTC",
        help_text=_(
            "Quiet hours, weekends and the daily digest (09:00) follow this zone, and so do a "
            "spike rule's days (its weekly rhythm): changing it makes the rule learn its history "
            "again."
        ),
    )
    digest = forms.ChoiceField(
        label=_("Digest (level IV)"),
        choices=[("", _("no, send each")), ("hourly", _("hourly")), ("daily", _("daily"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each level says how soon it must be answered (the targets are configurable).
        self.fields["level"].choices = level_choices()

    @property
    def on_call_people(self) -> list[dict[str, Any]]:
        """Everyone the on-call order may name, for the page's ordered picker (oncall.js):
        labelled as the people list labels them; deactivated people only to mark a saved
        order that still names them."""
        from vigil.accounts.people import person_name
        from vigil.alerts.services.routing import can_acknowledge

        label = self.fields["users"].label_from_instance
        users = sorted(User.objects.all(), key=lambda u: person_name(u).casefold())
        return [
            {
                "username": u.username,
                "name": person_name(u),
                "label": label(u),
                "active": u.is_active,
                "can_ack": can_acknowledge(u),
            }
            for u in users
        ]

    @property
    def spike_learning_help(self) -> str:
        """What a spike rule learns from, in the history it really reads (spikes.LEARN_HISTORY): a
        trial's users did not know it learns the weekly rhythm, nor that it gets sharper."""
        days = spikes.LEARN_HISTORY.days
        return ngettext(
            "Learns the topic's usual volume for each hour and weekday from up to %(days)s day "
            "of its stored mentions; it can alert after one day, and is sharper once it has seen "
            "every weekday.",
            "Learns the topic's usual volume for each hour and weekday from up to %(days)s days "
            "of its stored mentions; it can alert after one day, and is sharper once it has seen "
            "every weekday.",
            days,
        ) % {"days": days}

    @property
    def spike_quiet_help(self) -> str:
        """What the spike detector does after it fires, in its own numbers (SpikeConfig): a
        trial read the 6-hour episode window as the longest a spike rule stays quiet."""
        cfg = SpikeConfig()
        hours = cfg.cooldown_seconds / HOUR
        return ngettext(
            "After a spike alert the topic stays quiet for %(hours)s hour, unless its volume "
            "reaches %(ratio)s times the rate that fired.",
            "After a spike alert the topic stays quiet for %(hours)s hours, unless its volume "
            "reaches %(ratio)s times the rate that fired.",
            1 if hours == 1 else 2,
        ) % {"hours": f"{hours:g}", "ratio": f"{cfg.escalation_ratio:g}"}

    def clean(self) -> dict[str, Any]:
        """Routing mistakes said next to their field, in the reader's language (the service
        checks the same, in English, for the API)."""
        data = super().clean() or {}
        if data.get("topic") and data.get("plan"):
            # A trial chose both and the plan was dropped in silence.
            self.add_error(
                "plan",
                _("Choose a topic or a whole plan, not both: clear one of them."),
            )
        if data.get("digest") and data.get("level") and data["level"] != "IV":
            self.add_error(
                "digest",
                _("A digest is for level IV rules only: choose level IV, or send each."),
            )
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_end" if end is None else "quiet_start",
                _("Give both the start and the end of the quiet hours."),
            )
        elif start is not None and start == end:
            self.add_error(
                "quiet_end", _("Quiet hours that start and end at the same time hold nothing.")
            )
        return data

    def clean_on_call(self) -> list[int]:
        names = _on_call_names(self.cleaned_data.get("on_call", ""))
        users = {n: u for n, u in names if u is not None}
        order = [n for n, _u in names]
        problems = []
        missing = [n for n, u in names if u is None]
        if missing:
            problems.append(
                _(
                    "Unknown person or user name: %(names)s (type a user name, or a name as the "
                    "lists above show it, and separate people with commas)"
                )
                % {"names": ", ".join(missing)}
            )
        inactive = [n for n in dict.fromkeys(order) if n in users and not users[n].is_active]
        if inactive:
            problems.append(
                _("Deactivated user(s) cannot be on call: %(names)s")
                % {"names": ", ".join(inactive)}
            )
        # The same person named twice, even once by name and once by user name.
        pks = [users[n].pk for n in order if n in users]
        twice = [n for n in dict.fromkeys(order) if n in users and pks.count(users[n].pk) > 1]
        if twice:
            problems.append(
                _("Named more than once: %(names)s (each person is one step of the order)")
                % {"names": ", ".join(twice)}
            )
        if problems:
            raise forms.ValidationError(problems)
        return pks

    def conditions(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data.get("kind")
        keys = {
            "keyword": ["query"],
            "spike": ["sensitivity", "negative_only"],
            "negative_share": ["threshold_percent", "window_minutes", "min_mentions"],
            "authority": ["min_followers"],
            "story_growth": ["min_per_hour"],
        }.get(kind or "", [])
        out = {k: data[k] for k in keys if data.get(k) not in (None, "")}
        if kind == "authority":
            out["sites"] = [s for s in (data.get("sites") or "").split() if s]
        return out

    def routing(self, kept_ladder: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The routing the form says. ``kept_ladder``: the edited rule's escalation steps,
        which the form shows only as "then the department heads": the others (set through
        the API: a role, a person) are kept, not dropped by a save that did not touch them."""
        data = self.cleaned_data
        heads = bool(data.get("escalate_to_heads"))
        ladder = []
        for step in kept_ladder or []:
            if step.get("department_heads") and not heads:
                # Its departments said whose heads: without the heads they go too.
                step = {**step, "department_heads": False, "departments": []}
                if not any(step.get(k) for k in ("users", "roles", "departments")):
                    continue
            elif step.get("department_heads"):
                # The heads of the departments the form names now, not of those it named when
                # the step was first saved (a trial chose a department later; the step kept
                # its empty list and told nobody).
                step = {**step, "departments": _ids(data.get("departments"))}
            ladder.append(step)
        if heads and not any(s.get("department_heads") for s in ladder):
            ladder.append({"departments": _ids(data.get("departments")), "department_heads": True})
        return {
            "recipients": {
                "users": _ids(data.get("users")),
                "roles": [g.name for g in data.get("roles") or []],
                "departments": _ids(data.get("departments")),
            },
            "on_call": data.get("on_call") or [],
            "escalation": ladder,
            "channels": _ids(data.get("channels")),
            "quiet_start": data["quiet_start"].isoformat() if data.get("quiet_start") else None,
            "quiet_end": data["quiet_end"].isoformat() if data.get("quiet_end") else None,
            "mute_weekends": bool(data.get("mute_weekends")),
            "timezone": data.get("timezone") or "UTC",
            "digest": data.get("digest") or "",
        }

    def rule_data(self, rule: AlertRule | None = None) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "topic": data.get("topic"),
            "plan": data.get("plan") if not data.get("topic") else None,
            "level": data["level"],
            "raise_at_impact": data.get("raise_at_impact"),
            "cooldown_minutes": data["cooldown_minutes"],
            "is_active": bool(data.get("is_active")),
            "conditions": self.conditions(),
            "routing": self.routing((rule.routing or {}).get("escalation") if rule else None),
        }

    @staticmethod
    def initial_for(rule: AlertRule) -> dict[str, Any]:
        routing = rule.routing or {}
        recipients = routing.get("recipients", {})
        cond = rule.conditions or {}
        on_call = _on_call_labels(routing.get("on_call", []))
        return {
            "name": rule.name,
            "kind": rule.kind,
            "topic": rule.topic_id,
            "plan": rule.plan_id,
            "level": rule.level,
            "raise_at_impact": rule.raise_at_impact,
            "cooldown_minutes": rule.cooldown_minutes,
            "is_active": rule.is_active,
            **{k: v for k, v in cond.items() if k != "sites"},
            "sites": "\n".join(cond.get("sites", [])),
            "users": recipients.get("users", []),
            "roles": recipients.get("roles", []),
            "departments": recipients.get("departments", []),
            "on_call": ", ".join(on_call.get(pk, "") for pk in routing.get("on_call", [])),
            "escalate_to_heads": any(
                s.get("department_heads") for s in routing.get("escalation", [])
            ),
            "channels": routing.get("channels", []),
            "quiet_start": routing.get("quiet_start"),
            "quiet_end": routing.get("quiet_end"),
            "mute_weekends": routing.get("mute_weekends", False),
            "timezone": routing.get("timezone", "UTC"),
            "digest": routing.get("digest", ""),
        }
