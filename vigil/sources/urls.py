from __future__ import annotations

from django.urls import path

from vigil.sources import views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("<int:source_id>/", views.source_detail, name="detail"),
    path("<int:source_id>/pause/", views.pause, name="pause"),
    path("<int:source_id>/resume/", views.resume, name="resume"),
]
