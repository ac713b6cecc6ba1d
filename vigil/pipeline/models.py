"""Heartbeats: when a part of Vigil that runs by itself last showed it is alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last run of a routine, by name (``scheduler``: the last scheduled run). A dead
    ``vigil beat`` was invisible: health said ok while retries and escalations waited."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
