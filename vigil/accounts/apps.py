from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
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
        user_logged_in.connect(_keep_sign_in_language, dispatch_uid="vigil-sign-in-language")


def _keep_sign_in_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A language chosen on the sign-in page becomes the profile's when it has none yet, so
    that e-mails follow the language the person reads the screens in (one chosen on the
    profile page is not overridden by a cookie left on a shared machine)."""
    from vigil.accounts.services import profile_of
    from vigil.accounts.views import keep_chosen_language

    chosen = getattr(request, "COOKIES", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen and not profile_of(user).language:
        keep_chosen_language(user, chosen)
