"""The alerts API's request and response bodies (``vigil.alerts.api`` holds the endpoints)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictInt

from vigil.alerts.conditions import CONDITION_MODELS, Routing
from vigil.alerts.models import Alert, AlertRule, Channel, Delivery
from vigil.alerts.services.lifecycle import is_overdue, respond_by
from vigil.alerts.transports import build_transport
from vigil.api_schema import MAX_ROW_ID, RequestBody, RowId, add_model_schemas

ERROR_CODE_HELP = (
    "timeout, dns, refused, tls, http_status, blocked, channel_paused, no_address, "
    "postponed …; empty when not a common kind"
)


class RuleIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=200)
    kind: AlertRule.Kind
    topic_id: int | None = None
    plan_id: int | None = None
    conditions: dict[str, Any] = {}
    level: str = "III"
    raise_at_impact: float | None = None
    routing: dict[str, Any] = {}
    cooldown_minutes: int = Field(360, ge=1, le=7 * 24 * 60)
    is_active: bool = True


class RulePatch(RequestBody):
    """Only the fields given change. ``routing`` and ``conditions`` are merged one level deep
    (JSON merge patch): ``{"routing": {"timezone": "Asia/Shanghai"}}`` keeps the recipients,
    on-call order and channels; a key given as null clears it."""

    name: str | None = None
    topic_id: int | None = None
    plan_id: int | None = None
    conditions: dict[str, Any] | None = None
    level: str | None = None
    raise_at_impact: float | None = None
    routing: dict[str, Any] | None = None
    cooldown_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)
    is_active: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    topic_id: int | None
    plan_id: int | None
    conditions: dict[str, Any]
    level: str
    raise_at_impact: float | None
    routing: dict[str, Any]
    cooldown_minutes: int
    is_active: bool
    updated_at: dt.datetime


class AlertOut(Schema):
    id: int
    key: str
    origin: str
    rule_id: int | None
    topic_id: int | None
    story_id: int | None
    title: str = Field(..., description="as stored, in the installation's language")
    title_code: str = Field(
        ..., description="keyword, spike, negative_share …; empty: words people gave"
    )
    title_params: dict[str, Any]
    display_title: str = Field(..., description="in the language of Accept-Language")
    summary: str = Field(..., description="as stored")
    summary_code: str = Field(..., description="spike, negative_share; empty: as written")
    summary_params: dict[str, Any]
    display_summary: str = Field(..., description="in the language of Accept-Language")
    level: str
    state: str
    impact: float | None
    data: dict[str, Any]
    first_seen: dt.datetime
    last_seen: dt.datetime
    mention_count: int
    assigned_to_id: int | None
    acknowledged_by_id: int | None
    acknowledged_at: dt.datetime | None
    closed_by_id: int | None
    closed_at: dt.datetime | None
    feedback: str
    escalation_step: int
    next_escalation_at: dt.datetime | None
    respond_by: dt.datetime = Field(..., description="the response deadline it was given")
    overdue: bool = Field(..., description="still new after respond_by")
    links: list[str]
    incident_id: int | None

    # Not through response_status, which reads the rule's ladder: a list of 50 alerts would
    # read 50 rules for two fields.
    @staticmethod
    def resolve_respond_by(obj: Alert) -> dt.datetime:
        return respond_by(obj)

    @staticmethod
    def resolve_overdue(obj: Alert) -> bool:
        return is_overdue(obj)


class NoteIn(RequestBody):
    note: str = ""


class BulkIn(RequestBody):
    ids: list[Annotated[StrictInt, Field(ge=1, le=MAX_ROW_ID)]] = Field(
        ..., min_length=1, max_length=200
    )
    action: Literal["ack", "handle", "false_alarm"]  # refusals list the three


class BulkSkippedOut(Schema):
    id: int
    reason: str


class BulkOut(Schema):
    done: list[int]
    skipped: list[BulkSkippedOut]


class FeedbackIn(RequestBody):
    feedback: Literal["useful", "false_alarm"]  # refusals list the two


class AssignIn(RequestBody):
    # Required (null unassigns): a body without it, or with a misspelt key, must not
    # unassign in silence; strict, so `true` is not read as user 1.
    user_id: StrictInt | None = Field(...)


class IncidentIn(RequestBody):
    incident_id: RowId
    note: str = ""


class FlagIn(RequestBody):
    mention_id: int
    note: str = ""
    level: str = "III"
    topic_id: int | None = Field(
        None, description="one of the topics the mention matched; empty: the most specific"
    )


class ReportIn(RequestBody):
    title: str = Field(..., min_length=1, max_length=300)
    text: str = ""
    links: list[str] = []
    level: str = "III"
    topic_id: int | None = None


class ChannelIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=120)
    kind: str
    config: dict[str, Any] = {}
    is_default: bool = False
    language: str = Field(
        "", description="shared messages' language (en, zh-hans); empty: the installation's"
    )


class ChannelPatch(RequestBody):
    """Only the fields given change; ``config`` is merged into the stored one (give a new
    ``secret`` to rotate a webhook's). ``is_active: false`` switches a channel off and keeps
    its delivery log."""

    name: str | None = Field(None, min_length=1, max_length=120)
    config: dict[str, Any] | None = None
    is_active: bool | None = None
    is_default: bool | None = None
    language: str | None = None


class ChannelOut(Schema):
    id: int
    name: str
    kind: str
    described: str
    is_active: bool
    is_default: bool
    language: str
    consecutive_failures: int
    last_error: str = Field(..., description="as it happened, in English")
    last_error_code: str = Field(..., description=ERROR_CODE_HELP)
    last_error_params: dict[str, Any]
    last_error_message: str = Field(..., description="in the language of Accept-Language")
    last_error_at: dt.datetime | None
    last_success_at: dt.datetime | None
    health: Literal["ok", "new", "failing", "paused"] = Field(
        ...,
        description="failing: its last attempt failed (administrators are told after 3 in a "
        "row); new: nothing sent yet; paused: switched off",
    )
    warning: str = Field(
        ...,
        description="why the configuration cannot work as it stands (a webhook to a private "
        "address while VIGIL_ALLOW_PRIVATE_FETCH is off), in the request's language; "
        "empty when nothing is known to stop it",
    )

    @staticmethod
    def resolve_warning(obj: Channel) -> str:
        try:
            return build_transport(obj.kind, obj.config).save_warning()
        except Exception:  # noqa: BLE001 - a broken config is reported by `described`
            return ""

    @staticmethod
    def resolve_last_error_message(obj: Channel) -> str:
        return obj.error_label

    @staticmethod
    def resolve_described(obj: Channel) -> str:
        try:
            return build_transport(obj.kind, obj.config).describe()
        except Exception:  # noqa: BLE001 - a broken config is reported, not raised
            return "invalid configuration"


class ChannelCreated(ChannelOut):
    """The new channel, with the webhook signing secret its receiver needs (shown here and
    on the channel's edit page, never in listings)."""

    secret: str | None = None

    @staticmethod
    def resolve_secret(obj: Channel) -> str | None:
        return obj.config.get("secret") if obj.kind == "webhook" else None


class ResentOut(Schema):
    resent: int = Field(..., description="messages sent again")


class DeliveryOut(Schema):
    id: int
    alert_id: int | None
    channel_id: int
    recipient_id: int | None
    reason: str
    status: str
    merged_into_id: int | None = Field(
        None, description="status merged: the message that went instead, saying the alert then"
    )
    digest: bool
    held_reason: str
    attempts: int
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    last_error: str = Field(..., description="as it happened, in English")
    last_error_code: str = Field(..., description=ERROR_CODE_HELP)
    last_error_params: dict[str, Any]
    last_error_message: str = Field(..., description="in the language of Accept-Language")
    created_at: dt.datetime

    @staticmethod
    def resolve_last_error_message(obj: Delivery) -> str:
        return obj.error_label


class NotificationOut(Schema):
    id: int
    alert_id: int | None
    title: str = Field(..., description="as sent, in its reader's language of the day")
    display_title: str = Field(..., description="in the language of Accept-Language")
    url: str
    level: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def describe_rule_bodies(schema: dict[str, Any]) -> None:
    """A rule's ``conditions`` and ``routing`` are free JSON in the bodies, checked by kind:
    the spec gives their models (an integrator found no per-kind schema there)."""
    names = {kind: f"{kind.title().replace('_', '')}Conditions" for kind in CONDITION_MODELS}
    refs = add_model_schemas(schema, {names[k]: m for k, m in CONDITION_MODELS.items()})
    routing = add_model_schemas(schema, {"Routing": Routing})[0]
    said = ", ".join(f"{kind} → {name}" for kind, name in names.items())
    bodies = schema.get("components", {}).get("schemas", {})
    for body in ("RuleIn", "RulePatch"):
        properties = bodies.get(body, {}).get("properties", {})
        if "conditions" in properties:
            properties["conditions"] = {
                "anyOf": [*refs, {"type": "null"}] if body == "RulePatch" else refs,
                "description": f"by the rule's kind: {said}",
            }
        if "routing" in properties:
            properties["routing"] = {
                "anyOf": [routing, {"type": "null"}] if body == "RulePatch" else [routing],
                "description": "who is told, the on-call order and escalation ladder, "
                "channels, quiet hours and digests",
            }
