"""One pass of the outbox sends to different channels side by side: a slow receiver holds up
only its own channel's notices (found in a trial: a webhook taking ten seconds to answer
delayed the e-mail queued behind it in the same pass by ten seconds)."""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug import Request, Response

from tests.alerts._support import SleepingHttp, make_topic, matched_mention
from vigil.alerts.models import Delivery
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 2.0


def test_a_slow_webhook_does_not_hold_up_another_channel_in_the_same_pass(
    settings, httpserver
) -> None:
    settings.CHANNEL_TIMEOUT = 10
    arrived: dict[str, float] = {}

    def fast_answer(request: Request) -> Response:
        arrived["fast"] = time.monotonic()
        return Response("ok")

    httpserver.expect_request("/fast").respond_with_handler(fast_answer)
    with SleepingHttp() as slow:
        slow_hook = create_channel(name="A slow hook", kind="webhook", config={"url": slow.url})
        fast_hook = create_channel(
            name="B fast hook", kind="webhook", config={"url": httpserver.url_for("/fast")}
        )
        topic = make_topic()
        create_rule(
            name="Any",
            kind="keyword",
            topic=topic,
            level="II",
            routing={"channels": [slow_hook.pk, fast_hook.pk]},
        )
        evaluate_new_mentions([matched_mention(topic, title="Kettle burns")])
        queued = Delivery.objects.filter(channel__in=[slow_hook, fast_hook]).order_by("id")
        assert [d.channel_id for d in queued] == [slow_hook.pk, fast_hook.pk]  # slow one first
        started = time.monotonic()
        threading.Timer(SLOW_SECONDS, slow.released.set).start()
        report = deliver_due()
        finished = time.monotonic()
    assert report.sent == 2 and slow.requests == 1
    assert arrived["fast"] - started < SLOW_SECONDS / 2  # not after the slow answer
    assert finished - started >= SLOW_SECONDS  # the slow one was still sent in this pass
    assert set(
        Delivery.objects.filter(channel__in=[slow_hook, fast_hook]).values_list("status", flat=True)
    ) == {"sent"}
