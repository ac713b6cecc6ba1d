from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from vigil.accounts.roles import ROLE_NAMES, ensure_roles, permissions_for_role

pytestmark = pytest.mark.django_db

CODES = [
    "sources.add_source",
    "sources.view_source",
    "mentions.view_mention",
    "alerts.change_alert",
    "alerts.view_alert",
    "incidents.change_task",
    "statements.approve_statement",
    "statements.view_statement",
    "accounts.view_auditentry",
    "auth.change_user",
]


def test_every_role_exists_as_a_group_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_NAMES)


def test_viewer_gets_only_view_permissions() -> None:
    granted = permissions_for_role("Viewer", CODES)
    assert granted and all(".view_" in code for code in granted)
    assert "accounts.view_auditentry" not in granted


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("Analyst", "sources.add_source", "statements.approve_statement"),
        ("Responder", "alerts.change_alert", "sources.add_source"),
        ("Approver", "statements.approve_statement", "alerts.change_alert"),
        ("Department liaison", "incidents.change_task", "sources.add_source"),
        ("Administrator", "auth.change_user", None),
    ],
)
def test_roles_grant_the_work_they_do(role: str, allowed: str, refused: str | None) -> None:
    granted = permissions_for_role(role, CODES)
    assert allowed in granted
    if refused:
        assert refused not in granted


def test_ensure_roles_is_idempotent() -> None:
    first = ensure_roles()
    assert ensure_roles() == first


def test_user_permissions_follow_the_group(make_user) -> None:
    viewer = make_user("Viewer")
    analyst = make_user("Analyst")
    assert viewer.has_perm("mentions.view_mention")
    assert not viewer.has_perm("sources.add_source")
    assert analyst.has_perm("sources.add_source")


def test_the_admin_site_offers_roles_by_their_translated_names(client_for, make_user) -> None:
    admin = client_for("Administrator")
    someone = make_user("Viewer")
    admin.cookies["django_language"] = "zh-hans"
    page = admin.get(f"/admin/auth/user/{someone.pk}/change/").content.decode()
    assert ">部门联络员</option>" in page and ">Department liaison</option>" not in page
