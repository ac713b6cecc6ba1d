from __future__ import annotations

from django.contrib import admin

from vigil.sources.models import FetchRun, RawItem, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "channel",
        "is_active",
        "consecutive_failures",
        "last_success_at",
    ]
    list_filter = ["kind", "channel", "is_active"]
    search_fields = ["name"]


@admin.register(FetchRun)
class FetchRunAdmin(admin.ModelAdmin):
    list_display = ["source", "started_at", "fetched", "new", "error"]
    list_select_related = ["source"]


@admin.register(RawItem)
class RawItemAdmin(admin.ModelAdmin):
    list_display = ["source", "external_id", "status", "fetched_at"]
    list_filter = ["status"]
    list_select_related = ["source"]
    raw_id_fields = ["mention"]
