"""Stories (events) and analysts' corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    """A cluster of mentions about one event, with its growth and impact."""

    title = models.CharField(_("title"), max_length=300)
    first_seen = models.DateTimeField(_("first seen"), db_index=True)
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    size = models.PositiveIntegerField(_("mentions"), default=0)
    sources = models.PositiveIntegerField(_("sources"), default=0)
    growth_per_hour = models.PositiveIntegerField(_("mentions in the last hour"), default=0)
    negative_share = models.FloatField(_("negative share"), null=True, blank=True)
    top_terms = models.JSONField(default=list, blank=True)
    impact = models.FloatField(_("impact"), null=True, blank=True)
    impact_explained = models.JSONField(default=dict, blank=True)
    suggested_level = models.CharField(_("suggested level"), max_length=3, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title


class Correction(models.Model):
    """An analyst's correction of a model's output, kept for agreement figures and retraining."""

    class Field(models.TextChoices):
        SENTIMENT = "sentiment", _("sentiment")
        EMOTION = "emotion", _("emotion")
        RELEVANCE = "relevance", _("relevance")

    mention = models.ForeignKey(
        "mentions.Mention", on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(max_length=10, choices=Field.choices)
    model_value = models.CharField(max_length=10, blank=True)
    value = models.CharField(max_length=10)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.mention_id} {self.field}: {self.model_value} → {self.value}"


class SiteAuthority(models.Model):
    """An installation's own tier for a site, overriding the shipped default table."""

    class Tier(models.TextChoices):
        CENTRAL = "central", _("Central / official media")
        NATIONAL = "national", _("National media")
        INDUSTRY = "industry", _("Industry media")
        PORTAL = "portal", _("Portal")
        SELF_MEDIA = "self_media", _("Self-media")
        INDIVIDUAL = "individual", _("Individual")

    domain = models.CharField(_("domain"), max_length=255, unique=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("site authority")
        verbose_name_plural = _("site authorities")

    def __str__(self) -> str:
        return f"{self.domain}: {self.tier}"
