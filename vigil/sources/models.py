"""Where text comes from (``Source``) and what each fetch brought (``RawItem``, ``FetchRun``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    NEWS = "news", _("News")
    SOCIAL = "social", _("Social network")
    FORUM = "forum", _("Forum")
    BLOG = "blog", _("Blog")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class Source(models.Model):
    """A configured place to collect from: a feed, a site, an API search, a push endpoint."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    state = models.JSONField(_("state"), default=dict, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.NEWS
    )
    interval_seconds = models.PositiveIntegerField(_("interval (seconds)"), default=900)
    is_active = models.BooleanField(_("active"), default=True)
    paused_reason = models.CharField(_("paused because"), max_length=300, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)  # raw, English, for admins
    # What kind of failure it was, said in the reader's language (sources.failures); empty
    # for an uncommon failure or a row from before codes, which shows the raw text.
    last_error_code = models.CharField(_("last error code"), max_length=20, blank=True)
    last_error_params = models.JSONField(_("last error parameters"), default=dict, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @property
    def is_paused(self) -> bool:
        return not self.is_active

    @property
    def health(self) -> str:
        """ok / failing / paused / new — a word for the health badge."""
        if not self.is_active:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at is None:
            return "new"
        return "ok"


class FetchRun(models.Model):
    """One collection attempt of a source: the per-source history screen lists these."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    error_code = models.CharField(max_length=20, blank=True)  # as Source.last_error_code
    error_params = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("fetch run")
        verbose_name_plural = _("fetch runs")

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"


class RawItem(models.Model):
    """An item exactly as a connector yielded it, waiting for (or done with) the pipeline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("processed")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="raw_items")
    external_id = models.CharField(max_length=500)
    payload = models.JSONField(default=dict)
    fetched_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    mention = models.ForeignKey(
        "mentions.Mention", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="rawitem_unique_per_source"
            )
        ]
        indexes = [models.Index(fields=["status", "id"])]
        verbose_name = _("raw item")
        verbose_name_plural = _("raw items")

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"

    def field(self, name: str, default: Any = None) -> Any:
        return self.payload.get(name, default)
