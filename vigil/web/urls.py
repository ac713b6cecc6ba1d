from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from vigil.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/recent/", views.recent_mentions, name="dashboard-recent"),
    path("dashboard/volume.json", views.volume_series, name="dashboard-volume"),
]
