"""Scale mode: the same registered tasks, run by Celery workers and scheduled by beat.

Settings follow DESIGN.md §7: late acknowledgement and rejection on a lost worker so
a task whose worker dies is redelivered (every task is idempotent), and prefetch 1 so
one long batch does not hold others back.

Each task goes to the queue it was registered with (``@task(queue=…)``): sending alerts has
its own, ``deliveries``, so dead or slow channels can hold only the workers consuming it.
``vigil worker`` consumes every queue unless ``--queues`` says otherwise.
"""

from __future__ import annotations

import os
from typing import Any

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402

from vigil.pipeline.runner import DEFAULT_QUEUE, registered_tasks, run_task  # noqa: E402

app = Celery("vigil")
app.conf.update(
    broker_url=settings.BROKER_URL or "redis://127.0.0.1:6379/0",
    result_backend=None,
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    enable_utc=True,
    worker_hijack_root_logger=False,
    task_default_queue=DEFAULT_QUEUE,
)


def _bind(name: str) -> None:
    def run(**kwargs: Any) -> Any:
        close_old_connections()
        try:
            return run_task(name, **kwargs)
        finally:
            close_old_connections()

    run.__name__ = name.replace(".", "_")
    app.task(name=name, bind=False)(run)


for _name, _spec in registered_tasks().items():
    _bind(_name)

# Routes by name apply to every sender: beat, `enqueue` in web and worker processes.
app.conf.task_routes = {name: {"queue": spec.queue} for name, spec in registered_tasks().items()}
#: A scheduled run still queued this long after beat sent it is dropped (the schedule sends
#: another): while no worker runs, beat would otherwise queue thousands of routine runs an
#: hour (one every 2 s for the pipeline alone), all run in a burst when a worker returns.
SCHEDULED_RUN_EXPIRES = 300.0

app.conf.beat_schedule = {
    name: {
        "task": name,
        "schedule": spec.every,
        "options": {"expires": max(spec.every, SCHEDULED_RUN_EXPIRES)},
    }
    for name, spec in registered_tasks().items()
    if spec.every
}
