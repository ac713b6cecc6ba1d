from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from vigil.accounts.notices import say_notice
        from vigil.alerts import tasks  # noqa: F401 - registers deliver, close_buckets, escalate
        from vigil.alerts.failure_labels import channel_failing_text
        from vigil.alerts.transports import load_transports

        load_transports()
        say_notice("channel.failing", channel_failing_text)
