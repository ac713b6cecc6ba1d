"""Alert rules, response targets per warning level, and each rule's per-subject state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.monitoring.models import WarningLevel

#: Response-time targets in hours (I most severe); rows of ``ResponseTarget`` override them.
DEFAULT_RESPONSE_HOURS: dict[str, float] = {"I": 2, "II": 6, "III": 12, "IV": 24}
LEVEL_ORDER = ["IV", "III", "II", "I"]


def raised(level: str, steps: int = 1) -> str:
    """The level ``steps`` more severe than ``level`` (I is the ceiling)."""
    index = min(LEVEL_ORDER.index(level) + steps, len(LEVEL_ORDER) - 1)
    return LEVEL_ORDER[index]


def more_severe(a: str, b: str) -> str:
    return a if LEVEL_ORDER.index(a) >= LEVEL_ORDER.index(b) else b


class ResponseTarget(models.Model):
    """How long an alert of a level may stay unacknowledged before it escalates."""

    level = models.CharField(_("level"), max_length=3, choices=WarningLevel.choices, unique=True)
    hours = models.FloatField(_("response target (hours)"))

    class Meta:
        ordering = ["level"]
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")

    def __str__(self) -> str:
        # The level alone: the audit log names the row by it, and its hours there were
        # those of the moment (a zh trial read "III: 0.05 h" beside a change back to 12).
        return self.level


def response_windows() -> dict[str, dt.timedelta]:
    """Every level's response target, the configured row else the default, in one query
    (lists of alerts read it once)."""
    hours = {**DEFAULT_RESPONSE_HOURS, **dict(ResponseTarget.objects.values_list("level", "hours"))}
    return {level: dt.timedelta(hours=h) for level, h in hours.items()}


def response_window(level: str) -> dt.timedelta:
    """The response target of ``level`` (a day for a level Vigil does not know)."""
    return response_windows().get(level, dt.timedelta(hours=24))


class AlertRule(models.Model):
    """When to warn (``kind`` + validated ``conditions``) about a topic or a whole plan,
    at which level, and who hears about it (``routing``)."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keyword / sensitive words")
        SPIKE = "spike", _("Volume spike")
        NEGATIVE_SHARE = "negative_share", _("Negative share")
        AUTHORITY = "authority", _("Authoritative source or big account")
        STORY_GROWTH = "story_growth", _("Fast-growing story")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topic = models.ForeignKey(
        "monitoring.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_rules",
    )
    plan = models.ForeignKey(
        "monitoring.MonitoringPlan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_rules",
    )
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    level = models.CharField(
        _("warning level"), max_length=3, choices=WarningLevel.choices, default=WarningLevel.III
    )
    raise_at_impact = models.FloatField(
        _("raise the level at impact"),
        null=True,
        blank=True,
        help_text=_("When the impact score of the event passes this, the level goes up one step."),
    )
    routing = models.JSONField(_("routing"), default=dict, blank=True)
    cooldown_minutes = models.PositiveIntegerField(
        _("episode window (minutes)"),
        default=360,
        help_text=_("Activity within this window updates the open alert instead of a new one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__isnull=False) | models.Q(plan__isnull=False),
                name="alertrule_has_scope",
            )
        ]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name

    @property
    def scope_label(self) -> str:
        """What the rule watches, in the reader's language (the rules page)."""
        if self.topic_id:
            return str(self.topic)
        return gettext("%(plan)s (whole plan)") % {"plan": self.plan}

    def topic_ids(self) -> list[int]:
        """The active topics this rule watches."""
        from vigil.monitoring.models import Topic

        if self.topic_id:
            return [self.topic_id]
        return list(
            Topic.objects.filter(plan_id=self.plan_id, is_active=True).values_list("id", flat=True)
        )


class RuleSubject(models.Model):
    """A rule's memory of one subject (a topic or a story): the open episode, when it last
    fired, and for spike rules the detector's state and the last bucket it judged.

    One row per (rule, subject) stops a developing story from firing twenty alerts.
    """

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(max_length=40)  # "topic:12" or "story:7"
    episode = models.PositiveIntegerField(default=0)
    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_fired_at = models.DateTimeField(null=True, blank=True)
    detector_state = models.JSONField(default=dict, blank=True)
    last_bucket = models.DateTimeField(null=True, blank=True)  # start of the last judged bucket
    # When buckets were last judged (wall clock): matches stored since then for buckets
    # judged before are history that arrived late (a backfill in batches).
    judged_at = models.DateTimeField(null=True, blank=True)
    # Start of the first bucket judged after learning history: history that arrives in the
    # rule's first week of judging is learnt whole; later it is a feed's ordinary lateness.
    judging_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject"], name="rulesubject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.subject}#{self.episode}"

    def state(self) -> dict[str, Any]:
        return dict(self.detector_state or {})
