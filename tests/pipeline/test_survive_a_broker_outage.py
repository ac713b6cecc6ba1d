"""While the broker (Redis) is down, writes through the API are kept and answered as usual.

A trial of scale mode stopped Redis: ``POST /api/ingest`` answered Django's HTML 500 although
its five items were saved, and the sender's retry then found five duplicates. The kick is
sent after the commit, so its failure must not fail the request: the schedule sweeps the
saved rows once the broker is back. Here the broker is a closed local port, so kombu really
tries and really fails.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import pytest
from celery import Celery

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.services import issue_api_token
from vigil.alerts.models import Alert
from vigil.mentions.models import Mention
from vigil.monitoring.models import RetroSearch
from vigil.monitoring.services import create_plan
from vigil.pipeline import runner
from vigil.pipeline.runner import run_task
from vigil.sources.models import RawItem
from vigil.sources.services import create_source

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens


def _use_broker(monkeypatch: pytest.MonkeyPatch, url: str) -> Celery:
    import vigil.celery

    app = Celery("vigil-test", broker=url)
    app.conf.task_default_queue = runner.DEFAULT_QUEUE
    monkeypatch.setattr(vigil.celery, "app", app)
    return app


@pytest.fixture
def broker_down(settings, monkeypatch) -> Iterator[None]:  # noqa: ANN001
    settings.TASK_MODE = "celery"
    _use_broker(monkeypatch, f"redis://127.0.0.1:{_closed_port()}/9")
    monkeypatch.setattr(runner, "_broker_outage", runner._BrokerOutage())
    yield


def _runner_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == runner.__name__ and r.levelno == logging.WARNING]


def _push(client, token: str, count: int):  # noqa: ANN001, ANN202
    items = [{"id": f"v-{n}", "text": f"Lumina kettle report number {n}"} for n in range(count)]
    return client.post(
        "/api/ingest",
        data=json.dumps({"source": "Vendor push", "items": items}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_push_is_kept_and_answered_while_the_broker_is_down(
    client, make_user, broker_down, caplog
) -> None:
    create_source(name="Vendor push", kind="push", config={})
    token = issue_api_token(make_user("Analyst")).raw
    with caplog.at_level(logging.INFO):
        response = _push(client, token, 5)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["new"] == 5
    assert RawItem.objects.filter(status=RawItem.Status.PENDING).count() == 5
    [warning] = _runner_warnings(caplog)
    said = warning.getMessage()
    assert "could not queue pipeline.process_pending" in said and "VIGIL_BROKER_URL" in said
    assert "OperationalError" in said and "Nothing is lost" in said

    # The broker is back: the schedule's next run processes the kept items.
    run_task("pipeline.process_pending")
    assert Mention.objects.count() == 5
    assert _push(client, token, 5).json()["duplicates"] == 5


def test_topics_and_flags_are_saved_with_one_warning_for_the_burst(
    client_for, broker_down, caplog
) -> None:
    plan = create_plan(name="Brand")
    topic = make_topic("Kettle", "Lumina", plan_name="Brand")
    mention = matched_mention(topic, title="Lumina kettle scald")
    client_for("Responder")  # someone to tell: the flag queues a delivery and kicks the outbox
    analyst = client_for("Analyst")
    with caplog.at_level(logging.INFO):
        created = analyst.post(
            "/api/topics",
            data={"plan_id": plan.pk, "name": "Cooker", "query": "R9", "alert_level": "II"},
            content_type="application/json",
        )
        flagged = analyst.post(
            "/api/alerts/flag",
            {"mention_id": mention.pk, "topic_id": topic.pk},
            content_type="application/json",
        )
    assert created.status_code == 201, created.content
    assert flagged.status_code == 201, flagged.content
    assert RetroSearch.objects.filter(topic_id=created.json()["id"]).exists()
    assert Alert.objects.filter(origin="flag").exists()
    # Once per burst: the flag's kick came seconds after the topic's and was not even tried.
    assert len(_runner_warnings(caplog)) == 1


@pytest.mark.redis
def test_the_log_says_when_the_broker_takes_tasks_again(
    settings, monkeypatch, broker_down, caplog
) -> None:
    from django.db import transaction

    with caplog.at_level(logging.INFO), transaction.atomic():
        runner.enqueue("pipeline.process_pending")
    assert len(_runner_warnings(caplog)) == 1
    monkeypatch.setattr(runner._BrokerOutage, "QUIET_SECONDS", 0.0)
    app = _use_broker(monkeypatch, "redis://127.0.0.1:6379/9")
    try:
        with caplog.at_level(logging.INFO), transaction.atomic():
            runner.enqueue("pipeline.process_pending")
        back = [r.getMessage() for r in caplog.records if r.name == runner.__name__]
        assert back[-1] == "the broker takes tasks again (1 kick(s) were not sent meanwhile)"
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.client.delete(runner.DEFAULT_QUEUE)


def test_health_says_the_broker_is_unreachable(client, broker_down) -> None:
    body = client.get("/api/health").json()
    assert body["workers"]["ok"] is False
    assert body["workers"]["detail"].startswith("broker unreachable")
    assert body["status"] == "degraded"
