from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "vigil.analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from vigil.analysis import tasks  # noqa: F401 - registers the refine task
