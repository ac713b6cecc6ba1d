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
For the same reason a kick the broker does not take (Redis down) is logged and dropped,
not raised: it is sent after the commit, so raising would fail a request whose rows are
already saved (a push answered 500, and its retry then found every item a duplicate).
"""

from __future__ import annotations

import logging
import threading
import time
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


class _BrokerOutage:
    """Kicks the broker did not take, said once per burst and not tried for a few seconds.

    Each failed send costs the caller about 0.7 s of kombu's own retries (longer for a host
    that does not answer at all); while the broker is down, a request that kicks a task
    should not pay that every time, and the log should not get a warning per kick. The
    kicks are not kept: the schedule (beat) sweeps the durable rows once the broker is back.
    """

    QUIET_SECONDS = 5.0  # after a failed send, kicks are dropped without trying the broker
    WARN_EVERY_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._warned_at: float | None = None
        self._unsent = 0

    def skip(self) -> bool:
        """True (and counted) when the broker failed moments ago: do not try it now."""
        with self._lock:
            if self._failed_at is None or time.monotonic() - self._failed_at > self.QUIET_SECONDS:
                return False
            self._unsent += 1
            return True

    def failed(self, name: str, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._failed_at = now
            self._unsent += 1
            if self._warned_at is not None and now - self._warned_at < self.WARN_EVERY_SECONDS:
                return
            self._warned_at = now
            unsent = self._unsent
        log.warning(
            "could not queue %s: the broker (VIGIL_BROKER_URL) did not take it (%s: %s); "
            "%d kick(s) not sent so far. Nothing is lost: the work is saved in the database "
            "and the schedule picks it up when the broker is back.",
            name,
            type(error).__name__,
            str(error)[:200],
            unsent,
        )

    def sent(self) -> None:
        if self._failed_at is None:
            return  # the usual case: no lock, no log
        with self._lock:
            unsent, self._unsent = self._unsent, 0
            self._failed_at = self._warned_at = None
        if unsent:
            log.info("the broker takes tasks again (%d kick(s) were not sent meanwhile)", unsent)


_broker_outage = _BrokerOutage()


def _send_to_broker(name: str, kwargs: dict[str, Any]) -> None:
    from vigil.celery import app

    if _broker_outage.skip():
        return
    try:
        app.send_task(name, kwargs=kwargs)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the rows are swept later
        _broker_outage.failed(name, exc)
    else:
        _broker_outage.sent()


def _dispatch(name: str, kwargs: dict[str, Any]) -> None:
    if settings.TASK_MODE == "celery":
        _send_to_broker(name, kwargs)
    elif _active_runner is not None:
        _active_runner.submit(name, kwargs)
    else:
        run_task(name, **kwargs)
