"""Alert-rule conditions and routing as data, checked by one pydantic model per kind.

A rule stores ``conditions`` (what must happen) and ``routing`` (who hears about it) as
JSON; these models are the only place that says what the JSON may hold, so the editor,
the API and the evaluator agree (NetBox's validated conditions, Sentry's condition groups).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, Literal

from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vigil.lib.i18n import Problem, gettext_noop, problem_of, say_problem
from vigil.monitoring.query import QuerySyntaxError, parse

__all__ = [
    "CONDITION_MODELS",
    "AuthorityConditions",
    "ConditionsError",
    "KeywordConditions",
    "NegativeShareConditions",
    "Recipients",
    "Routing",
    "SpikeConditions",
    "StoryGrowthConditions",
    "validate_conditions",
    "validate_routing",
]


class ConditionsError(ValueError):
    """Conditions or routing that cannot be saved; the message lists each problem, in the
    active language. ``problems`` keeps each one apart, for the API's error details:
    ``{"loc", "msg", "type", "problem"}`` (``problem`` as ``vigil.lib.i18n.problem_of``)."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeywordConditions(_Strict):
    """Fires on a new mention of the topic; ``query`` narrows it (sensitive words)."""

    query: str = Field("", max_length=2000)

    @field_validator("query")
    @classmethod
    def _parses(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                parse(value)
            except QuerySyntaxError as exc:
                # The error's location ("query: …") is added by ``_errors``.
                raise ValueError(exc.localized(gettext)) from None
        return value


class SpikeConditions(_Strict):
    """A volume spike of the topic's matches, judged per closed 5-minute bucket."""

    sensitivity: Literal["low", "medium", "high"] = "medium"
    negative_only: bool = False


class NegativeShareConditions(_Strict):
    """The share of negative mentions over a window, once the window has enough volume."""

    threshold_percent: float = Field(40.0, gt=0, le=100)
    window_minutes: int = Field(60, ge=5, le=7 * 24 * 60)
    min_mentions: int = Field(20, ge=1, le=100_000)


class AuthorityConditions(_Strict):
    """A mention from an authoritative site/tier or an author with many followers."""

    min_followers: int | None = Field(None, ge=1)
    sites: list[str] = Field(default_factory=list, max_length=200)
    tiers: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("sites")
    @classmethod
    def _clean_sites(cls, value: list[str]) -> list[str]:
        return sorted({s.strip().lower().removeprefix("www.") for s in value if s.strip()})

    @model_validator(mode="after")
    def _something_set(self) -> AuthorityConditions:
        if self.min_followers is None and not self.sites and not self.tiers:
            raise Problem(gettext_noop("set a follower count, sites or authority tiers"))
        return self


class StoryGrowthConditions(_Strict):
    """A story (cluster of mentions about one event) growing faster than N an hour."""

    min_per_hour: int = Field(20, ge=1, le=1_000_000)


CONDITION_MODELS: dict[str, type[BaseModel]] = {
    "keyword": KeywordConditions,
    "spike": SpikeConditions,
    "negative_share": NegativeShareConditions,
    "authority": AuthorityConditions,
    "story_growth": StoryGrowthConditions,
}


class Recipients(_Strict):
    """People to tell: named users, everyone in a role or department, department heads.

    With ``department_heads``, ``departments`` name whose heads (none: the departments of the
    alert's plan), and their members are not told."""

    users: list[int] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    departments: list[int] = Field(default_factory=list)
    department_heads: bool = False

    def is_empty(self) -> bool:
        return not (self.users or self.roles or self.departments or self.department_heads)


class Routing(_Strict):
    """Who hears first, how the ladder climbs, and when the rule keeps quiet.

    ``on_call`` is an ordered list of user ids: the first is told when the alert fires,
    each escalation moves one step down the list, then through ``escalation`` steps.
    Quiet hours and weekends hold deliveries (never for level I) until they end;
    ``digest`` batches level-IV alerts into one message an hour or a day.
    """

    recipients: Recipients = Field(default_factory=Recipients)
    on_call: list[int] = Field(default_factory=list, max_length=20)
    escalation: list[Recipients] = Field(default_factory=list, max_length=10)
    channels: list[int] = Field(default_factory=list)
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    mute_weekends: bool = False
    timezone: str = "UTC"
    digest: Literal["", "hourly", "daily"] = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise Problem(gettext_noop("unknown time zone “%(zone)s”"), zone=value) from None
        return value

    @model_validator(mode="after")
    def _quiet_pair(self) -> Routing:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise Problem(gettext_noop("quiet hours need both a start and an end"))
        return self

    def ladder(self) -> list[Recipients]:
        """Escalation steps after the first notice: the rest of on-call, then the ladder."""
        return [Recipients(users=[uid]) for uid in self.on_call[1:]] + list(self.escalation)

    def first_step(self) -> Recipients:
        first = self.recipients.model_copy(deep=True)
        if self.on_call:
            first.users = [*first.users, self.on_call[0]]
        return first


def _refusal(exc: ValidationError) -> ConditionsError:
    """Each problem in the reader's language ("on_call.0: must be a whole number"; pydantic's
    own words were English whatever the caller's language), and kept apart for the API."""
    parts, problems = [], []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        problem = problem_of(error)
        said = say_problem(problem, gettext)
        parts.append(f"{where}: {said}" if where else said)
        loc, msg, kind = list(error["loc"]), str(error["msg"]), str(error["type"])
        problems.append({"loc": loc, "msg": msg, "type": kind, "problem": problem})
    return ConditionsError("; ".join(parts), problems)


def validate_conditions(kind: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """The conditions of ``kind`` with defaults filled in, or ``ConditionsError``."""
    model = CONDITION_MODELS.get(kind)
    if model is None:
        raise ConditionsError(
            f"unknown rule kind {kind!r}; choose one of {sorted(CONDITION_MODELS)}"
        )
    try:
        return model.model_validate(data or {}).model_dump(mode="json")
    except ValidationError as exc:
        raise _refusal(exc) from None


def validate_routing(data: dict[str, Any] | None) -> dict[str, Any]:
    try:
        return Routing.model_validate(data or {}).model_dump(mode="json")
    except ValidationError as exc:
        raise _refusal(exc) from None


def routing_of(data: dict[str, Any] | None) -> Routing:
    return Routing.model_validate(data or {})
