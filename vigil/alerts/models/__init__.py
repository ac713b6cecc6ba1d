"""Alert rules and their per-subject state, alerts, channels, deliveries, notifications.

Start here: an ``AlertRule`` watches a topic or a plan; the ``warn`` pipeline stage and
the bucket task evaluate it and call ``fire_alert``, which creates or updates one
``Alert`` per (rule, subject, episode). Deliveries are an outbox (``Delivery`` rows)
sent by the ``alerts.deliver`` task through registered transports (``Channel.kind``).
"""

from __future__ import annotations

from vigil.alerts.models.alerts import Alert, AlertMention, Notification
from vigil.alerts.models.channels import Channel, Delivery
from vigil.alerts.models.rules import (
    DEFAULT_RESPONSE_HOURS,
    AlertRule,
    ResponseTarget,
    RuleSubject,
    response_window,
    response_windows,
)

__all__ = [
    "DEFAULT_RESPONSE_HOURS",
    "Alert",
    "AlertMention",
    "AlertRule",
    "Channel",
    "Delivery",
    "Notification",
    "ResponseTarget",
    "RuleSubject",
    "response_window",
    "response_windows",
]
