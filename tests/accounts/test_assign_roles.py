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
    # Each role's work on a line of its own (a zh trial read six run together).
    assert (
        "<strong>部门联络员</strong>：手动上报预警" in page
        and "<br><strong>只读用户</strong>" in page
    )


def _change(admin, user, **fields: str):  # noqa: ANN001, ANN202
    """Post the admin site's user page as an administrator would fill it in."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "role": "Viewer",
        "department": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return admin.post(f"/admin/auth/user/{user.pk}/change/", data)


def test_the_admin_site_gives_each_person_one_role_and_a_department(client_for, make_user) -> None:
    from vigil.accounts.models import AuditEntry, Department
    from vigil.accounts.services import profile_of, roles_of

    admin = client_for("Administrator")
    pr = Department.objects.create(code="pr", name="Public relations", name_zh="公关部")
    someone = make_user("Viewer")
    page = admin.get(f"/admin/auth/user/{someone.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="department"' in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page

    response = _change(admin, someone, role="Analyst", department=str(pr.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    someone.refresh_from_db()
    assert roles_of(someone) == ["Analyst"] and profile_of(someone).department == pr
    assert someone.has_perm("sources.add_source") and not someone.is_staff
    entry = AuditEntry.objects.get(action="user.updated", object_id=str(someone.pk))
    assert entry.before["role"] == "Viewer" and entry.after["role"] == "Analyst"
    assert entry.after["department"] == "pr" and entry.actor == admin.user

    # The Administrator role is the admin site; taking it away takes the site away.
    _change(admin, someone, role="Administrator")
    someone.refresh_from_db()
    assert someone.is_staff and someone.is_superuser and roles_of(someone) == ["Administrator"]
    _change(admin, someone, role="Responder")
    someone.refresh_from_db()
    assert not someone.is_staff and not someone.is_superuser


def test_deactivating_someone_is_audited_and_stops_their_tokens(client_for, make_user) -> None:
    from vigil.accounts.models import AuditEntry
    from vigil.accounts.services import issue_api_token, user_for_token

    admin = client_for("Administrator")
    someone = make_user("Responder")
    raw = issue_api_token(someone).raw
    assert _change(admin, someone, role="Responder", is_active=None).status_code == 302
    someone.refresh_from_db()
    assert not someone.is_active and user_for_token(raw) is None
    entry = AuditEntry.objects.get(action="user.updated", object_id=str(someone.pk))
    assert entry.before["is_active"] is True and entry.after["is_active"] is False


def test_the_last_administrator_cannot_be_demoted_or_deactivated(client_for) -> None:
    admin = client_for("Administrator")
    for change in ({"role": "Viewer"}, {"role": "Administrator", "is_active": None}):
        response = _change(admin, admin.user, **change)
        assert response.status_code == 200  # the form again, with the reason
        assert "the only active administrator" in response.content.decode()
    admin.user.refresh_from_db()
    assert admin.user.is_superuser and admin.user.is_active


def test_adding_a_person_on_the_admin_site_sets_their_role(client_for) -> None:
    from django.contrib.auth.models import User

    from vigil.accounts.services import roles_of

    admin = client_for("Administrator")
    response = admin.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "role": "Approver",
            "department": "",
            "email": "newcomer@example.com",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert roles_of(newcomer) == ["Approver"] and newcomer.email == "newcomer@example.com"


def test_a_new_person_s_language_and_time_zone_are_set_when_they_are_added(client_for) -> None:
    # A zh trial's new responder got English e-mails in UTC until she first signed in.
    from django.contrib.auth.models import User

    from vigil.accounts.models import AuditEntry
    from vigil.accounts.services import profile_of

    admin = client_for("Administrator")
    form = admin.get("/admin/auth/user/add/").content.decode()
    assert 'name="language"' in form and 'name="timezone"' in form
    response = admin.post(
        "/admin/auth/user/add/",
        {
            "username": "zhanglan",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "role": "Responder",
            "department": "",
            "email": "zl@example.com",
            "language": "zh-hans",
            "timezone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = profile_of(User.objects.get(username="zhanglan"))
    assert (profile.language, profile.timezone) == ("zh-hans", "Asia/Shanghai")
    entry = AuditEntry.objects.filter(action="profile.updated").latest("at")
    assert entry.actor == admin.user  # the administrator did it, not the newcomer


def test_department_menus_name_departments_in_the_readers_language() -> None:
    from django.utils import translation

    from vigil.accounts.forms import VigilUserCreationForm
    from vigil.accounts.models import Department
    from vigil.alerts.forms import RuleForm
    from vigil.monitoring.forms import PlanForm

    Department.objects.create(code="pr", name="Public Relations", name_zh="公关部")
    forms = ((RuleForm(), "departments"), (PlanForm(), "department"))
    for form, field in (*forms, (VigilUserCreationForm(), "department")):
        with translation.override("zh-hans"):
            labels = [label for _, label in form.fields[field].choices]
        assert "公关部" in labels and "Public Relations" not in labels
        with translation.override("en"):
            assert "Public Relations" in [label for _, label in form.fields[field].choices]


def test_roles_are_not_edited_as_groups_on_the_admin_site(client_for) -> None:
    admin_user = client_for("Administrator")
    assert admin_user.get("/admin/auth/group/").status_code == 404
    assert "/admin/auth/user/" in admin_user.get("/admin/").content.decode()


def test_the_people_list_names_people_as_the_screens_do_and_speaks_chinese(
    client_for, make_user
) -> None:
    import html

    make_user("Responder", "liwei", first_name="伟", last_name="李")
    admin = client_for("Administrator")
    listing = html.unescape(
        admin.get("/admin/auth/user/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert "李伟" in listing and ">伟<" not in listing and "姓名" in listing
    add = html.unescape(
        admin.get("/admin/auth/user/add/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert "After you’ve created a user" not in add and "添加后" in add
