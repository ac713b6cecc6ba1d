from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "vigil.analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from vigil.accounts.audit import say_recorded_values_with
        from vigil.analysis import tasks  # noqa: F401 - registers the refine task
        from vigil.analysis.labels import CORRECTION_SAYERS

        for field, sayer in CORRECTION_SAYERS.items():
            say_recorded_values_with("mentions.mention", field, sayer)
