"""The source form: fixed fields plus the selected kind's configuration, generated from
its pydantic model, so a new connector gets its form for free."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from vigil.sources.connectors import ConnectorError, connector_kinds, get_connector_class
from vigil.sources.models import Channel

CONFIG_PREFIX = "cfg__"
# Kinds that are not configured by hand: the demo replay, and import sources, which the
# Import screen creates.
HIDDEN_KINDS = {"demo", "upload"}


def addable_kinds() -> list[str]:
    """The kinds offered on Sources › Add."""
    return [k for k in connector_kinds() if k not in HIDDEN_KINDS]


def kind_label(kind: str) -> str:
    """A kind's name in the reader's language; connectors mark their labels with
    ``gettext_noop`` because they do not import Django."""
    try:
        return gettext(get_connector_class(kind).label)
    except ConnectorError:
        return kind


def is_pulled(kind: str) -> bool:
    """False for kinds that are fed (push, import): no schedule, no test fetch."""
    try:
        return get_connector_class(kind).pull
    except ConnectorError:
        return True


def _translated(text: str) -> str:
    # gettext("") would answer the catalogue's header.
    return gettext(text) if text else ""


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str
    help: str
    type: str  # string | integer | number | boolean | array | object
    required: bool
    default: Any
    secret: bool
    choices: list[str] | None


def config_fields(kind: str) -> list[ConfigField]:
    """The configuration fields of a connector kind, from its JSON schema."""
    schema = get_connector_class(kind).Config.model_json_schema()
    required = set(schema.get("required", []))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        kind_type = prop.get("type") or _first_type(prop)
        fields.append(
            ConfigField(
                name=name,
                label=_translated(prop.get("title") or name.replace("_", " ").capitalize()),
                help=_translated(prop.get("description", "")),
                type=kind_type or "string",
                required=name in required,
                default=prop.get("default"),
                secret=bool(prop.get("secret")),
                choices=prop.get("enum"),
            )
        )
    return fields


def config_rows(kind: str, config: dict[str, Any]) -> list[tuple[str, str]]:
    """(field label, shown value) for a source page; ``config`` is already masked."""
    try:
        labels = {f.name: f.label for f in config_fields(kind)}
    except ConnectorError:
        labels = {}
    return [(labels.get(name, name), _shown(value)) for name, value in config.items()]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return pgettext("config value", "yes") if value else pgettext("config value", "no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _first_type(prop: dict[str, Any]) -> str | None:
    for option in prop.get("anyOf", []):
        if option.get("type") not in (None, "null"):
            return str(option["type"])
    return None


def _form_field(field: ConfigField) -> forms.Field:
    common: dict[str, Any] = {
        "label": field.label,
        "help_text": field.help,
        "required": field.required,
    }
    if field.choices:
        return forms.ChoiceField(
            choices=[(c, c) for c in field.choices], initial=field.default, **common
        )
    if field.type == "boolean":
        return forms.BooleanField(initial=bool(field.default), **{**common, "required": False})
    if field.type == "integer":
        return forms.IntegerField(initial=field.default, **common)
    if field.type == "number":
        return forms.FloatField(initial=field.default, **common)
    if field.type in ("object", "array"):
        initial = (
            json.dumps(field.default, ensure_ascii=False)
            if field.default not in (None, {}, [])
            else ""
        )
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "JSON"}),
            initial=initial,
            **common,
        )
    widget = (
        forms.PasswordInput(render_value=True)
        if field.secret
        else forms.TextInput(attrs={"size": 60})
    )
    return forms.CharField(initial=field.default or "", widget=widget, **common)


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("kind's default"))] + list(Channel.choices),
    )
    interval_seconds = forms.IntegerField(label=_("Interval (seconds)"), min_value=10, initial=900)

    def __init__(
        self,
        *args: Any,
        kind: str | None = None,
        initial_config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kinds = addable_kinds()
        if kind and kind not in kinds and kind in connector_kinds():
            kinds.append(kind)  # editing a demo or import source: show its own kind
        self.fields["kind"].choices = [(k, kind_label(k)) for k in kinds]
        # Not ``self.kind``: the template's ``form.kind`` is the BoundField of the kind
        # field, so the <select> could not tell which kind's fields are shown.
        self.chosen_kind: str = kind or self.data.get("kind") or self.initial.get("kind") or "rss"
        # Fed kinds (push) are never fetched, so the form offers no test fetch for them.
        self.can_test_fetch = is_pulled(self.chosen_kind)
        self.config_names: list[str] = []
        for field in config_fields(self.chosen_kind):
            form_field = _form_field(field)
            if initial_config and field.name in initial_config:
                value = initial_config[field.name]
                form_field.initial = (
                    json.dumps(value, ensure_ascii=False)
                    if field.type in ("object", "array")
                    else value
                )
            self.fields[CONFIG_PREFIX + field.name] = form_field
            self.config_names.append(field.name)
        self._types = {f.name: f.type for f in config_fields(self.chosen_kind)}

    def config_bound_fields(self) -> list[forms.BoundField]:
        return [self[CONFIG_PREFIX + name] for name in self.config_names]

    def config(self) -> dict[str, Any]:
        """The configuration dict from cleaned data (JSON fields parsed, blanks dropped)."""
        config: dict[str, Any] = {}
        for name in self.config_names:
            value = self.cleaned_data.get(CONFIG_PREFIX + name)
            if self._types.get(name) in ("object", "array"):
                if not value:
                    continue
                try:
                    value = json.loads(value)
                except json.JSONDecodeError as exc:
                    self.add_error(CONFIG_PREFIX + name, _("Not valid JSON: %(e)s") % {"e": exc})
                    continue
            if value is None or (
                value == ""
                and self._types.get(name) == "string"
                and name not in self._required_names()
            ):
                continue
            config[name] = value
        return config

    def _required_names(self) -> set[str]:
        return {n for n in self.config_names if self.fields[CONFIG_PREFIX + n].required}


class ImportForm(forms.Form):
    source = forms.CharField(
        label=_("Into source"),
        max_length=120,
        help_text=_("An existing source, or a new name for an import source"),
    )
    file = forms.FileField(label=_("File (CSV, JSONL or XLSX)"))
    default_timezone = forms.CharField(label=_("Time zone of dates without one"), initial="UTC")
