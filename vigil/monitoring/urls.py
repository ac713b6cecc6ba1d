from __future__ import annotations

from django.urls import path

from vigil.monitoring import views

app_name = "topics"

urlpatterns = [
    path("", views.topic_list, name="list"),
    path("new/", views.topic_add, name="add"),
    path("check/", views.query_check, name="check"),
    path("help/query/", views.query_help, name="query-help"),
    path("preview/", views.query_preview, name="preview"),
    path("plans/new/", views.plan_add, name="plan-add"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path("retro/<int:search_id>/", views.retro_progress, name="retro"),
    path("<int:topic_id>/", views.topic_detail, name="detail"),
    path("<int:topic_id>/edit/", views.topic_edit, name="edit"),
]
