from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.accounts.roles import ROLE_LABELS

COMMON_ZONES = [
    "UTC",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
]


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone, the common ones first (profiles and alert rules)."""
    rest = sorted(z for z in zoneinfo.available_timezones() if z not in COMMON_ZONES)
    return [(z, z) for z in COMMON_ZONES + rest]


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """Roles are groups with English names; people pick them by their translated labels."""

    def label_from_instance(self, obj: Any) -> str:
        return str(ROLE_LABELS.get(obj.name, obj.name))


class PreferencesForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Personal e-mail channels send your alerts and escalations here."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), ("en", "English"), ("zh-hans", "简体中文")],
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, initial="default")


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    actor = forms.CharField(label=_("User"), required=False)
