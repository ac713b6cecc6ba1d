"""The channels list says how each channel is doing: an error it has recovered from is not
shown as a current one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vigil.alerts.models import Channel
from vigil.alerts.services import create_channel

pytestmark = pytest.mark.django_db


def _row(page: str, channel: Channel) -> str:
    row = page[page.index(f'id="channel-{channel.pk}"') :]
    return row[: row.index("</tr>")]


def test_an_error_the_channel_recovered_from_is_not_shown_as_current(client_for) -> None:
    # A trial's webhook said "working" beside the red error of its first, refused test.
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": "https://hooks.example.com/vigil"}
    )
    earlier = timezone.now() - dt.timedelta(minutes=5)
    Channel.objects.filter(pk=channel.pk).update(
        last_error="resolves to non-public address", last_error_at=earlier, consecutive_failures=1
    )
    admin = client_for("Administrator")
    failing = _row(admin.get("/alerts/channels/").content.decode(), channel)
    assert 'class="msg-error">resolves to non-public address' in failing
    Channel.objects.filter(pk=channel.pk).update(
        consecutive_failures=0, last_success_at=timezone.now()
    )
    working = _row(admin.get("/alerts/channels/").content.decode(), channel)
    assert "working" in working and "msg-error" not in working
    assert "fixed since: resolves to non-public address" in working
