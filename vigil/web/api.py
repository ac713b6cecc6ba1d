"""System endpoints: health (public, for load balancers and monitors)."""

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from vigil import __version__
from vigil.alerts.models import Delivery
from vigil.pipeline import heartbeats
from vigil.pipeline import runner as runner_module
from vigil.sources.models import RawItem
from vigil.web.services import failing_channels

router = Router(tags=["system"])


class ComponentHealth(Schema):
    ok: bool
    detail: str


class DeliveryBacklog(Schema):
    due: int  # pending deliveries whose time has come (held and backed-off ones are not due)
    oldest_due_seconds: float | None  # how long the oldest of them has been due
    failing_channels: int  # active channels whose last send failed (the dashboard's tile)


class HealthOut(Schema):
    status: str
    version: str
    database: ComponentHealth
    workers: ComponentHealth
    scheduler: ComponentHealth
    pending_items: int | None
    deliveries: DeliveryBacklog | None


def _database() -> ComponentHealth:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return ComponentHealth(ok=True, detail=connection.vendor)
    except Exception as exc:  # noqa: BLE001
        return ComponentHealth(ok=False, detail=f"{type(exc).__name__}: {exc}")


def celery_health(active_queues: dict[str, Any] | None, wanted: list[str]) -> ComponentHealth:
    """Workers' answers to ``inspect active_queues``, summed up: unhealthy when no worker
    answered or a queue has no consumer (delivery workers started with ``--queues`` and none
    left for ``deliveries``: alerts would wait unseen)."""
    if not active_queues:
        return ComponentHealth(ok=False, detail="celery: no worker answered")
    consumed = {queue["name"] for listed in active_queues.values() for queue in listed or []}
    idle = [name for name in wanted if name not in consumed]
    detail = f"celery: {len(active_queues)} worker(s) answered"
    if idle:
        return ComponentHealth(
            ok=False, detail=f"{detail}; no worker consumes the queue {', '.join(idle)}"
        )
    return ComponentHealth(ok=True, detail=detail)


def _workers() -> ComponentHealth:
    if settings.TASK_MODE == "celery":
        try:
            from vigil.celery import app

            replies = app.control.inspect(timeout=1.0).active_queues()
        except Exception as exc:  # noqa: BLE001
            return ComponentHealth(ok=False, detail=f"broker unreachable: {exc}")
        return celery_health(replies, runner_module.queues())
    active = runner_module._active_runner
    if active is None:
        return ComponentHealth(ok=False, detail="embedded: runner not started (web-only process)")
    alive = getattr(active, "is_alive", lambda: False)()
    last_tick = getattr(active, "last_tick", None)
    age = f", last tick {time.time() - last_tick:.1f}s ago" if last_tick else ""
    return ComponentHealth(
        ok=bool(alive), detail=f"embedded: {'running' if alive else 'stopped'}{age}"
    )


def scheduler_health(age: float | None) -> ComponentHealth:
    """The scheduler's last tick: without it, retries, escalation and collection wait while
    only work that a commit kicks (a push, a new alert's first notice) still runs."""
    tick = heartbeats.SCHEDULER_TICK
    who = "vigil beat" if settings.TASK_MODE == "celery" else "the embedded runner of vigil run"
    if age is None:
        return ComponentHealth(
            ok=False, detail=f"no scheduled run recorded yet: is the scheduler ({who}) running?"
        )
    detail = f"last scheduled run {age:.0f}s ago (one every {tick:.0f}s)"
    if age > heartbeats.SCHEDULER_STALE_AFTER:
        return ComponentHealth(ok=False, detail=f"{detail}: is the scheduler ({who}) running?")
    return ComponentHealth(ok=True, detail=detail)


def delivery_backlog() -> DeliveryBacklog:
    """Alerts waiting to be sent: a backlog that grows while workers and scheduler look
    healthy means no one consumes the deliveries queue, or the channels fail. Two queries
    on the (status, next_attempt_at) index and one on the few channels."""
    now = timezone.now()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    oldest = due.aggregate(oldest=Min("next_attempt_at"))["oldest"]
    failing = failing_channels().count()
    return DeliveryBacklog(
        due=due.count(),
        oldest_due_seconds=round((now - oldest).total_seconds(), 1) if oldest else None,
        failing_channels=failing,
    )


@router.get(
    "/health",
    response={200: HealthOut, 503: HealthOut},
    auth=None,
    summary="Database, worker and scheduler status, and the backlogs",
)
def health(request: HttpRequest) -> Status[HealthOut]:
    database = _database()
    workers = _workers()
    if database.ok:
        pending = RawItem.objects.filter(status=RawItem.Status.PENDING).count()
        scheduler = scheduler_health(heartbeats.seconds_since(heartbeats.SCHEDULER))
        deliveries: DeliveryBacklog | None = delivery_backlog()
    else:
        pending, scheduler = None, ComponentHealth(ok=False, detail="database unreachable")
        deliveries = None
    healthy = database.ok and workers.ok and scheduler.ok
    status = "ok" if healthy else ("degraded" if database.ok else "down")
    body = HealthOut(
        status=status,
        version=__version__,
        database=database,
        workers=workers,
        scheduler=scheduler,
        pending_items=pending,
        deliveries=deliveries,
    )
    return Status(200 if database.ok else 503, body)
