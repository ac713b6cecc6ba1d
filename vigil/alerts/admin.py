from __future__ import annotations

from django.contrib import admin

from vigil.alerts.models import Alert, AlertRule, Channel, Delivery, ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ["level", "hours"]


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "topic", "plan", "level", "is_active"]
    list_filter = ["kind", "level", "is_active"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "state", "origin", "mention_count", "last_seen"]
    list_filter = ["state", "level", "origin"]
    raw_id_fields = ["rule", "topic"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active", "is_default", "consecutive_failures"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "alert",
        "channel",
        "recipient",
        "reason",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel"]
    raw_id_fields = ["alert", "recipient"]
