from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.accounts.forms import VigilUserChangeForm, VigilUserCreationForm
from vigil.accounts.models import ApiToken, AuditEntry, Department, Profile, SystemNotice
from vigil.accounts.notices import notice_text
from vigil.accounts.people import person_name
from vigil.accounts.roles import ROLE_LABELS, ROLE_NAMES
from vigil.accounts.services import (
    profile_of,
    roles_of,
    set_role_and_department,
    update_preferences,
)

admin.site.unregister(User)
# Roles are Vigil's six fixed groups, rebuilt by `vigil migrate` (accounts.roles): editing
# them here would be silently undone, so people get a role on their user page instead.
admin.site.unregister(Group)


class RoleListFilter(admin.SimpleListFilter):
    """Filter people by role, named in the administrator's language."""

    title = _("Role")
    parameter_name = "role"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [(r, str(ROLE_LABELS[r])) for r in ROLE_NAMES]

    def queryset(self, request: Any, queryset: Any) -> Any:
        value = self.value()
        return queryset.filter(groups__name=value) if value else queryset


@admin.register(User)
class VigilUserAdmin(UserAdmin):
    """Django's user admin with one role per person (offered in the administrator's
    language) and a department, instead of free groups and per-user permissions."""

    form = VigilUserChangeForm
    add_form = VigilUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and department"), {"fields": ("role", "department", "is_active")}),
        (_("Language and time zone"), {"fields": ("language", "timezone")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Role and department"), {"fields": ("role", "department", "email")}),
        (_("Language and time zone"), {"fields": ("language", "timezone")}),
    )
    add_form_template = "accounts/admin_user_add_form.html"
    # Shown, not edited: an editable last login "changed" on every save (a zh trial read
    # 已修改 … Last login in the user's history).
    readonly_fields = ("last_login", "date_joined")
    # The name as every screen writes it (李伟, Wei Li), not first and last in two columns
    # (a zh trial read "伟 | 李").
    list_display = ["username", "name", "email", "role_label", "is_active"]
    list_filter = [RoleListFilter, "is_active"]

    @admin.display(description=pgettext_lazy("person", "Name"), ordering="last_name")
    def name(self, obj: User) -> str:
        return person_name(obj) if obj.get_full_name() else "—"

    @admin.display(description=_("Role"))
    def role_label(self, obj: User) -> str:
        return ", ".join(str(ROLE_LABELS[r]) for r in roles_of(obj)) or "—"

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        before = {}
        if change:
            stored = User.objects.get(pk=obj.pk)
            before = {"is_active": stored.is_active, "email": stored.email}
        super().save_model(request, obj, form, change)
        set_role_and_department(
            obj,
            role=form.cleaned_data["role"],
            department=form.cleaned_data["department"],
            actor=request.user,
            before=before,
        )
        profile = profile_of(obj)
        language = form.cleaned_data.get("language") or ""
        zone = form.cleaned_data.get("timezone") or profile.timezone or settings.TIME_ZONE
        if (profile.language, profile.timezone) != (language, zone):
            update_preferences(obj, timezone_name=zone, language=language, actor=request.user)


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
    list_display = ["at", "level", "code", "said", "resolved_at"]
    list_filter = ["level", "code"]
    readonly_fields = ["said"]

    @admin.display(description=_("message"))
    def said(self, notice: SystemNotice) -> str:
        """In the reader's language, not the installation's it was stored in."""
        return notice_text(notice)
