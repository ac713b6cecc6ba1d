from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from vigil.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("tokens/new/", views.new_token, name="token-new"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="token-revoke"),
    path("audit/", views.audit_log, name="audit"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url="/accounts/password/done/"
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password-done",
    ),
]
