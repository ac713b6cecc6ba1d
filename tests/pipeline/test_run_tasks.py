"""One task function, two runners: the in-process runner on SQLite, Celery+Redis on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from tests.factories import RawItemFactory
from vigil.mentions.models import Mention
from vigil.pipeline.embedded import EmbeddedRunner
from vigil.pipeline.runner import enqueue, registered_tasks, run_task, task
from vigil.sources.models import RawItem


def _wait_for(predicate, timeout: float = 20.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_tasks_are_registered_once_with_their_schedule() -> None:
    tasks = registered_tasks()
    assert tasks["pipeline.process_pending"].every == 2
    assert tasks["sources.collect_due"].every == 5


def test_registering_another_function_under_a_taken_name_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        task("pipeline.process_pending")(lambda: None)


def test_unknown_task_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="no task named"):
        run_task("nope.nothing")


@pytest.mark.django_db(transaction=True)
def test_enqueue_without_a_runner_runs_after_commit() -> None:
    RawItemFactory.create_batch(2)
    with transaction.atomic():
        enqueue("pipeline.process_pending")
        assert Mention.objects.count() == 0  # not before the commit
    assert Mention.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_embedded_runner_runs_the_task_in_its_threads_against_sqlite(settings) -> None:
    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") or True
    RawItemFactory.create_batch(5)
    runner = EmbeddedRunner(workers=2, tick_seconds=0.1)
    runner.start()
    try:
        enqueue("pipeline.process_pending")
        assert _wait_for(lambda: Mention.objects.count() == 5)
    finally:
        runner.stop(timeout=10)
    assert not RawItem.objects.filter(status=RawItem.Status.PENDING).exists()
    assert not runner.is_alive()


@pytest.mark.django_db(transaction=True)
def test_embedded_runner_schedules_periodic_tasks() -> None:
    runner = EmbeddedRunner(workers=1, tick_seconds=0.1)
    runner.start()
    try:
        RawItemFactory.create_batch(3)
        # Nobody enqueues: the 2-second schedule of pipeline.process_pending picks them up.
        assert _wait_for(lambda: Mention.objects.count() == 3, timeout=10)
    finally:
        runner.stop(timeout=10)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_celery_worker_runs_the_same_task_with_redis_against_postgresql(settings) -> None:
    from celery.contrib.testing.worker import start_worker

    from vigil.celery import app

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    app.conf.broker_url = "redis://127.0.0.1:6379/15"
    settings.TASK_MODE = "celery"
    RawItemFactory.create_batch(4)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            enqueue("pipeline.process_pending")
        assert _wait_for(lambda: Mention.objects.count() == 4, timeout=30)
    assert not RawItem.objects.filter(status=RawItem.Status.PENDING).exists()
