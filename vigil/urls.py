from __future__ import annotations

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from vigil.accounts.views import set_language
from vigil.api import api

admin.site.site_header = "Vigil"
admin.site.site_title = "Vigil admin"

urlpatterns = [
    # Browsers ask for /favicon.ico on every page, JSON ones included.
    path("favicon.ico", RedirectView.as_view(url=static("vigil/favicon.svg"), permanent=True)),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    # Django's language switch, which also keeps a signed-in person's choice on their profile.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("vigil.accounts.urls")),
    path("sources/", include("vigil.sources.urls")),
    path("mentions/", include("vigil.mentions.urls")),
    path("topics/", include("vigil.monitoring.urls")),
    path("analysis/", include("vigil.analysis.urls")),
    path("alerts/", include("vigil.alerts.urls")),
    path("", include("vigil.web.urls")),
]
