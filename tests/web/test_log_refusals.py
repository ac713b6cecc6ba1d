"""A refused request is normal operation: the log says who was refused where and why, in one
warning line, with no traceback (Django logs a PermissionDenied with its traceback, some
thirty lines per refusal). A real error still logs its traceback."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the disk is full")


urlpatterns = [path("broken/", _broken), path("", include("vigil.urls"))]


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_screen_logs_one_line_without_a_traceback(client_for, caplog) -> None:
    viewer = client_for("Viewer")
    with caplog.at_level(logging.INFO):
        assert viewer.get("/accounts/audit/").status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    line = record.getMessage()
    assert line == (
        f"Forbidden: {viewer.user.username} GET /accounts/audit/ "
        "(needs the permission accounts.view_auditentry)"
    )
    assert "Traceback" not in caplog.text and "\n" not in line


def test_a_refusal_without_a_reason_says_so(client_for, caplog) -> None:
    from tests.factories import MentionFactory

    mention = MentionFactory()
    viewer = client_for("Viewer")
    with caplog.at_level(logging.INFO):
        assert viewer.post(f"/alerts/flag/{mention.pk}/").status_code == 403
    [record] = _request_records(caplog)
    assert record.exc_info is None
    assert record.getMessage().endswith(f"/alerts/flag/{mention.pk}/ (no permission)")


def test_a_server_error_still_logs_its_traceback(client_for, caplog) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(client_for("Viewer").user)
    with caplog.at_level(logging.INFO):
        assert client.get("/broken/").status_code == 500
    [record] = _request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
    assert "Traceback" in caplog.text and "the disk is full" in caplog.text


def test_a_refused_api_call_logs_one_line_with_who_and_why(client_for, caplog) -> None:
    viewer = client_for("Viewer")
    with caplog.at_level(logging.INFO):
        response = viewer.post("/api/alerts/rules", data={}, content_type="application/json")
    assert response.status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == (
        f"Forbidden: {viewer.user.username} POST /api/alerts/rules "
        "(needs the permission alerts.add_alertrule)"
    )
