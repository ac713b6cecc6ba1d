"""A user's preferences: time zone (defaulting to the installation's), language and the
e-mail address personal channels send to."""

from __future__ import annotations

import pytest

from vigil.accounts.models import AuditEntry
from vigil.accounts.services import ensure_first_admin, profile_of

pytestmark = pytest.mark.django_db


def test_new_users_see_the_installation_clock(settings, make_user) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    ensure_first_admin(password="a-long-enough-password")
    from django.contrib.auth.models import User

    admin = User.objects.get(username="admin")
    assert profile_of(admin).timezone == "Asia/Shanghai" and admin.email == ""
    assert profile_of(make_user("Responder")).timezone == "Asia/Shanghai"


def test_the_profile_page_sets_the_e_mail_address_zone_and_language(client_for) -> None:
    client = client_for("Responder")
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="email"' in page
    assert "Bearer &lt;token&gt;" in page  # shown, not swallowed as an HTML tag
    response = client.post(
        "/accounts/profile/",
        {"email": "lin@example.com", "timezone": "Europe/Berlin", "language": "zh-hans"},
    )
    assert response.status_code == 302
    client.user.refresh_from_db()
    assert client.user.email == "lin@example.com"
    assert profile_of(client.user).timezone == "Europe/Berlin"
    entry = AuditEntry.objects.get(action="profile.updated")
    assert entry.before["email"] == "" and entry.after["email"] == "lin@example.com"
    bad = client.post("/accounts/profile/", {"email": "not an address", "timezone": "UTC"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_the_profile_names_the_department_in_the_readers_language(client_for) -> None:
    from vigil.accounts.models import Department

    client = client_for("Analyst")
    profile = profile_of(client.user)
    profile.department = Department.objects.create(
        code="pr", name="Public Relations", name_zh="公关部"
    )
    profile.save(update_fields=["department"])
    assert "<dd>Public Relations</dd>" in client.get("/accounts/profile/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "<dd>公关部</dd>" in client.get("/accounts/profile/").content.decode()


def test_choosing_chinese_says_saved_in_chinese(client_for) -> None:
    # A trial chose 简体中文 and got a Chinese page under an English "Preferences saved."
    client = client_for("Responder")
    form = {"email": "lin@example.com", "timezone": "UTC", "language": "zh-hans"}
    page = client.post("/accounts/profile/", form, follow=True).content.decode()
    assert "偏好设置已保存" in page and "Preferences saved." not in page


def test_time_zone_lists_name_each_place_once() -> None:
    # A trial's list offered "localtime", "Factory", "PRC" and "US/Pacific" beside the places.
    from vigil.accounts.forms import _zone_tab, zone_choices

    zones = [zone for zone, _label in zone_choices()]
    assert zones[:2] == ["UTC", "Asia/Shanghai"]
    assert "America/Los_Angeles" in zones and "Asia/Kolkata" in zones and "Europe/Oslo" in zones
    aliases = ("localtime", "Factory", "PRC", "ROC", "US/Pacific", "Etc/GMT+8")
    if _zone_tab():  # the database's zone.tab (Debian's tzdata): old names of places too
        aliases += ("Asia/Chongqing", "Asia/Harbin", "Asia/Calcutta", "Asia/Saigon")
    for alias in aliases:
        assert alias not in zones
    assert len(zones) == len(set(zones))
    # A zh trial read bare IANA names: each says its offset from UTC today.
    labels = dict(zone_choices())
    assert labels["Asia/Shanghai"] == "Asia/Shanghai (UTC+08:00)"
    assert labels["Asia/Kolkata"] == "Asia/Kolkata (UTC+05:30)"
    assert labels["UTC"] == "UTC (UTC+00:00)"
