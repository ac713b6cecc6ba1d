"""Channels, the delivery log and one's in-app notifications."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import PageNumberPagination, paginate

from vigil.alerts.api.common import invalid, must_be_one_of, refused, router
from vigil.alerts.models import Channel, Delivery, Notification
from vigil.alerts.schemas import (
    ChannelCreated,
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    DeliveryOut,
    NotificationOut,
    ResentOut,
)
from vigil.alerts.services import (
    RuleError,
    create_channel,
    resend_failed,
    send_test,
    update_channel,
)
from vigil.api import get_or_404, requires
from vigil.api_schema import RowId


# --- channels and deliveries -----------------------------------------------------------------
@router.get(
    "/channels", response=list[ChannelOut], auth=requires("alerts.view_channel"), summary="Channels"
)
def list_channels(request: HttpRequest) -> Any:
    return Channel.objects.all()


@router.post(
    "/channels",
    response={201: ChannelCreated},
    auth=requires("alerts.add_channel"),
    summary="Add a channel",
)
def add_channel(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    try:
        channel = create_channel(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    except RuleError as exc:
        raise refused(exc) from None
    return Status(201, channel)


@router.get(
    "/channels/{channel_id}",
    response=ChannelOut,
    auth=requires("alerts.view_channel"),
    summary="One channel",
)
def get_channel(request: HttpRequest, channel_id: int) -> Any:
    return get_or_404(Channel, channel_id)


@router.patch(
    "/channels/{channel_id}",
    response=ChannelOut,
    auth=requires("alerts.change_channel"),
    summary="Change a channel",
)
def change_channel(request: HttpRequest, channel_id: int, payload: ChannelPatch) -> Any:
    channel = get_or_404(Channel, channel_id)
    data = payload.dict(exclude_unset=True)
    for key, value in data.items():
        if value is None:
            raise invalid(400, _("%(name)s cannot be null") % {"name": key}, key)
    changed = sorted(set(data) - {"is_default"})
    if channel.kind == "in_app" and changed:
        raise invalid(400, _("the built-in in-app channel cannot be changed"), changed[0])
    try:
        return update_channel(channel, actor=request.user, **data)  # type: ignore[arg-type]
    except RuleError as exc:
        raise refused(exc) from None


@router.post(
    "/channels/{channel_id}/test",
    response=DeliveryOut,
    auth=requires("alerts.change_channel"),
    summary="Send a test",
)
def test_channel(request: HttpRequest, channel_id: int) -> Any:
    channel = get_or_404(Channel, channel_id)
    return send_test(channel, actor=request.user)  # type: ignore[arg-type]


@router.post(
    "/channels/{channel_id}/resend-failed",
    response=ResentOut,
    auth=requires("alerts.change_channel"),
    summary="Send the channel's failed messages again",
    description="Messages about alerts still open that used up their six attempts go again, "
    "each with six fresh attempts (a receiver that was down longer than the retries). "
    "Messages about closed alerts and tests are not resent.",
)
def resend_channel_failed(request: HttpRequest, channel_id: int) -> Any:
    channel = get_or_404(Channel, channel_id)
    return {"resent": resend_failed(channel, actor=request.user)}  # type: ignore[arg-type]


@router.get(
    "/deliveries",
    response=list[DeliveryOut],
    auth=requires("alerts.view_delivery"),
    summary="Delivery log",
)
@paginate(PageNumberPagination)
def list_deliveries(
    request: HttpRequest,
    status: str = "",
    alert_id: RowId | None = None,
    channel_id: RowId | None = None,
) -> Any:
    if status and status not in Delivery.Status.values:
        raise must_be_one_of("status", Delivery.Status.values)
    rows = Delivery.objects.all()
    if status:
        rows = rows.filter(status=status)
    if alert_id:
        rows = rows.filter(alert_id=alert_id)
    if channel_id:
        rows = rows.filter(channel_id=channel_id)
    return rows


@router.get("/notifications", response=list[NotificationOut], summary="My in-app notifications")
def my_notifications(request: HttpRequest, unread: bool = False) -> Any:
    rows = Notification.objects.filter(user=request.user).select_related("alert")  # type: ignore[misc]
    if unread:
        rows = rows.filter(read_at=None)
    return rows[:100]
