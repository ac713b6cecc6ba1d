from __future__ import annotations

from django.contrib import admin

from vigil.mentions.models import Mention


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["headline", "channel", "site", "lang", "published_at"]
    list_filter = ["channel", "lang"]
    search_fields = ["title", "text", "site", "author"]
    list_select_related = ["source"]
