"""Say audit entries in the reader's language: the kind of object ("alert rule", not
``alerts.alertrule``), the verb of the action, field names by their labels, and values as
compact JSON rather than Python reprs. The stored codes stay as they are."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from vigil.accounts import audit
from vigil.accounts.models import Department
from vigil.accounts.people import person_name
from vigil.accounts.roles import ROLE_LABELS
from vigil.alerts.texts import level_numeral, say_note

register = template.Library()


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@register.filter
def object_type_label(object_type: str) -> str:
    """``alerts.alertrule`` → "alert rule" (the model's verbose name, translated)."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


register.filter("action_label", audit.action_label)


register.filter("actor_label", audit.actor_label)


#: Recorded names that are not fields of the object's model (a user's role and department
#: live in groups and the profile; a pushed batch or imported file records its counts).
_EXTRA_FIELD_LABELS = {
    "role": gettext_lazy("role"),
    "email": gettext_lazy("e-mail address"),
    "department": gettext_lazy("department"),
    "token": gettext_lazy("API token"),
    "signed": gettext_lazy("signed with the source's secret"),
    "file": gettext_lazy("file"),
    "received": gettext_lazy("items received"),
    "new": gettext_lazy("new items"),
    "duplicates": gettext_lazy("duplicates"),
    "refused": gettext_lazy("items refused"),
    "bad_rows": gettext_lazy("rows refused"),
    "resent": gettext_lazy("messages sent again"),
}


_UNNAMED_FIELD_LABELS = {
    "created_at": gettext_lazy("created"),
    "updated_at": gettext_lazy("updated"),
}


@register.simple_tag
def field_label(object_type: str, name: str) -> str:
    model = _model(object_type)
    if name in _EXTRA_FIELD_LABELS and (model is None or not _has_field(model, name)):
        return str(_EXTRA_FIELD_LABELS[name])
    if model is None:
        return name
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    if label == name.replace("_", " ") and name in _UNNAMED_FIELD_LABELS:
        # A field without a verbose name reads as its code in English ("created at" on a
        # Chinese audit log, a zh trial): the common ones are said in the reader's language.
        return str(_UNNAMED_FIELD_LABELS[name])
    return label


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


@register.simple_tag
def field_value(object_type: str, name: str, value: Any, obj: Any = None) -> str:
    """A stored value by its choice label when the field has choices (state "new" → 新预警);
    roles, stored by their English group names, by their labels (Viewer → 只读用户); what
    the object's app can say in the reader's language (``audit.say_recorded_values_with``), so."""
    said = audit.say_recorded_value(object_type, name, value, obj)
    if said is not None:
        return str(said)
    if name == "role" and isinstance(value, str) and value:
        return ", ".join(str(ROLE_LABELS.get(r.strip(), r.strip())) for r in value.split(","))
    if name == "department" and isinstance(value, str) and value:
        # Recorded by its code (a zh trial read "cs → pr"): said by its name while it exists.
        department = Department.objects.filter(code=value).first()
        if department is not None:
            return department.display_name(get_language() or "")
    if name == "language" and isinstance(value, str) and value:
        # A profile's language by its name (简体中文), not its code (a zh trial read zh-hans).
        return str(dict(settings.LANGUAGES).get(value, value))
    model = _model(object_type)
    if model is not None and isinstance(value, str):
        try:
            field: Any = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        choices = dict(field.flatchoices) if field is not None else {}
        if value in choices:
            return str(choices[value])
        moment = parse_datetime(value) if isinstance(field, models.DateTimeField) else None
        if moment is not None:
            # A time as the reader's clock says it, not raw UTC with microseconds.
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
    if model is not None and isinstance(value, int) and not isinstance(value, bool):
        # A link to another row by its name: "assigned to: lihua", not "assigned to: 2".
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if isinstance(field, models.ForeignKey):
            related = field.related_model._default_manager.filter(pk=value).first()
            if isinstance(related, AbstractBaseUser):
                return person_name(related)  # as every screen names people
            named = getattr(related, "display_name", None)
            if callable(named):
                return str(named(get_language() or ""))  # a department: 公关部
            if related is not None:
                return str(named or related)
    return audit_value(value)


#: Notes Vigil writes itself, in English, said in the reader's language.
_ESCALATED_NOTE = re.compile(r"^unacknowledged after the level (?P<level>\S+) target$")


@register.filter
def audit_note(entry: Any) -> str:
    """An entry's note: what people wrote as written; the notes the system writes (an
    escalation's reason) in the reader's language, or nothing when the action says it."""
    note = entry.note or ""
    if note == "no escalation step left":  # the action reads "still unacknowledged; …"
        return ""
    found = _ESCALATED_NOTE.match(note)
    if found and entry.action == "alert.escalated":
        return _("escalated to step {step}: unacknowledged after the level {level} target").format(
            step=(entry.after or {}).get("escalation_step", ""),
            level=level_numeral(found["level"]),
        )
    return say_note(note)  # a note the system wrote (an e-mail link's), else as written


@register.filter
def audit_value(value: Any) -> str:
    """A stored value as people read it: "—" for nothing, JSON for lists and dicts."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        return text if len(text) <= 160 else text[:159] + "…"
    return str(value)
