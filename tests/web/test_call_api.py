from __future__ import annotations

import logging

import pytest

from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_workers(client) -> None:
    body = client.get("/api/health").json()
    assert body["database"] == {"ok": True, "detail": "sqlite"} or body["database"]["ok"]
    assert body["workers"]["ok"] is False  # no runner in the test process
    assert "runner not started" in body["workers"]["detail"]
    assert body["status"] == "degraded"


def test_health_counts_alerts_waiting_to_be_sent_and_failing_channels(
    client, django_assert_max_num_queries
) -> None:
    import datetime as dt

    from django.utils import timezone

    from vigil.alerts.models import Delivery
    from vigil.alerts.services import create_channel

    assert client.get("/api/health").json()["deliveries"] == {
        "due": 0,
        "oldest_due_seconds": None,
        "failing_channels": 0,
    }
    now = timezone.now()
    hook = create_channel(name="Hook", kind="webhook", config={"url": "https://h.example/x"})
    paused = create_channel(name="Old", kind="webhook", config={"url": "https://h.example/y"})
    type(hook).objects.filter(pk=hook.pk).update(consecutive_failures=2)
    type(hook).objects.filter(pk=paused.pk).update(consecutive_failures=4, is_active=False)
    for due_in, status in [(-600, "pending"), (-5, "pending"), (3600, "pending"), (-900, "sent")]:
        Delivery.objects.create(
            channel=hook,
            reason="test",
            status=status,
            next_attempt_at=now + dt.timedelta(seconds=due_in),
        )
    with django_assert_max_num_queries(8):  # cheap enough for a load balancer's every check
        body = client.get("/api/health").json()
    backlog = body["deliveries"]
    assert backlog["due"] == 2 and backlog["failing_channels"] == 1  # not held, sent nor paused
    assert 600 <= backlog["oldest_due_seconds"] < 660


def test_openapi_spec_and_docs_are_served(client) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Vigil API"
    assert "/api/me" in spec["paths"] and "/api/health" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
    # Two ways in, named as such: an integrator read private class names (_FlagBearer) there.
    assert set(spec["components"]["securitySchemes"]) == {"BearerToken", "SessionWithCsrf"}
    # The error answers and their one shape, and a rule's conditions by kind (an integrator
    # found only the successes, and free JSON).
    error = {"$ref": "#/components/schemas/Error"}
    patch = spec["paths"]["/api/alerts/rules/{rule_id}"]["patch"]["responses"]
    for status in ("400", "401", "403", "404", "422", "default"):
        assert patch[status]["content"]["application/json"]["schema"] == error, status
    assert "details" in spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    conditions = spec["components"]["schemas"]["RuleIn"]["properties"]["conditions"]
    assert {"$ref": "#/components/schemas/SpikeConditions"} in conditions["anyOf"]
    spike = spec["components"]["schemas"]["SpikeConditions"]["properties"]
    assert "sensitivity" in spike
    routing = spec["components"]["schemas"]["RuleIn"]["properties"]["routing"]["anyOf"][0]
    assert routing == {"$ref": "#/components/schemas/Routing"}
    assert "Recipients" in spec["components"]["schemas"]  # nested models come along


def test_errors_have_one_shape(client_for) -> None:
    analyst = client_for("Analyst")
    missing = analyst.get("/api/mentions/999999")
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"code", "message", "details"}
    assert missing.json()["error"]["message"] == "there is no mention with id 999999"
    for path in ("/api/topics/999999", "/api/stories/999999", "/api/mentions/999999"):
        message = analyst.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]["message"]
        assert "999999" in message and "there is no" not in message, message
    invalid = analyst.post("/api/sources", data={"name": ""}, content_type="application/json")
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "invalid" and invalid.json()["error"]["details"]


def test_unknown_api_paths_and_methods_answer_in_the_same_shape(client_for) -> None:
    analyst = client_for("Analyst")
    unknown = analyst.get("/api/nothing-here", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert unknown.status_code == 404 and unknown["Content-Type"].startswith("application/json")
    assert unknown.json()["error"]["code"] == "not_found"
    assert "/api/nothing-here" in unknown.json()["error"]["message"]
    assert "没有" in unknown.json()["error"]["message"]
    wrong = analyst.delete("/api/mentions/1")
    assert wrong.status_code == 405 and wrong["Allow"] == "GET"
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert "DELETE" in wrong.json()["error"]["message"]
    # Pages outside /api/ keep their HTML 404.
    assert "text/html" in analyst.get("/nothing-here/")["Content-Type"]


def test_invalid_requests_say_which_field_and_why_in_the_callers_language(client_for) -> None:
    admin = client_for("Administrator")
    body = {"name": "", "kind": "keyword", "level": 5, "conditions": []}
    answer = admin.post("/api/alerts/rules", data=body, content_type="application/json")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["message"] == (
        "The request is not valid: name: must not be empty; conditions: must be an object; "
        "level: must be text"
    )
    assert [d["type"] for d in error["details"]] == ["string_too_short", "dict_type", "string_type"]
    answer = admin.post(
        "/api/alerts/rules",
        data=body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.json()["error"]["message"].startswith("请求无效：name: 不能为空; ")
    broken = admin.post("/api/alerts/rules", data="{bad", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["error"]["message"] == "The request body is not valid JSON."


def test_mentions_are_paginated_and_filtered(client_for) -> None:
    for i in range(55):
        MentionFactory(lang="zh" if i % 5 == 0 else "en")
    viewer = client_for("Viewer")
    first = viewer.get("/api/mentions").json()
    assert first["count"] == 55 and len(first["items"]) == 50
    second = viewer.get("/api/mentions", {"page": 2}).json()
    assert len(second["items"]) == 5
    assert viewer.get("/api/mentions", {"lang": "zh"}).json()["count"] == 11


def test_session_writes_need_the_csrf_token(make_user) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("Administrator"))
    response = strict.post(
        "/api/departments", data={"code": "pr", "name": "PR"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("The CSRF token is missing or wrong")


def test_writes_without_credentials_answer_401_not_a_csrf_refusal(
    client, make_user, zh_hans_catalogue
) -> None:
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        for path in ("/api/query/check", "/api/plans", "/api/sources/1/pause"):
            answer = client.post(path, data={}, content_type="application/json", **headers)
            assert answer.status_code == 401, (path, headers, answer.json())
            assert answer.json()["error"]["code"] == "unauthenticated"
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("Administrator"))
    refused = strict.post(
        "/api/plans", data={}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert (
        refused.status_code == 403 and "CSRF 令牌缺失或有误" in refused.json()["error"]["message"]
    )


def test_the_favicon_is_served_for_pages_that_do_not_link_it(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("vigil/favicon.svg")


def test_the_api_docs_work_offline(client) -> None:
    """Swagger UI comes from django-ninja's own static files: no CDN on an offline install."""
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_a_missing_page_is_explained_in_the_readers_language(client_for) -> None:
    viewer = client_for("Viewer")
    viewer.cookies["django_language"] = "zh-hans"
    response = viewer.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_every_list_is_paged_with_a_count(client_for) -> None:
    admin = client_for("Administrator")
    spec = admin.get("/api/openapi.json").json()
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        skipped = ("/api/analysis/agreement",)
        if not get or path.startswith("/api/alerts") or path in skipped:
            continue
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema.get("type") != "array", f"{path} answers a bare list, without a count"


def test_health_says_when_the_scheduler_has_stopped(client) -> None:
    # A trial stopped `vigil beat`: health still said ok while a retry waited past its time.
    import datetime as dt

    from django.utils import timezone

    from vigil.pipeline.models import Heartbeat
    from vigil.pipeline.runner import run_task

    body = client.get("/api/health").json()
    assert body["scheduler"]["ok"] is False
    assert "no scheduled run recorded yet" in body["scheduler"]["detail"]
    run_task("pipeline.scheduler_tick")  # what the scheduler sends every 30 s
    body = client.get("/api/health").json()
    assert body["scheduler"]["ok"] is True
    assert body["scheduler"]["detail"].startswith("last scheduled run 0s ago")
    Heartbeat.objects.update(at=timezone.now() - dt.timedelta(seconds=200))
    body = client.get("/api/health").json()
    assert body["scheduler"]["ok"] is False and body["status"] == "degraded"
    assert "last scheduled run 200s ago" in body["scheduler"]["detail"]
    assert "is the scheduler" in body["scheduler"]["detail"]


def test_an_unexpected_error_answers_the_api_error_shape_and_is_logged(
    client, monkeypatch, caplog
) -> None:
    # The README promises one error shape; an unexpected error answered Django's HTML 500.
    from vigil.web import api as system_api

    def broken(age: float | None) -> None:
        raise RuntimeError("disk full at /srv/vigil/secret-path")

    monkeypatch.setattr(system_api, "scheduler_health", broken)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/health", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "internal" and error["details"] is None
    assert "secret-path" not in response.content.decode()  # no traceback leaks to the caller
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.getMessage() == (
        "Internal Server Error: /api/health"
    )
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
