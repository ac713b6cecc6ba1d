"""Alerts, the mentions behind them, and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.alerts.texts import level_numeral, say_summary, say_title, with_news
from vigil.monitoring.models import WarningLevel


class Alert(models.Model):
    """One warning: a rule firing on a subject for one episode, a flag, or a report.

    ``key`` makes firing idempotent: the same rule, subject and episode always lands on
    the same row, which is updated (last seen, mention count) instead of duplicated.
    """

    class State(models.TextChoices):
        NEW = "new", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        HANDLED = "handled", _("handled")
        FALSE_ALARM = "false_alarm", _("false alarm")

    class Origin(models.TextChoices):
        RULE = "rule", _("rule")
        FLAG = "flag", _("flagged mention")
        REPORT = "report", _("reported by hand")

    class Feedback(models.TextChoices):
        NONE = "", _("no feedback")
        USEFUL = "useful", _("useful")
        FALSE_ALARM = "false_alarm", _("false alarm")

    key = models.CharField(max_length=120, unique=True)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    rule = models.ForeignKey(
        "alerts.AlertRule",
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    topic = models.ForeignKey(
        "monitoring.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    story_id = models.BigIntegerField(_("story"), null=True, blank=True, db_index=True)
    # Written once in the installation's language; a rule's alert also keeps what it says as
    # a code and parameters (alerts.texts), said in each reader's language. Empty codes: the
    # words people gave (a flag, a report, a mention quoted), or a row from before codes.
    title = models.CharField(_("title"), max_length=300)
    title_code = models.CharField(max_length=20, blank=True)
    title_params = models.JSONField(default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_code = models.CharField(max_length=20, blank=True)
    summary_params = models.JSONField(default=dict, blank=True)
    level = models.CharField(_("level"), max_length=3, choices=WarningLevel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.NEW, db_index=True
    )
    impact = models.FloatField(_("impact"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)  # the signal: counts, expected, p-value …
    first_seen = models.DateTimeField(_("first seen"), db_index=True)
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    mention_count = models.PositiveIntegerField(_("mentions"), default=0)
    mentions = models.ManyToManyField(
        "mentions.Mention", through="alerts.AlertMention", related_name="alerts", blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    feedback = models.CharField(
        _("feedback"), max_length=12, choices=Feedback.choices, default="", blank=True
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    escalation_step = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: The deadline the alert was given (its level's target when it fired, or when it was
    #: raised). Changing a target later applies to new alerts: a trial saw open alerts turn
    #: "overdue" at once while their messages and escalation kept the old time.
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    #: How ``respond_by`` was reached, to say why it is late and whether it was kept after
    #: the rule's holds changed: {"from": when it fired or was raised, "start": when the
    #: clock started, "held": "quiet_hours" | "weekend" | "", "level": the level timed}.
    response_clock = models.JSONField(default=dict, blank=True)
    #: The mention count people were last told of (when it fired, or grew fourfold since):
    #: a rule's alert that gathers four times as many tells them again.
    told_count = models.PositiveIntegerField(default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    # Hand-off point for the crisis-response work: the incident opened from this alert.
    incident_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        indexes = [models.Index(fields=["state", "level", "-last_seen"])]
        permissions = [
            ("report_warning", "Can report a warning by hand"),
            # Judging a warning (研判) is an analyst's work as much as a responder's.
            ("judge_alert", "Can judge an alert useful or a false alarm"),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"[{self.level}] {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's (the active) language."""
        return say_title(self.title_code, self.title_params, self.title)

    def audit_repr(self) -> str:
        """How the audit log names the alert: in the reader's language, not the language
        of the installation when it fired (a zh trial read English titles among Chinese)."""
        return f"[{level_numeral(self.level)}] {self.display_title}"

    @property
    def display_summary(self) -> str:
        """The summary in the reader's language when Vigil wrote it; else as written."""
        return say_summary(self.summary_code, self.summary_params, self.summary)

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.NEW, self.State.ACKNOWLEDGED)

    @property
    def grows_by_count(self) -> bool:
        """Its growth notices are about its count of matching mentions (every rule's but a
        volume spike's, which grows by rate)."""
        return self.title_code != "spike"

    @property
    def counts_negative_only(self) -> bool:
        """A negative-only spike rule's alert holds only the negative mentions of its burst."""
        return self.title_code == "spike" and bool(self.title_params.get("negative_only"))


class AlertMention(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="links_to_mentions")
    mention = models.ForeignKey("mentions.Mention", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "mention"], name="alertmention_unique")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.mention_id}"


class Notification(models.Model):
    """An in-app notice for one user (the bell): an alert, or a system notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=300)  # in its reader's language when it was sent
    # What it says, to be said again in the reader's language of the day: "alert.fired",
    # "alert.escalated", "alert.raised" (of ``alert``), or a system notice's code and params.
    code = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    level = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title[:60]}"

    @property
    def display_title(self) -> str:
        """The notice in the active language; as stored when it cannot be said again."""
        from vigil.accounts.notices import said_again

        if self.code.startswith("alert.") and self.alert is not None:
            news = self.code.removeprefix("alert.")
            return with_news(news, self.alert.display_title, by_count=self.alert.grows_by_count)
        return said_again(self.code, self.params, self.title)
