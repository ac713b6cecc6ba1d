"""Where notices go (``Channel``) and the outbox of sends (``Delivery``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.alerts.failure_labels import delivery_error_label

_KIND_LABELS = {
    "apprise": _("Apprise (e-mail, chat, SMS)"),
    "webhook": _("Signed webhook"),
    "in_app": _("In-app"),
}


def kind_label(kind: str) -> str:
    """A channel kind by its label ("Signed webhook", not ``webhook``)."""
    return str(_KIND_LABELS.get(kind, kind))


_HEALTH_LABELS = {
    "paused": _("paused"),
    "failing": _("failing"),
    "new": _("not used yet"),
    "ok": _("working"),
}


class Channel(models.Model):
    """A configured transport (an Apprise URL, a signed webhook, in-app); ``config`` is
    checked by the transport's pydantic model (``vigil.alerts.transports``)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default channel"),
        default=False,
        help_text=_(
            "Also used for flagged mentions, hand-made reports and rules without channels."
        ),
    )
    #: What a shared channel's messages are written in (a team chat, a group mailbox, a
    #: webhook's text); empty: the installation's (VIGIL_LANGUAGE). A personal channel writes
    #: in each recipient's own language, and in this one for people who have not chosen.
    language = models.CharField(_("language of messages"), max_length=10, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)  # raw, English, for admins
    # What kind of failure it was, said in the reader's language (alerts.failures); empty
    # for an uncommon failure or a row from before codes, which shows the raw text.
    last_error_code = models.CharField(_("last error code"), max_length=20, blank=True)
    last_error_params = models.JSONField(_("last error parameters"), default=dict, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)  # administrators told it fails
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The built-in in-app channel is stored as "In-app" but read in the viewer's language."""
        return str(_("In-app")) if self.kind == "in_app" else self.name

    def audit_repr(self) -> str:
        return self.display_name

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def health_label(self) -> str:
        return str(_HEALTH_LABELS.get(self.health, self.health))

    @property
    def error_label(self) -> str:
        """The last error in the reader's language (the raw text when it has no code)."""
        return delivery_error_label(self.last_error_code, self.last_error_params, self.last_error)

    @property
    def health(self) -> str:
        if self.kind == "in_app":
            return "ok"  # writes rows in Vigil's own database: it cannot fail on its own
        if not self.is_active:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at is None:
            return "new"
        return "ok"


class Delivery(models.Model):
    """One send of one alert to one channel (and, for personal channels, one user).

    An outbox row: created in the alert's transaction, sent by the ``alerts.deliver``
    task, which claims it with a conditional UPDATE so two workers never send it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery status", "pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # Not sent: the alert was closed (handled or a false alarm) before the notice was due.
        WITHDRAWN = "withdrawn", _("withdrawn (alert closed)")
        # Not sent: a later message about the same alert to the same receiver, due at the
        # same time or sooner, says the alert as it stands (``merged_into``).
        MERGED = "merged", _("merged into a later message")

    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alert_deliveries",
    )
    recipient_key = models.CharField(max_length=20, default="", blank=True)  # "" or user id
    reason = models.CharField(
        max_length=20, default="fired"
    )  # fired | raised | escalated:N | grew:N | test
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    digest = models.BooleanField(default=False)  # held and sent with others in one message
    held_reason = models.CharField(max_length=20, blank=True)  # quiet_hours|weekend|digest|paced
    #: The message that went instead of this one (status ``merged``): held growth notices
    #: released together went as one (a zh trial's group mailbox got three at 08:00:04).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # raw, English, for admins
    last_error_code = models.CharField(max_length=20, blank=True)  # as Channel.last_error_code
    last_error_params = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "channel", "recipient_key", "reason"], name="delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.alert_id}→{self.channel_id}/{self.recipient_key or '*'} {self.status}"

    @property
    def error_label(self) -> str:
        """The last error in the reader's language (the raw text when it has no code)."""
        return delivery_error_label(self.last_error_code, self.last_error_params, self.last_error)

    @property
    def status_label(self) -> str:
        """The status in the reader's language; a merged row names the row that went."""
        if self.status == self.Status.MERGED and self.merged_into_id:
            return str(_("merged into message #{id}")).format(id=self.merged_into_id)
        return str(self.get_status_display())
