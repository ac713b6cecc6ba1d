"""Roles are Django groups whose permissions follow from patterns.

A pattern is ``app_label.codename`` with shell wildcards, so a model added by a later
app (alerts, incidents, statements …) is covered as soon as it is migrated. The view
permission of every Vigil model goes to every role; write permissions follow the work
each role does in the product.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from vigil.web.templatetags.punctuation import list_separator

ADMINISTRATOR = "Administrator"
ANALYST = "Analyst"
RESPONDER = "Responder"
APPROVER = "Approver"
LIAISON = "Department liaison"
VIEWER = "Viewer"

ROLE_NAMES = [ADMINISTRATOR, ANALYST, RESPONDER, APPROVER, LIAISON, VIEWER]

ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    ANALYST: _("Analyst"),
    RESPONDER: _("Responder"),
    APPROVER: _("Approver"),
    LIAISON: _("Department liaison"),
    VIEWER: _("Viewer"),
}

ROLE_DESCRIPTIONS = {
    ADMINISTRATOR: _("Everything, including users, roles and settings."),
    ANALYST: _(
        "Monitoring plans, sources and analysis corrections; judges alerts useful or false alarms."
    ),
    # Not 「预警、事件与任务」: a new administrator could not tell what a responder does (a zh trial).
    RESPONDER: _("Handles alerts (acknowledges, assigns, closes them); incidents and tasks."),
    APPROVER: _("Approves statements before they are published."),
    LIAISON: _(
        "Reports warnings by hand and flags mentions; sees and updates the tasks of their department."
    ),
    VIEWER: _("Reads everything, changes nothing."),
}

VIGIL_APPS = [
    "accounts",
    "sources",
    "mentions",
    "pipeline",
    "monitoring",
    "analysis",
    "alerts",
    "incidents",
    "statements",
    "reports",
    "team",
]

_READ_ALL = [f"{app}.view_*" for app in VIGIL_APPS if app != "accounts"] + [
    "accounts.view_department",
]

ROLE_PERMISSION_PATTERNS: dict[str, list[str]] = {
    ADMINISTRATOR: ["*"],
    ANALYST: [
        *_READ_ALL,
        "sources.*",
        "mentions.*",
        "monitoring.*",
        "analysis.*",
        "reports.*",
        "alerts.judge_alert",
    ],
    RESPONDER: [
        *_READ_ALL,
        "alerts.*",
        "incidents.*",
        "statements.add_*",
        "statements.change_*",
        "mentions.flag_mention",
    ],
    APPROVER: [*_READ_ALL, "statements.approve_*", "statements.change_*", "incidents.change_*"],
    LIAISON: [
        *_READ_ALL,
        "incidents.change_task",
        "alerts.report_warning",
        "mentions.flag_mention",
    ],
    VIEWER: list(_READ_ALL),
}


def permissions_for_role(role: str, all_codes: list[str]) -> list[str]:
    """The ``app.codename`` strings a role's patterns select from ``all_codes``."""
    patterns = ROLE_PERMISSION_PATTERNS[role]
    return [code for code in all_codes if any(fnmatchcase(code, p) for p in patterns)]


def roles_with(permission: str) -> list[str]:
    """The roles that hold ``permission`` ("alerts.change_alert"), by their labels in the
    active language: what a refusal tells someone to ask for."""
    app, _dot, codename = permission.partition(".")
    held = set(
        Group.objects.filter(
            permissions__codename=codename, permissions__content_type__app_label=app
        ).values_list("name", flat=True)
    )
    return [str(ROLE_LABELS[r]) for r in ROLE_NAMES if r in held]


def said_together(names: list[str]) -> str:
    """Names as one phrase in the active language: "A, B and C"; 「A、B和C」 (a zh trial read
    「管理员、处置人员 可以」)."""
    if len(names) < 2:
        return "".join(names)
    head = list_separator().join(names[:-1])
    return head + pgettext("list separator before the last item", " and ") + names[-1]


def _permission_code(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


@transaction.atomic
def ensure_roles() -> dict[str, int]:
    """Create the role groups and set their permissions; return permissions per role."""
    permissions = list(Permission.objects.select_related("content_type"))
    by_code = {_permission_code(p): p for p in permissions}
    counts: dict[str, int] = {}
    for role in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=role)
        selected = [by_code[c] for c in permissions_for_role(role, sorted(by_code))]
        group.permissions.set(selected)
        counts[role] = len(selected)
    return counts


def ensure_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate hook: run once, after the last app's permissions exist."""
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if with_models and sender is with_models[-1]:
        ensure_roles()
