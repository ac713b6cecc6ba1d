"""The outbox with several workers and a slow receiver (scale mode): each notice is sent
once even when a pass outlasts its lease, the bell does not wait behind a slow channel,
and the log says when each send happened."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.conditions import Recipients
from vigil.alerts.models import Alert, Channel, Delivery, Notification
from vigil.alerts.services import close_alert, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.outbox import lease_length
from vigil.alerts.services.routing import queue_deliveries
from vigil.alerts.transports import base as transports
from vigil.alerts.transports.base import Message, Transport, TransportConfig, TransportError

pytestmark = pytest.mark.django_db

SEND = dt.timedelta(seconds=20)  # each send to the slow receiver takes this long (the cap)


@dataclass
class SlowReceiver:
    """A channel whose every send takes ``SEND`` on the outbox's clock; ``during`` runs
    inside the n-th send (another worker's pass, a takeover …)."""

    seconds: float = 0.0
    sent: list[int | None] = field(default_factory=list)
    during: dict[int, Callable[[Message], None]] = field(default_factory=dict)

    def notify(self, message: Message) -> None:
        self.sent.append(message.delivery_id)
        self.seconds += SEND.total_seconds()
        hook = self.during.pop(len(self.sent), None)
        if hook is not None:
            hook(message)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowReceiver]:
    receiver = SlowReceiver()

    class SlowTransport(Transport):
        kind = "slow_test"
        label = "Slow test receiver"
        Config = TransportConfig
        remote = False  # its hooks use the test's database connection; its slowness is simulated

        def notify(self, message: Message) -> None:
            receiver.notify(message)

    monkeypatch.setitem(transports._registry, SlowTransport.kind, SlowTransport)
    # The outbox's clock moves only while the receiver works.
    monkeypatch.setattr(
        "vigil.alerts.services.outbox._monotonic", lambda: receiver.seconds, raising=False
    )
    yield receiver


def _alert_with_notices(channel: Channel, user_pk: int, notices: int) -> Alert:
    """One alert with ``notices`` messages queued for the slow channel (fired, escalations)."""
    topic = make_topic()
    create_rule(
        name="Any",
        kind="keyword",
        topic=topic,
        level="II",
        routing={"channels": [channel.pk], "recipients": {"users": [user_pk]}},
    )
    evaluate_new_mentions([matched_mention(topic, title="Kettle burns")])
    alert = Alert.objects.get()
    for step in range(1, notices):
        queue_deliveries(alert, Recipients(users=[user_pk]), reason=f"escalated:{step}")
    return alert


def test_a_pass_longer_than_its_lease_sends_each_notice_once(slow, make_user) -> None:
    user = make_user("Responder")
    channel = Channel.objects.create(name="Slow", kind="slow_test", config={})
    _alert_with_notices(channel, user.pk, notices=4)  # 4 × 20 s: longer than the lease
    start = timezone.now()
    other_worker: list[int] = []

    def second_worker_arrives(_message: Message) -> None:
        # 60 s in: the first pass's original lease (50 s) has run out.
        assert start + lease_length() < start + dt.timedelta(seconds=60)
        other_worker.append(deliver_due(now=start + dt.timedelta(seconds=60)).sent)

    slow.during[3] = second_worker_arrives
    report = deliver_due(now=start)

    rows = Delivery.objects.filter(channel=channel).order_by("id")
    assert sorted(slow.sent) == [row.pk for row in rows]  # each once, none twice
    assert other_worker == [0]
    assert report.sent == 4 + 4  # four to the slow channel, four bells
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1)] * 4
    # Each row says when its send finished, not when the pass began.
    assert [row.sent_at - start for row in rows] == [SEND * n for n in (1, 2, 3, 4)]


def test_the_bell_rings_before_slow_channels_are_sent(slow, make_user) -> None:
    user = make_user("Responder")
    channel = Channel.objects.create(name="Slow", kind="slow_test", config={})
    _alert_with_notices(channel, user.pk, notices=3)
    bells_at_first_send: list[int] = []
    slow.during[1] = lambda _m: bells_at_first_send.append(
        Notification.objects.filter(user=user).count()
    )

    deliver_due()

    assert bells_at_first_send == [3]  # fired and both escalations were already in the bell
    assert Delivery.objects.filter(status="sent").count() == 6


def test_a_row_taken_over_meanwhile_keeps_the_other_workers_outcome(slow, make_user) -> None:
    """A send that outlived its lease: the worker that took the row over sent it and
    recorded it; the first worker's late failure must not put it back in the queue."""
    user = make_user("Responder")
    channel = Channel.objects.create(name="Slow", kind="slow_test", config={})
    _alert_with_notices(channel, user.pk, notices=1)
    row = Delivery.objects.get(channel=channel)

    def taken_over_then_fails(_message: Message) -> None:
        Delivery.objects.filter(pk=row.pk).update(
            status=Delivery.Status.SENT, attempts=1, claimed_until=None, sent_at=timezone.now()
        )
        raise TransportError("HTTP 503: too slow", permanent=False)

    slow.during[1] = taken_over_then_fails
    report = deliver_due()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert report.retrying == 0
    assert deliver_due(now=timezone.now() + dt.timedelta(hours=1)).sent == 0
    assert slow.sent == [row.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_passes_starting_together_at_a_digest_boundary_send_one_digest(httpserver) -> None:
    """Four workers pick up `alerts.deliver` at the same moment (a queue of kicks draining,
    the beat tick and an alert's kick): the hour's digest still goes as one message."""
    from django.db import connection

    from vigil.alerts.services import create_channel

    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    topics = [make_topic(f"Topic {i}", f"word{i}") for i in range(30)]
    create_rule(
        name="Low",
        kind="keyword",
        plan=topics[0].plan,
        level="IV",
        routing={"channels": [channel.pk], "digest": "hourly"},
    )
    evaluate_new_mentions([matched_mention(topic) for topic in topics])
    rows = Delivery.objects.filter(channel=channel)
    assert rows.count() == 30
    boundary = rows.first().next_attempt_at
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            deliver_due(now=boundary + dt.timedelta(seconds=1))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [len(request.get_json()["alerts"]) for request, _response in httpserver.log] == [30]
    assert set(rows.values_list("status", flat=True)) == {"sent"}


@dataclass
class DownReceiver:
    """A channel that fails temporarily (a timeout, a 5xx) for ``down`` sends, then works."""

    down: int
    sent: list[int | None] = field(default_factory=list)

    def notify(self, message: Message) -> None:
        self.sent.append(message.delivery_id)
        if len(self.sent) <= self.down:
            raise TransportError("ReadTimeout: timed out", permanent=False)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> DownReceiver:
    receiver = DownReceiver(down=1)

    class FlakyTransport(Transport):
        kind = "flaky_test"
        label = "Flaky test receiver"
        Config = TransportConfig

        def notify(self, message: Message) -> None:
            receiver.notify(message)

    monkeypatch.setitem(transports._registry, FlakyTransport.kind, FlakyTransport)
    return receiver


def test_a_channel_that_fails_is_tried_once_per_pass_and_the_rest_wait(flaky, make_user) -> None:
    """Thirty notices behind a receiver that times out must not hold a worker for thirty
    timeouts: the others wait for the failed one's retry, keeping their attempts."""
    user = make_user("Responder")
    channel = Channel.objects.create(name="Flaky", kind="flaky_test", config={})
    _alert_with_notices(channel, user.pk, notices=4)
    start = timezone.now()

    report = deliver_due(now=start)

    assert len(flaky.sent) == 1  # one timeout, not four
    assert (report.retrying, report.postponed) == (1, 3)
    rows = list(Delivery.objects.filter(channel=channel).order_by("id"))
    tried, waiting = rows[0], rows[1:]
    assert (tried.status, tried.attempts) == ("pending", 1)
    assert {(r.status, r.attempts, r.next_attempt_at) for r in waiting} == {
        ("pending", 0, tried.next_attempt_at)
    }
    assert all("not tried" in r.last_error and "ReadTimeout" in r.last_error for r in waiting)
    assert Notification.objects.filter(user=user).count() == 4  # the bell is not held back

    assert deliver_due(now=tried.next_attempt_at).sent == 4  # the receiver is back
    assert sorted(flaky.sent) == sorted([tried.pk, *(r.pk for r in rows)])


def test_a_permanent_refusal_does_not_hold_back_the_other_notices(flaky, make_user) -> None:
    def refuse_first(message: Message) -> None:
        flaky.sent.append(message.delivery_id)
        if len(flaky.sent) == 1:
            raise TransportError("HTTP 413: too large", permanent=True)

    flaky.notify = refuse_first  # type: ignore[method-assign]
    user = make_user("Responder")
    channel = Channel.objects.create(name="Flaky", kind="flaky_test", config={})
    _alert_with_notices(channel, user.pk, notices=3)

    report = deliver_due()

    assert len(flaky.sent) == 3 and report.postponed == 0
    statuses = list(
        Delivery.objects.filter(channel=channel).order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["failed", "sent", "sent"]


def test_a_notice_of_an_alert_closed_during_the_pass_is_withdrawn(slow, make_user) -> None:
    """A pass behind a slow receiver lasts minutes: an alert handled meanwhile is not
    announced afterwards (its bell stays, as for notices held past their alert's close)."""
    user = make_user("Responder")
    channel = Channel.objects.create(name="Slow", kind="slow_test", config={})
    alert = _alert_with_notices(channel, user.pk, notices=3)
    first, *later = Delivery.objects.filter(channel=channel).order_by("id")
    slow.during[1] = lambda _m: close_alert(alert, actor=user, note="dealt with by phone")

    deliver_due()

    assert slow.sent == [first.pk]
    assert [row.status for row in Delivery.objects.filter(pk__in=[d.pk for d in later])] == [
        "withdrawn"
    ] * 2
    assert Notification.objects.filter(user=user).count() == 3  # the bell keeps all three
