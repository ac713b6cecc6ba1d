from __future__ import annotations

from django.urls import path

from vigil.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("stories/", views.story_list, name="stories"),
    path("stories/<int:story_id>/", views.story_detail, name="story"),
    path("mentions/<int:mention_id>/correct/", views.correct, name="correct"),
]
