"""Users' departments and preferences, API tokens, and the audit log."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A unit of the company (PR, customer service, legal …) that owns tasks and people."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        """The name in the user's language, falling back to the other one."""
        if language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name

    def audit_repr(self) -> str:
        return self.display_name(get_language() or "")


class Profile(models.Model):
    """Per-user settings that Django's User does not carry."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        # The audit log stores this as the object's name beside its type ("profile"):
        # English words here read as they were on a Chinese log (a zh trial).
        return str(self.user)


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, default="default")
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()


class AuditEntry(models.Model):
    """Who changed what, when, with the object's state before and after (JSON)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def changed_fields(self) -> dict[str, tuple[Any, Any]]:
        """Fields whose value differs between before and after, for display."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return {
            k: (before.get(k), after.get(k))
            for k in keys
            # "— → []" is no change (an escalation's empty list of steps passed over).
            if before.get(k) != after.get(k)
            and not (_empty(before.get(k)) and _empty(after.get(k)))
        }


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class SystemNotice(models.Model):
    """Something administrators must know about (a source paused, a channel failing).

    Recorded here; the alerting work delivers notices through channels.
    """

    class Level(models.TextChoices):
        INFO = "info", _("information")
        WARNING = "warning", _("warning")
        ERROR = "error", _("error")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.WARNING)
    code = models.CharField(max_length=60)
    message = models.TextField()  # written once, in the installation's language
    # What ``message`` says, to say it in the reader's language (``vigil.accounts.notices``);
    # empty for rows from before parameters, which show ``message``.
    params = models.JSONField(default=dict, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("system notice")
        verbose_name_plural = _("system notices")

    def __str__(self) -> str:
        return f"[{self.level}] {self.message[:80]}"
