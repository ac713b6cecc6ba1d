"""Alert rules: list, add, read, change."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Status

from vigil.alerts.api.common import refused, router
from vigil.alerts.models import AlertRule
from vigil.alerts.schemas import (
    RuleIn,
    RuleOut,
    RulePatch,
)
from vigil.alerts.services import (
    RuleError,
    create_rule,
    update_rule,
)
from vigil.api import get_or_404, requires


def _rule_data(payload: dict[str, Any]) -> dict[str, Any]:
    data = dict(payload)
    if "topic_id" in data:
        data["topic"] = data.pop("topic_id")
    if "plan_id" in data:
        data["plan"] = data.pop("plan_id")
    return data


# --- rules ----------------------------------------------------------------------------------
@router.get(
    "/rules", response=list[RuleOut], auth=requires("alerts.view_alertrule"), summary="Alert rules"
)
def list_rules(request: HttpRequest) -> Any:
    return AlertRule.objects.order_by("name", "id")  # names may repeat: the id keeps it stable


@router.post(
    "/rules", response={201: RuleOut}, auth=requires("alerts.add_alertrule"), summary="Add a rule"
)
def add_rule(request: HttpRequest, payload: RuleIn) -> Status[AlertRule]:
    try:
        rule = create_rule(actor=request.user, **_rule_data(payload.dict()))  # type: ignore[arg-type]
    except RuleError as exc:
        raise refused(exc) from None
    return Status(201, rule)


@router.get(
    "/rules/{rule_id}", response=RuleOut, auth=requires("alerts.view_alertrule"), summary="One rule"
)
def get_rule(request: HttpRequest, rule_id: int) -> Any:
    return get_or_404(AlertRule, rule_id)


@router.patch(
    "/rules/{rule_id}",
    response=RuleOut,
    auth=requires("alerts.change_alertrule"),
    summary="Change a rule",
)
def patch_rule(request: HttpRequest, rule_id: int, payload: RulePatch) -> Any:
    rule = get_or_404(AlertRule, rule_id)
    data = _rule_data(payload.dict(exclude_unset=True))
    # Merged, not replaced: a trial's PATCH of the time zone alone silently dropped the
    # rule's recipients, on-call order and channels.
    if data.get("routing") is not None:
        data["routing"] = {**(rule.routing or {}), **data["routing"]}
    if data.get("conditions") is not None:
        data["conditions"] = {**(rule.conditions or {}), **data["conditions"]}
    try:
        return update_rule(rule, actor=request.user, **data)  # type: ignore[arg-type]
    except RuleError as exc:
        raise refused(exc) from None
