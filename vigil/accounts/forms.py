from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Department
from vigil.accounts.people import person_name
from vigil.accounts.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, ROLE_NAMES, VIEWER
from vigil.accounts.services import AccountError, check_account_change, profile_of, roles_of

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


class _NamedInReadersLanguage:
    """Departments by name in the reader's language (公关部, not Public Relations)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language() or ""))


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    """People by name (Li Wei), as the screens and messages name them, not by username."""

    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class DepartmentChoiceField(_NamedInReadersLanguage, forms.ModelChoiceField):
    """One department, named in the reader's language."""


class DepartmentMultipleChoiceField(_NamedInReadersLanguage, forms.ModelMultipleChoiceField):
    """Several departments, named in the reader's language."""


#: The areas of IANA's canonical "Area/City" names; the rest of the database is aliases kept
#: for old systems (PRC, ROC, US/Pacific, Etc/GMT+8 whose sign is reversed), and "localtime"
#: or "Factory", which name no place.
_ZONE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def _zone_tab() -> set[str]:
    """The zones of the time-zone database's zone.tab (one or more per country, no aliases
    such as Asia/Chongqing or Asia/Calcutta); empty where the file is not installed."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            rows = path.read_text(encoding="utf-8").splitlines()
            return {row.split("\t")[2] for row in rows if row and not row.startswith("#")}
    return set()


@functools.cache
def _place_zones() -> list[str]:
    available = zoneinfo.available_timezones()
    listed = _zone_tab() & available
    if not listed:  # no zone.tab: at least drop the names that are not Area/City
        listed = {z for z in available if z.startswith(_ZONE_AREAS)}
    return sorted(listed - set(COMMON_ZONES))


def zone_choices() -> list[tuple[str, str]]:
    """The IANA time zones named by place, the common ones first (profiles and alert rules).

    Aliases stay valid where a zone is typed (the API, settings); the lists offer one name
    per place, so nobody has to choose between "Asia/Shanghai", "Asia/Chongqing" and "PRC".
    """
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return list(_zone_choices_at(hour))


@functools.lru_cache(maxsize=2)
def _zone_choices_at(hour: dt.datetime) -> tuple[tuple[str, str], ...]:
    """The list for one hour: some 420 offsets took 15 ms on every form built, and they
    change only at summer-time switches (a label may then be up to an hour late)."""
    return tuple((z, f"{z} ({_utc_offset(z, hour)})") for z in COMMON_ZONES + _place_zones())


def _utc_offset(zone: str, now: dt.datetime) -> str:
    """ "UTC+08:00" today (a zh trial read bare IANA names and could not tell the hours)."""
    offset = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """Roles are groups with English names; people pick them by their translated labels."""

    def label_from_instance(self, obj: Any) -> str:
        return str(ROLE_LABELS.get(obj.name, obj.name))


#: A person's language: "" follows the browser (and the installation's, for e-mails).
LANGUAGE_CHOICES = [("", _("Browser default")), ("en", "English"), ("zh-hans", "简体中文")]


class PreferencesForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Personal e-mail channels send your alerts and escalations here."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, initial="default")


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    actor = forms.CharField(label=_("User"), required=False)


def _role_choices() -> list[tuple[str, str]]:
    return [(r, str(ROLE_LABELS[r])) for r in ROLE_NAMES]


# "Administrator: Everything …", one role a line (run together on one line, a zh trial could
# not tell them apart), said in the reader's language; the admin shows help text as HTML.
_ROLE_HELP = format_lazy(
    "<br>".join("<strong>{}</strong>{}{}" for _r in ROLE_NAMES),
    *[
        part
        for r in ROLE_NAMES
        for part in (ROLE_LABELS[r], pgettext_lazy("punctuation", ": "), ROLE_DESCRIPTIONS[r])
    ],
)


class _RoleAndDepartment(forms.ModelForm):
    """One role per person (not Django's many groups) and their department, on the
    admin site's user pages; the admin saves them through ``set_role_and_department``."""

    role = forms.ChoiceField(
        label=_("Role"), choices=_role_choices, initial=VIEWER, help_text=_ROLE_HELP
    )
    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    # Set here too, not only on the person's profile: a zh trial's new responder got English
    # e-mails in UTC until she first signed in and chose.
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_(
            "Of the screens and of personal e-mails (browser default: e-mails in the "
            "installation's language). People can change it on their profile."
        ),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.instance
        self.fields["timezone"].initial = settings.TIME_ZONE
        if user.pk is not None:
            roles = roles_of(user)
            profile = profile_of(user)
            self.fields["role"].initial = roles[0] if roles else VIEWER
            self.fields["department"].initial = profile.department
            self.fields["language"].initial = profile.language
            self.fields["timezone"].initial = profile.timezone or settings.TIME_ZONE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        is_active = cleaned.get("is_active", self.instance.is_active)
        if cleaned.get("role"):
            try:
                check_account_change(self.instance, role=cleaned["role"], is_active=is_active)
            except AccountError as exc:
                raise forms.ValidationError(str(exc)) from None
        return cleaned


class VigilUserCreationForm(_RoleAndDepartment, AdminUserCreationForm):
    pass


class VigilUserChangeForm(_RoleAndDepartment, UserChangeForm):
    pass
