from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.accounts.forms import DepartmentChoiceField
from vigil.accounts.models import Department
from vigil.analysis.labels import language_choices
from vigil.monitoring.models import MonitoringPlan, Topic, WarningLevel
from vigil.monitoring.services import LANGUAGES
from vigil.sources.models import Channel


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What this plan watches and why: brands, products, people, competitors, channels."
        ),
    )
    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TopicForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=MonitoringPlan.objects.all())
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Topic.Kind.choices)
    query = forms.CharField(
        label=_("Query"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            'e.g. (明光 OR Lumina) AND (水壶 OR kettle) -招聘 · "smart kettle" · recall* · 明光 NEAR/5 烫伤'
        ),
    )
    exclude_query = forms.CharField(
        label=_("Exclude"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "class": "mono"}),
        help_text=_("Mentions matching this are left out (noise, other meanings of the name)."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=language_choices(LANGUAGES),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every language."),
    )
    alert_level = forms.ChoiceField(
        label=_("Default warning level"), choices=WarningLevel.choices, initial=WarningLevel.III
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def topic_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("plan", None)
        return data
