from __future__ import annotations

from django.urls import path

from vigil.alerts import views, views_config

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("news/", views.inbox_news, name="inbox-news"),
    path("<int:alert_id>/", views.detail, name="detail"),
    path("<int:alert_id>/act/", views.act, name="act"),
    path("ack/<str:token>/", views.ack_by_link, name="ack-link"),
    path("bulk/", views.bulk, name="bulk"),
    path("flag/<int:mention_id>/", views.flag, name="flag"),
    path("report/", views.report, name="report"),
    path("bell/", views.bell, name="bell"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("rules/", views_config.rule_list, name="rules"),
    path("rules/new/", views_config.rule_add, name="rule-add"),
    path("rules/levels/", views_config.response_targets_edit, name="response-targets"),
    path("rules/preview/", views_config.rule_preview, name="rule-preview"),
    path("rules/<int:rule_id>/edit/", views_config.rule_edit, name="rule-edit"),
    path("channels/", views_config.channel_list, name="channels"),
    path("channels/new/", views_config.channel_add, name="channel-add"),
    path("channels/<int:channel_id>/edit/", views_config.channel_edit, name="channel-edit"),
    path("channels/<int:channel_id>/test/", views_config.channel_test, name="channel-test"),
    path(
        "channels/<int:channel_id>/resend-failed/",
        views_config.channel_resend_failed,
        name="channel-resend-failed",
    ),
]
