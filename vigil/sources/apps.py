from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "vigil.sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from vigil.sources.connectors import load_connectors

        load_connectors()
        # The demo replay is a connector like any other, kept beside its scenario data.
        from vigil.demo import connector  # noqa: F401
