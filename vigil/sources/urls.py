from __future__ import annotations

from django.urls import path

from vigil.sources import views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("add/", views.source_add, name="add"),
    path("test/", views.source_test, name="test"),
    path("import/", views.import_file_view, name="import"),
    path("<int:source_id>/", views.source_detail, name="detail"),
    path("<int:source_id>/edit/", views.source_edit, name="edit"),
    path("<int:source_id>/pause/", views.pause, name="pause"),
    path("<int:source_id>/resume/", views.resume, name="resume"),
]
