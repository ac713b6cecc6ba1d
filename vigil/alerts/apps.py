from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from vigil.alerts import tasks  # noqa: F401 - registers deliver, close_buckets, escalate
        from vigil.alerts.services.firing import follow_merged_story
        from vigil.alerts.transports import load_transports
        from vigil.analysis.signals import story_merged

        load_transports()
        story_merged.connect(follow_merged_story, dispatch_uid="alerts.follow_merged_story")
