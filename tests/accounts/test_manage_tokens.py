from __future__ import annotations

import pytest

from vigil.accounts.models import ApiToken
from vigil.accounts.services import issue_api_token, revoke_api_token, user_for_token

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_only_its_digest_is_stored(make_user, client) -> None:
    user = make_user("Analyst")
    issued = issue_api_token(user, "ci")
    assert not ApiToken.objects.filter(digest=issued.raw).exists()
    assert user_for_token(issued.raw) == user
    me = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {issued.raw}").json()
    assert me["username"] == user.username and me["roles"] == ["Analyst"]


def test_revoked_or_wrong_tokens_are_refused(make_user, client) -> None:
    user = make_user("Analyst")
    issued = issue_api_token(user)
    revoke_api_token(user, issued.token.pk)
    assert user_for_token(issued.raw) is None
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {issued.raw}").status_code == 401
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer vgl_nonsense").status_code == 401


def test_inactive_users_tokens_stop_working(make_user) -> None:
    user = make_user("Analyst")
    issued = issue_api_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert user_for_token(issued.raw) is None


def test_profile_shows_a_new_token_once(client_for) -> None:
    analyst = client_for("Analyst")
    analyst.post("/accounts/tokens/new/", {"name": "laptop"})
    first = analyst.get("/accounts/profile/").content.decode()
    second = analyst.get("/accounts/profile/").content.decode()
    assert 'id="new-token"' in first and 'id="new-token"' not in second
    assert "laptop" in second


def test_revoking_asks_first_and_a_second_revoke_is_explained(client_for) -> None:
    from vigil.accounts.models import ApiToken

    analyst = client_for("Analyst")
    analyst.post("/accounts/tokens/new/", {"name": "laptop"})
    page = analyst.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "撤销令牌“laptop”？使用它的脚本将立即失效。" in page
    token = ApiToken.objects.get(name="laptop")
    analyst.post(f"/accounts/tokens/{token.pk}/revoke/")
    again = analyst.post(
        f"/accounts/tokens/{token.pk}/revoke/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "没有这个令牌（可能已被撤销）。" in again.content.decode()
