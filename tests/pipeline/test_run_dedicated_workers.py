"""Scale mode: alerts are sent from a Celery queue of their own (``deliveries``), so channels
that hang hold only the workers consuming it; ``vigil worker`` consumes every queue unless
``--queues`` says otherwise, and names itself uniquely on its machine.

The end-to-end tests start real ``vigil worker`` processes against the suite's PostgreSQL
database and a scratch Redis database, and kick them through the broker as beat would.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.db import connection

from tests.alerts._support import SleepingHttp, make_topic
from tests.factories import RawItemFactory, SourceFactory
from vigil.alerts.models import Delivery
from vigil.alerts.services import create_channel, create_rule
from vigil.cli import main
from vigil.lib.scratch import scratch_redis
from vigil.mentions.models import Mention
from vigil.pipeline.commands import worker_argv
from vigil.pipeline.runner import registered_tasks
from vigil.web.api import celery_health

QUEUES = ["celery", "deliveries"]


def test_sending_alerts_has_its_own_queue_and_everything_else_the_default() -> None:
    from vigil.celery import app

    def queue_of(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert queue_of("alerts.deliver") == "deliveries"
    others = {queue_of(name) for name in registered_tasks() if name != "alerts.deliver"}
    assert others == {"celery"}
    # Beat sends its entries by name: the same routes apply.
    assert queue_of(app.conf.beat_schedule["alerts.deliver"]["task"]) == "deliveries"


def test_scheduled_runs_expire_so_an_outage_leaves_no_backlog_of_routine_runs() -> None:
    # A trial counted what beat queues while no worker runs: about 3,500 routine runs an
    # hour, every one run in a burst when a worker came back. Each scheduled run now expires;
    # the schedule sends another, and kicks sent on new work (ingest) do not expire.
    from vigil.celery import SCHEDULED_RUN_EXPIRES, app

    still_queued = 0.0
    for entry in app.conf.beat_schedule.values():
        expires = entry["options"]["expires"]
        assert entry["schedule"] <= expires <= max(entry["schedule"], SCHEDULED_RUN_EXPIRES)
        still_queued += expires / entry["schedule"]  # runs alive in the queue at any moment
    assert still_queued < 400


def test_a_worker_consumes_every_queue_unless_told_and_names_itself_per_process() -> None:
    assert worker_argv(QUEUES, pid=101) == [
        "worker",
        "--loglevel=INFO",
        "--queues=celery,deliveries",
        "--hostname=vigil-101@%h",
    ]
    dedicated = worker_argv(QUEUES, queues=["deliveries"], concurrency=4, pid=102)
    assert "--queues=deliveries" in dedicated and "--hostname=vigil-deliveries-102@%h" in dedicated
    assert "--concurrency=4" in dedicated
    named = worker_argv(QUEUES, hostname="mail-sender@%h", pid=103)
    assert "--hostname=mail-sender@%h" in named


def test_an_unknown_queue_is_refused_naming_the_queues(capsys, monkeypatch) -> None:
    from django.conf import settings

    monkeypatch.setattr(settings, "TASK_MODE", "celery")
    assert main(["worker", "--queues", "deliveries,alerts"]) == 2
    assert capsys.readouterr().err.strip() == (
        "vigil: no queue named alerts: the queues are celery, deliveries"
    )
    with pytest.raises(SystemExit):
        main(["worker", "--queues", "celery,,deliveries"])
    assert "is not a comma-separated list of queues" in capsys.readouterr().err


def test_a_worker_warns_when_links_would_point_at_a_guessed_address(capsys, monkeypatch) -> None:
    # A trial's scale-mode workers e-mailed links to http://127.0.0.1:8000/: the README's
    # commands did not set VIGIL_BASE_URL, and nothing said so.
    from django.conf import settings

    from vigil.celery import app

    started: list[list[str]] = []
    monkeypatch.setattr(settings, "TASK_MODE", "celery")
    monkeypatch.setattr(app, "worker_main", started.append)
    monkeypatch.delenv("VIGIL_BASE_URL", raising=False)
    assert main(["worker"]) == 0
    assert capsys.readouterr().err.strip() == (
        "vigil worker: VIGIL_BASE_URL is not set, so links in e-mails and webhooks point at "
        f"{settings.BASE_URL}; set it to the address people open Vigil at"
    )
    monkeypatch.setenv("VIGIL_BASE_URL", "https://vigil.example.com")
    assert main(["worker"]) == 0
    assert capsys.readouterr().err == "" and len(started) == 2


def test_health_says_when_no_worker_consumes_a_queue() -> None:
    pipeline_only = {"vigil-celery-7@box": [{"name": "celery"}]}
    health = celery_health(pipeline_only, QUEUES)
    assert not health.ok
    assert health.detail == (
        "celery: 1 worker(s) answered; no worker consumes the queue deliveries"
    )
    both = {**pipeline_only, "vigil-deliveries-8@box": [{"name": "deliveries"}]}
    assert celery_health(both, QUEUES).ok
    assert celery_health(None, QUEUES).detail == "celery: no worker answered"


# --- real workers ------------------------------------------------------------------------
def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """``vigil worker`` processes on the suite's database and a scratch Redis database, and
    a plain Celery client of that broker to kick them and ask them things."""

    def __init__(self, stack: ExitStack, tmp_path: Path) -> None:
        from celery import Celery

        self.broker = stack.enter_context(scratch_redis("redis://127.0.0.1:6379"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_"))},
            "DATABASE_URL": _database_url(),
            "VIGIL_BROKER_URL": self.broker,
            "VIGIL_DATA_DIR": str(tmp_path),
            "VIGIL_SECRET_KEY": secrets.token_urlsafe(50),
            "VIGIL_ALLOW_PRIVATE_FETCH": "1",
            "VIGIL_CHANNEL_TIMEOUT": "90",  # the hanging receiver must outlast the test
        }
        self.tmp_path = tmp_path
        self.client = Celery("probe", broker=self.broker)
        self.processes: list[subprocess.Popen[bytes]] = []
        stack.callback(self.stop)

    def start(self, *options: str) -> str:
        """Start ``vigil worker *options``; its node name."""
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "vigil.cli", "worker", "--concurrency", "1", *options],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        label = "-".join(options[1].split(",")) + "-" if options else ""
        return f"vigil-{label}{process.pid}@{socket.gethostname()}"

    def queues_of(self, names: list[str], timeout: float = 60) -> dict[str, set[str]]:
        """Wait until every named worker answers; the queues each consumes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.client.control.inspect(timeout=1.0).active_queues() or {}
            if set(names) <= set(replies):
                return {name: {q["name"] for q in replies[name]} for name in names}
            assert all(p.poll() is None for p in self.processes), self._logs()
        raise AssertionError(f"workers did not answer: {self._logs()}")

    def kick_pipeline(self) -> None:
        """What beat does every two seconds."""
        self.client.send_task("pipeline.process_pending", queue="celery")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.client.close()

    def _logs(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in self.tmp_path.glob("worker-*.log"))


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    with ExitStack() as stack:
        yield Workers(stack, tmp_path)


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _alerts_to(url: str) -> None:
    """A keyword rule on Lumina routed to a webhook at ``url``."""
    channel = create_channel(
        name="Hook",
        kind="webhook",
        config={"url": url, "secret": "s" * 32, "timeout_seconds": 60},  # outlasts the test
    )
    create_rule(
        name="Any",
        kind="keyword",
        topic=make_topic(),
        level="II",
        routing={"channels": [channel.pk]},
    )


@contextmanager
def _receiver(hang: bool) -> Iterator[SleepingHttp]:
    """A webhook receiver that hangs, or (``hang=False``) one that we release at once."""
    with SleepingHttp() as server:
        if not hang:
            server.released.set()
        yield server


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_one_worker_with_no_options_does_everything(workers: Workers) -> None:
    name = workers.start()
    assert workers.queues_of([name]) == {name: set(QUEUES)}
    with _receiver(hang=False) as receiver:
        _alerts_to(receiver.url)
        RawItemFactory(source=SourceFactory(kind="push", config={}))
        workers.kick_pipeline()
        sent = Delivery.objects.filter(channel__kind="webhook", status=Delivery.Status.SENT)
        assert _wait_for(sent.exists, 60), workers._logs()
    assert receiver.requests == 1 and Mention.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_hanging_channel_holds_only_the_delivery_worker(workers: Workers) -> None:
    """With sending on the pipeline's queue, the worker would sit on the webhook for
    VIGIL_CHANNEL_TIMEOUT and the mentions pushed meanwhile would wait."""
    pipeline = workers.start("--queues", "celery")
    delivery = workers.start("--queues", "deliveries")
    assert pipeline != delivery  # two workers on one machine, two names
    assert workers.queues_of([pipeline, delivery]) == {
        pipeline: {"celery"},
        delivery: {"deliveries"},
    }
    source = SourceFactory(kind="push", config={})
    with _receiver(hang=True) as receiver:
        _alerts_to(receiver.url)
        RawItemFactory(source=source)
        workers.kick_pipeline()
        assert _wait_for(receiver.arrived.is_set, 60), workers._logs()  # now hanging

        RawItemFactory.create_batch(3, source=source)
        workers.kick_pipeline()
        assert _wait_for(lambda: Mention.objects.count() == 4, 30), workers._logs()
        # Still hanging: the notice is leased by the delivery worker, not sent.
        assert receiver.requests == 1
        assert Delivery.objects.get(channel__kind="webhook").status == Delivery.Status.PENDING
