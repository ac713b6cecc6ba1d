from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "vigil.monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from vigil.monitoring import tasks  # noqa: F401 - registers the retro-search task
