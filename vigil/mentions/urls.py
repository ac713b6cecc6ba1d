from __future__ import annotations

from django.urls import path

from vigil.mentions import views

app_name = "mentions"

urlpatterns = [
    path("", views.mention_list, name="list"),
    path("export.csv", views.mention_export, name="export"),
    path("<int:mention_id>/", views.mention_detail, name="detail"),
]
