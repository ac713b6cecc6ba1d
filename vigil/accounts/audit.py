"""The one way Vigil records a state change: ``record_audit``.

Every service that changes an incident, statement, alert rule, topic, source or
assessment record calls it inside its own transaction, so the audit row commits or
rolls back with the change it describes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from vigil.accounts.models import AuditEntry

__all__ = ["acting_through_token", "action_label", "actor_label", "record_audit", "snapshot"]

#: What an action did, by the verb after its last dot (``alertrule.created``, ``alert.fired``);
#: the audit log and an alert's timeline both read actions through ``action_label``.
ACTION_VERBS: dict[str, Promise] = {
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
    "updated": gettext_lazy("changed"),
    "deleted": gettext_lazy("deleted"),
    "paused": gettext_lazy("paused"),
    "resumed": gettext_lazy("resumed"),
    "fired": gettext_lazy("fired"),
    "raised": gettext_lazy("raised the level"),
    "escalated": gettext_lazy("escalated"),
    "grew": gettext_lazy("grew fourfold: people are told again"),
    "overdue": gettext_lazy("still unacknowledged; no escalation step left"),
    "acknowledged": gettext_lazy("acknowledged"),
    "handled": gettext_lazy("marked handled"),
    "false_alarm": gettext_lazy("marked a false alarm"),
    "feedback": gettext_lazy("gave feedback"),
    "assigned": gettext_lazy("assigned"),
    "flagged": gettext_lazy("flagged a mention as a warning"),
    "reported": gettext_lazy("reported a warning"),
    "incident_opened": gettext_lazy("handed off to an incident"),
    "issued": gettext_lazy("issued"),
    "revoked": gettext_lazy("revoked"),
    "password_reset": gettext_lazy("reset the password"),
    "pushed": gettext_lazy("pushed a batch of items"),
    "imported": gettext_lazy("imported a file"),
    "resent_failed": gettext_lazy("sent its failed messages again"),
    "corrected.sentiment": gettext_lazy("corrected the sentiment"),
    "corrected.emotion": gettext_lazy("corrected the emotion"),
    "corrected.relevance": gettext_lazy("corrected the relevance"),
}


def action_label(action: str) -> str:
    """The action's verb in the reader's language (all after the object's kind, else the
    last word: ``mention.corrected.sentiment``); an unknown one keeps its code."""
    for verb in (action.partition(".")[2], action.rsplit(".", 1)[-1]):
        if verb in ACTION_VERBS:
            return str(ACTION_VERBS[verb])
    return action


def actor_label(label: str) -> str:
    """Who did it; changes made by Vigil itself are recorded as "system"."""
    return gettext("system") if label in ("", "system") else label


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of a model's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _json_safe(getattr(instance, field.attname))
    return data


#: The API token the current request authenticated with ("ci-bot (vgl_ab12…)"), if any: what
#: a script did through the API must not read as its owner's own hand (an integrator's trial).
_API_TOKEN: ContextVar[str | None] = ContextVar("vigil_api_token", default=None)


#: A recorded value and the object (None once deleted) → the value in the reader's language,
#: or None to show it as recorded.
ValueSayer = Callable[[Any, Any], str | None]

#: (object type, field) → its sayer, registered by the app that owns the object (in its
#: ``AppConfig.ready``): a rule's routing in words, an alert's title in the reader's language.
_VALUE_SAYERS: dict[tuple[str, str], ValueSayer] = {}


def say_recorded_values_with(object_type: str, field: str, sayer: ValueSayer) -> None:
    _VALUE_SAYERS[(object_type, field)] = sayer


def say_recorded_value(object_type: str, field: str, value: Any, obj: Any = None) -> str | None:
    """A recorded value as its app says it (None: nothing registered, or it cannot)."""
    sayer = _VALUE_SAYERS.get((object_type, field))
    return sayer(value, obj) if sayer is not None else None


def acting_through_token(label: str | None) -> None:
    """Say which API token the current request acts through (None: none). Set by the API's
    token authentication and cleared at the start of every request."""
    _API_TOKEN.set(label)


def record_audit(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry for ``action`` on ``obj`` by ``actor`` (None = the system)."""
    user = actor if isinstance(actor, User) else None
    label = user.get_username() if user is not None else "system"
    token = _API_TOKEN.get()
    if token and user is not None and "token" not in (after or {}):
        after = {**(after or {}), "token": token}
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        note=note,
    )


def read_in_readers_language(entries: list[AuditEntry]) -> None:
    """Give each entry ``readable_name`` (the object's name in the reader's language) and
    ``audit_object`` (the object, or None), for objects whose model says its name
    (``audit_repr()``) and that still exist; the others keep the name stored with them.

    One query per kind of object on the page, not one per entry.
    """
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    objects: dict[tuple[str, str], models.Model] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        if not callable(getattr(model, "audit_repr", None)):
            continue
        pks = [pk for pk in ids if pk.isdigit()]
        for obj in model._default_manager.filter(pk__in=pks):
            objects[(object_type, str(obj.pk))] = obj
    for entry in entries:
        obj = objects.get((entry.object_type, entry.object_id))
        entry.audit_object = obj  # type: ignore[attr-defined]
        entry.readable_name = obj.audit_repr() if obj is not None else entry.object_repr  # type: ignore[attr-defined]
