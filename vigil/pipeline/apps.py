from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "vigil.pipeline"
    verbose_name = _("Pipeline")

    def ready(self) -> None:
        # Task functions register themselves with the runner on import.
        from vigil.pipeline import tasks  # noqa: F401
        from vigil.sources import tasks as source_tasks  # noqa: F401
