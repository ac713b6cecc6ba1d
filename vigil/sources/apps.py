from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "vigil.sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from vigil.accounts.notices import say_notice
        from vigil.sources.connectors import load_connectors
        from vigil.sources.failure_labels import source_paused_text

        load_connectors()
        say_notice("source.paused", source_paused_text)
        # The demo replay is a connector like any other, kept beside its scenario data.
        from vigil.demo import connector  # noqa: F401
