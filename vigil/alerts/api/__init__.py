"""Alerts API: rules, alerts (list, acknowledge, assign, handle, feedback, hand-off to an
incident), channels, deliveries. The bodies are in ``vigil.alerts.schemas``.

The endpoint modules register on one router (``common.router``) when imported here; an
alert's id is an ``int:`` path segment, so ``/rules`` and ``/channels`` are never read as one,
whatever the order.
"""

from vigil.alerts.api import alerts, channels, rules  # noqa: F401 - they register the routes
from vigil.alerts.api.common import router

__all__ = ["router"]
