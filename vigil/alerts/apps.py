from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from vigil.accounts.audit import say_recorded_values_with
        from vigil.accounts.notices import say_notice
        from vigil.alerts import tasks  # noqa: F401 - registers deliver, close_buckets, escalate
        from vigil.alerts.audit_values import SAYERS
        from vigil.alerts.failure_labels import channel_failing_text, channel_recovered_text
        from vigil.alerts.services.firing import follow_merged_story
        from vigil.alerts.services.reports import PROGRESS_CODE, progress_text
        from vigil.alerts.transports import load_transports
        from vigil.analysis.signals import story_merged

        load_transports()
        say_notice("channel.failing", channel_failing_text)
        say_notice("channel.recovered", channel_recovered_text)
        say_notice(PROGRESS_CODE, progress_text)
        for (object_type, field), sayer in SAYERS.items():
            say_recorded_values_with(object_type, field, sayer)
        story_merged.connect(follow_merged_story, dispatch_uid="alerts.follow_merged_story")
