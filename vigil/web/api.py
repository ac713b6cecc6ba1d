"""System endpoints: health (public, for load balancers and monitors)."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

from vigil import __version__
from vigil.pipeline import runner as runner_module
from vigil.sources.models import RawItem

router = Router(tags=["system"])


class ComponentHealth(Schema):
    ok: bool
    detail: str


class HealthOut(Schema):
    status: str
    version: str
    database: ComponentHealth
    workers: ComponentHealth
    pending_items: int | None


def _database() -> ComponentHealth:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return ComponentHealth(ok=True, detail=connection.vendor)
    except Exception as exc:  # noqa: BLE001
        return ComponentHealth(ok=False, detail=f"{type(exc).__name__}: {exc}")


def _workers() -> ComponentHealth:
    if settings.TASK_MODE == "celery":
        try:
            from vigil.celery import app

            replies = app.control.ping(timeout=1.0) or []
        except Exception as exc:  # noqa: BLE001
            return ComponentHealth(ok=False, detail=f"broker unreachable: {exc}")
        if replies:
            return ComponentHealth(ok=True, detail=f"celery: {len(replies)} worker(s) answered")
        return ComponentHealth(ok=False, detail="celery: no worker answered")
    active = runner_module._active_runner
    if active is None:
        return ComponentHealth(ok=False, detail="embedded: runner not started (web-only process)")
    alive = getattr(active, "is_alive", lambda: False)()
    last_tick = getattr(active, "last_tick", None)
    age = f", last tick {time.time() - last_tick:.1f}s ago" if last_tick else ""
    return ComponentHealth(
        ok=bool(alive), detail=f"embedded: {'running' if alive else 'stopped'}{age}"
    )


@router.get(
    "/health",
    response={200: HealthOut, 503: HealthOut},
    auth=None,
    summary="Database and worker status",
)
def health(request: HttpRequest) -> Status[HealthOut]:
    database = _database()
    workers = _workers()
    pending = RawItem.objects.filter(status=RawItem.Status.PENDING).count() if database.ok else None
    status = "ok" if database.ok and workers.ok else ("degraded" if database.ok else "down")
    body = HealthOut(
        status=status,
        version=__version__,
        database=database,
        workers=workers,
        pending_items=pending,
    )
    return Status(200 if database.ok else 503, body)
