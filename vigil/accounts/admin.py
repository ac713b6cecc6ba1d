from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from vigil.accounts.forms import RoleChoiceField
from vigil.accounts.models import ApiToken, AuditEntry, Department, Profile, SystemNotice

admin.site.unregister(User)


@admin.register(User)
class VigilUserAdmin(UserAdmin):
    """Django's user admin, with roles offered in the administrator's language."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "head"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "timezone", "language"]
    list_select_related = ["user", "department"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["object_type", "action"]
    search_fields = ["object_repr", "actor_label", "object_id"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SystemNotice)
class SystemNoticeAdmin(admin.ModelAdmin):
    list_display = ["at", "level", "code", "message", "resolved_at"]
    list_filter = ["level", "code"]
