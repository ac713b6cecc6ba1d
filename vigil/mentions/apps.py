from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MentionsConfig(AppConfig):
    name = "vigil.mentions"
    verbose_name = _("Mentions")

    def ready(self) -> None:
        from vigil.mentions.search_index import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, dispatch_uid="vigil-mentions-fts")
