"""Write a task once, run it embedded (threads) or at scale (Celery).

A task is a plain function registered with ``@task(name, every=…)``. ``enqueue`` sends
it to whichever runner this process uses:

- embedded mode (no ``VIGIL_BROKER_URL``): the in-process ``EmbeddedRunner`` when it is
  running (``vigil run``), otherwise the task runs synchronously after the current
  transaction commits (CLI commands, tests);
- scale mode: Celery, with the same task names (see ``vigil/celery.py``), each sent to its
  task's queue: a task that waits on the outside world (sending alerts) has a queue of its
  own, so dedicated workers can take it and it cannot occupy every worker.

Tasks are *kicks*, not carriers of data: the work they do is held in durable rows
(pending raw items, due sources, queued deliveries) claimed inside transactions, so a
kick that is lost when a process dies is repeated by the schedule and nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction

__all__ = [
    "DEFAULT_QUEUE",
    "TaskSpec",
    "enqueue",
    "queues",
    "registered_tasks",
    "run_task",
    "set_active_runner",
    "task",
]

log = logging.getLogger(__name__)

#: Celery's own default queue name, so kicks queued before an upgrade are still consumed.
DEFAULT_QUEUE = "celery"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    func: Callable[..., Any]
    every: float | None  # seconds between scheduled runs; None = only when enqueued
    queue: str = DEFAULT_QUEUE  # the Celery queue in scale mode (the embedded runner has one pool)


class Runner(Protocol):
    def submit(self, name: str, kwargs: dict[str, Any]) -> None: ...


_registry: dict[str, TaskSpec] = {}
_active_runner: Runner | None = None


def task(
    name: str, *, every: float | None = None, queue: str = DEFAULT_QUEUE
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` as the task ``name``; with ``every`` it also runs on a schedule, and
    in scale mode it is sent to ``queue``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _registry.get(name)
        # Re-importing a module re-registers the same function: harmless. Two different
        # functions under one name is a bug.
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"task {name!r} is registered twice")
        _registry[name] = TaskSpec(name=name, func=func, every=every, queue=queue)
        return func

    return decorate


def registered_tasks() -> dict[str, TaskSpec]:
    return dict(_registry)


def queues() -> list[str]:
    """Every queue a registered task is sent to, the default first (what ``vigil worker``
    consumes unless told otherwise)."""
    named = {spec.queue for spec in _registry.values()} - {DEFAULT_QUEUE}
    return [DEFAULT_QUEUE, *sorted(named)]


def set_active_runner(runner: Runner | None) -> None:
    """Called by the embedded runner when it starts and stops."""
    global _active_runner
    _active_runner = runner


def run_task(name: str, **kwargs: Any) -> Any:
    """Run a registered task here and now (the runners and tests call this)."""
    try:
        spec = _registry[name]
    except KeyError:
        raise LookupError(f"no task named {name!r}") from None
    return spec.func(**kwargs)


def enqueue(name: str, **kwargs: Any) -> None:
    """Ask for a task to run soon, after the current transaction commits."""
    if name not in _registry:
        raise LookupError(f"no task named {name!r}")
    transaction.on_commit(lambda: _dispatch(name, kwargs))


def _dispatch(name: str, kwargs: dict[str, Any]) -> None:
    if settings.TASK_MODE == "celery":
        from vigil.celery import app

        app.send_task(name, kwargs=kwargs)
    elif _active_runner is not None:
        _active_runner.submit(name, kwargs)
    else:
        run_task(name, **kwargs)
