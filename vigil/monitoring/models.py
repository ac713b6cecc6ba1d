"""Monitoring plans, their topics (queries), versions of each topic, matches, retro searches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    """The four warning levels of Chinese emergency practice (I most severe)."""

    I = "I", _("I · red")  # noqa: E741
    II = "II", _("II · orange")
    III = "III", _("III · yellow")
    IV = "IV", _("IV · blue")


class MonitoringPlan(models.Model):
    """What the team watches and why: scope, owner, department; holds topics."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    scope = models.TextField(_("scope"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """One thing to watch (a brand, product, person, competitor …) as a query."""

    class Kind(models.TextChoices):
        BRAND = "brand", _("Brand")
        PRODUCT = "product", _("Product")
        PERSON = "person", _("Person")
        COMPETITOR = "competitor", _("Competitor")
        INDUSTRY = "industry", _("Industry")
        CUSTOM = "custom", _("Custom")

    plan = models.ForeignKey(
        MonitoringPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="topics"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BRAND)
    query = models.TextField(_("query"))
    exclude_query = models.TextField(_("exclusion query"), blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)  # [] = all
    languages = models.JSONField(_("languages"), default=list, blank=True)  # [] = all
    alert_level = models.CharField(
        _("default warning level"),
        max_length=3,
        choices=WarningLevel.choices,
        default=WarningLevel.III,
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="topic_unique_in_plan")
        ]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class TopicVersion(models.Model):
    """A topic as it was after each change, so any match can be explained later."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    query = models.TextField()
    exclude_query = models.TextField(blank=True)
    channels = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "version"], name="topic_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic} v{self.version}"


class Match(models.Model):
    """A mention matched a topic; the matched terms drive highlighting."""

    class Via(models.TextChoices):
        LIVE = "live", _("live")
        RETRO = "retro", _("retro search")

    mention = models.ForeignKey(
        "mentions.Mention", on_delete=models.CASCADE, related_name="matches"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="matches")
    terms = models.JSONField(default=list)
    spans = models.JSONField(default=dict)  # field -> [[start, end], …] for highlighting
    sentiment = models.CharField(max_length=8, blank=True)  # toward this topic
    sentiment_score = models.FloatField(null=True, blank=True)
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.LIVE)
    topic_version = models.PositiveIntegerField(default=1)
    matched_at = models.DateTimeField(auto_now_add=True)
    # Copied from the mention so per-topic volume over time is one index scan.
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mention", "topic"], name="match_unique")]
        indexes = [models.Index(fields=["topic", "published_at"])]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.mention_id}"


class RetroSearch(models.Model):
    """Matching a new or changed topic against stored mentions, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="retro_searches")
    topic_version = models.PositiveIntegerField()
    days = models.PositiveIntegerField(default=30)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    last_mention_id = models.BigIntegerField(default=0)  # resume point after a crash
    lease_until = models.DateTimeField(null=True, blank=True)  # a running search's claim
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"retro {self.topic} v{self.topic_version}: {self.status}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == self.Status.DONE
            else int(100 * self.processed / max(self.total, 1))
        )
