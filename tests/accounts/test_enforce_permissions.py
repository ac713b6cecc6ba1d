"""Every API write endpoint refuses a Viewer (403) and an outsider (401); every screen
sends an outsider to the login page."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from vigil.api import api

pytestmark = pytest.mark.django_db

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_API = {"/api/health", "/api/openapi.json", "/api/docs"}
VIEWER_MAY_POST = {"/api/tokens", "/api/query/check", "/api/query/preview"}


def _api_operations() -> list[tuple[str, str]]:
    """(method, concrete path) for every operation of the API, path params filled with 1."""
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in methods:
            operations.append((method.upper(), concrete))
    return operations


def _call(client, method: str, path: str, **headers):  # noqa: ANN001, ANN202
    return client.generic(method, path, data="{}", content_type="application/json", **headers)


def test_api_has_write_endpoints_to_check() -> None:
    assert any(method in UNSAFE for method, _ in _api_operations())


@pytest.mark.parametrize(("method", "path"), _api_operations())
def test_outsider_gets_401_everywhere_but_health(client, method: str, path: str) -> None:
    response = _call(client, method, path)
    if path.rstrip("/") in PUBLIC_API:
        assert response.status_code == 200
    else:
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(("method", "path"), [op for op in _api_operations() if op[0] in UNSAFE])
def test_viewer_cannot_write_through_the_api(client_for, method: str, path: str) -> None:
    from vigil.accounts.services import issue_api_token

    viewer = client_for("Viewer")
    token = issue_api_token(viewer.user).raw
    response = _call(viewer, method, path, HTTP_AUTHORIZATION=f"Bearer {token}")
    # Creating one's own API token, and checking or previewing a query (which change
    # nothing), are the POSTs a Viewer may do.
    if path in VIEWER_MAY_POST:
        assert response.status_code in (200, 201, 422), response.content
        return
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "forbidden"


def test_analyst_may_write_what_a_viewer_may_not(client_for) -> None:
    from vigil.accounts.services import issue_api_token

    analyst = client_for("Analyst")
    token = issue_api_token(analyst.user).raw
    response = analyst.post("/api/sources/1/pause", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404  # allowed through, and the source does not exist


def _screen_urls() -> list[str]:
    urls = []

    def walk(patterns, prefix=""):  # noqa: ANN001, ANN202
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("api/", "admin/", "i18n/", "static/")) or route in {
                    "login/",
                    "logout/",
                    "favicon.ico",  # public, like static files
                    # A message's acknowledge link: no sign-in, its signature is the key
                    # (tests/alerts/test_acknowledge_from_the_message.py refuses bad ones).
                    "alerts/ack/<str:token>/",
                }:
                    continue
                urls.append("/" + re.sub(r"<[^>]+>", "1", route))

    walk(get_resolver().url_patterns)
    return urls


@pytest.mark.parametrize("url", _screen_urls())
def test_outsider_is_sent_to_login_from_every_screen(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", ["/sources/1/pause/", "/sources/1/resume/"])
def test_viewer_cannot_change_through_screens(client_for, url: str) -> None:
    from tests.factories import SourceFactory

    SourceFactory(pk=1)
    assert client_for("Viewer").post(url).status_code == 403


def test_viewer_cannot_open_the_audit_log(client_for) -> None:
    assert client_for("Viewer").get("/accounts/audit/").status_code == 403
    assert client_for("Administrator").get("/accounts/audit/").status_code == 200


def test_viewer_cannot_use_the_admin_site(client_for) -> None:
    response = client_for("Viewer").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client_for("Administrator").get("/admin/").status_code == 200


def test_a_refusal_names_the_roles_that_may_as_one_phrase(client_for, zh_hans_catalogue) -> None:
    # A zh trial read 「…；管理员、处置人员 可以（权限"alerts.change_alert"）」.
    from vigil.accounts.services import issue_api_token

    viewer = client_for("Viewer")
    token = issue_api_token(viewer.user).raw
    refused = viewer.post(
        "/api/alerts/1/ack", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "您的角色无权执行此操作，仅管理员和处置人员可以（所需权限：alerts.change_alert）。"
    )


def test_a_refused_screen_explains_itself_inside_the_app(client_for) -> None:
    """A 403 keeps the top bar and says what happened, not a bare "403 Forbidden"."""
    response = client_for("Viewer").get("/accounts/audit/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your role does not allow this" in page
    assert 'href="/accounts/profile/"' in page and "Sign out" in page
