"""Alert verbs. Start here:

| verb | module |
|---|---|
| ``create_rule`` / ``update_rule`` / ``create_channel`` / ``update_channel`` | ``config`` |
| ``evaluate_new_mentions`` (the warn stage) | ``evaluate`` |
| ``advance`` / ``close_buckets`` (spike rules) | ``spikes`` |
| ``fire_alert`` / ``flag_mention`` | ``firing`` |
| ``report_warning`` / ``tell_reporter`` (the reporter's bell notices) | ``reports`` |
| ``acknowledge_alert`` / ``close_alert`` / ``give_feedback`` / ``assign_alert`` / ``assignable_users`` / ``escalate_due`` / ``response_status`` | ``lifecycle`` |
| ``queue_deliveries`` / quiet hours / digests | ``routing`` |
| ``deliver_due`` / ``send_test`` | ``outbox`` (what each notice says: ``messages``; how a send went: ``outcomes``) |
| ``resend_failed`` | ``outcomes`` |
| ``preview_rule`` | ``preview`` |
"""

from __future__ import annotations

from vigil.alerts.services.config import (
    RuleError,
    create_channel,
    create_rule,
    reset_response_target,
    response_targets,
    set_response_target,
    update_channel,
    update_rule,
)
from vigil.alerts.services.firing import (
    AlertError,
    Firing,
    fire_alert,
    flag_mention,
)
from vigil.alerts.services.lifecycle import (
    acknowledge_alert,
    assign_alert,
    assignable_users,
    close_alert,
    escalate_due,
    give_feedback,
    link_incident,
    response_status,
)
from vigil.alerts.services.outbox import deliver_due, send_test
from vigil.alerts.services.outcomes import resend_failed
from vigil.alerts.services.reports import report_warning
from vigil.alerts.services.routing import in_app_channel, queue_deliveries

__all__ = [
    "AlertError",
    "Firing",
    "RuleError",
    "acknowledge_alert",
    "assign_alert",
    "assignable_users",
    "close_alert",
    "create_channel",
    "create_rule",
    "response_targets",
    "reset_response_target",
    "set_response_target",
    "deliver_due",
    "escalate_due",
    "fire_alert",
    "flag_mention",
    "give_feedback",
    "in_app_channel",
    "link_incident",
    "queue_deliveries",
    "report_warning",
    "resend_failed",
    "response_status",
    "send_test",
    "update_channel",
    "update_rule",
]
