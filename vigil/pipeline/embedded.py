"""The in-process runner of embedded mode: one scheduler thread and a worker pool.

It runs the same registered tasks as Celery does at scale. Stopping is cooperative:
``stop()`` stops scheduling, lets running tasks finish their current batch (long tasks
check ``stopping()`` between batches) and waits for them. Work that was not started
stays in its durable rows and is picked up at the next start.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connection

from vigil.pipeline import runner as runner_module

log = logging.getLogger(__name__)

_stop_event = threading.Event()


def stopping() -> bool:
    """True once the embedded runner is shutting down; long tasks return early."""
    return _stop_event.is_set()


class EmbeddedRunner:
    def __init__(self, workers: int = 4, tick_seconds: float = 0.5) -> None:
        self.workers = workers
        self.tick_seconds = tick_seconds
        self._executor: ThreadPoolExecutor | None = None
        self._scheduler: threading.Thread | None = None
        self._lock = threading.Lock()
        self._in_flight: dict[str, Future[Any]] = {}
        self._next_due: dict[str, float] = {}
        self.started_at: float | None = None
        self.last_tick: float | None = None

    # --- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        _stop_event.clear()
        self._executor = ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="vigil-worker"
        )
        now = time.monotonic()
        self._next_due = {
            name: now for name, spec in runner_module.registered_tasks().items() if spec.every
        }
        self._scheduler = threading.Thread(
            target=self._schedule_loop, name="vigil-scheduler", daemon=True
        )
        self.started_at = time.time()
        self._scheduler.start()
        runner_module.set_active_runner(self)
        log.info(
            "embedded runner started: %d worker threads, %d scheduled tasks",
            self.workers,
            len(self._next_due),
        )

    def stop(self, timeout: float = 30.0) -> None:
        """Stop scheduling and wait (up to ``timeout``) for running tasks to finish."""
        _stop_event.set()
        runner_module.set_active_runner(None)
        if self._scheduler is not None:
            self._scheduler.join(timeout=5)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + timeout
            for name, future in list(self._in_flight.items()):
                remaining = max(0.1, deadline - time.monotonic())
                try:
                    future.result(timeout=remaining)
                except Exception:  # noqa: BLE001, S110 - logged by _run already
                    pass
                else:
                    log.debug("task %s finished during shutdown", name)
        self._in_flight.clear()
        # The runner is gone; tasks run later in this process (CLI, tests) run fully.
        _stop_event.clear()
        log.info("embedded runner stopped")

    def is_alive(self) -> bool:
        return (
            self._scheduler is not None
            and self._scheduler.is_alive()
            and runner_module._active_runner is self
        )

    # --- submitting -------------------------------------------------------------------
    def submit(self, name: str, kwargs: dict[str, Any]) -> None:
        """Queue a task; a kick for a task already queued or running is coalesced."""
        key = _key(name, kwargs)
        with self._lock:
            if stopping() or self._executor is None:
                return
            running = self._in_flight.get(key)
            if running is not None and not running.done():
                return
            self._in_flight[key] = self._executor.submit(self._run, name, kwargs)

    def _run(self, name: str, kwargs: dict[str, Any]) -> Any:
        close_old_connections()
        try:
            return runner_module.run_task(name, **kwargs)
        except Exception:
            log.exception("task %s failed", name)
            return None
        finally:
            connection.close()

    def _schedule_loop(self) -> None:
        specs = runner_module.registered_tasks()
        while not _stop_event.wait(self.tick_seconds):
            now = time.monotonic()
            self.last_tick = time.time()
            for name, due in list(self._next_due.items()):
                if now >= due:
                    every = specs[name].every or 60.0
                    self._next_due[name] = now + every
                    self.submit(name, {})


def _key(name: str, kwargs: dict[str, Any]) -> str:
    return name + repr(sorted(kwargs.items()))
