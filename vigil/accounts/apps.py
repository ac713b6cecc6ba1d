from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from vigil.accounts.roles import ensure_roles_after_migrate

        # Roles are recomputed after every migrate so permissions of models added by
        # later apps are granted without a data migration per app.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="vigil-ensure-roles")
