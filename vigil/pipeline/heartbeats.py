"""Record and read heartbeats (see ``Heartbeat``)."""

from __future__ import annotations

from django.utils import timezone

from vigil.pipeline.models import Heartbeat

__all__ = ["SCHEDULER", "SCHEDULER_TICK", "SCHEDULER_STALE_AFTER", "beat", "seconds_since"]

SCHEDULER = "scheduler"
#: How often the scheduler (``vigil beat``, or the embedded runner) sends its tick.
SCHEDULER_TICK = 30.0
#: Health calls the scheduler stale after this long without a tick (four missed ticks).
SCHEDULER_STALE_AFTER = 4 * SCHEDULER_TICK


def beat(name: str) -> None:
    """Note that ``name`` ran now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def seconds_since(name: str) -> float | None:
    """Seconds since ``name`` last ran; None if it never has."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else (timezone.now() - at).total_seconds()
