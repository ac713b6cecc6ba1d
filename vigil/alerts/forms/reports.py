"""The hand-made report and the 警 flag with its details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.alerts.forms.rules import level_choices
from vigil.monitoring.models import Topic, WarningLevel


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("What is happening"),
        max_length=300,
        # Django's own said 「确保该变量包含不超过 300 字符」 to a zh trial: a field, not a variable.
        error_messages={
            "max_length": _("At most %(limit_value)d characters (this one has %(show_value)d)")
        },
    )
    text = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}))
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    level = forms.ChoiceField(label=_("Warning level"), choices=WarningLevel.choices, initial="III")
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        # A report's topic is left out, not "any" (the rule form's 「不限」 read wrong here).
        empty_label=_("— not specified —"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # As on the rule form: each level says how soon the responders must answer.
        self.fields["level"].choices = level_choices()


class FlagForm(forms.Form):
    """The 警 flag with its details: a level other than III and a word on why (both optional;
    the one-click flag in the mentions list raises level III with no note)."""

    level = forms.ChoiceField(
        label=_("Warning level"), choices=WarningLevel.choices, initial="III", required=False
    )
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("What worries you: who posted it, what it could lead to…"),
            }
        ),
    )

    topic = forms.TypedChoiceField(
        label=_("Topic"), coerce=int, required=False, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, topics: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices()
        # The topics the mention matched, the most specific first (the default).
        self.fields["topic"].choices = [(t.pk, t.name) for t in topics or []]

    def clean_level(self) -> str:
        return self.cleaned_data.get("level") or WarningLevel.III
