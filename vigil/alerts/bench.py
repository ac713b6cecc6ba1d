"""`vigil bench alert-latency`: seconds from an ingest request to the webhook delivery.

Starts Vigil as a user would (``vigil run`` in a subprocess, embedded mode, a fresh
data directory; or in scale mode with ``--scale``, see ``bench_scale.py``), a local webhook
receiver, and sets everything up through the API: a
push source, a keyword rule over a plan of ``rounds`` topics, and a spike rule on a
topic with ~30 hours of quiet history (the detector needs a day to learn). Each keyword
round pushes one matching item and waits for its signed webhook; then a burst is pushed
on the spike topic. No Django import: this process is only a client.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.alerts.bench_scale import ScaleSetup

SECRET = "bench-secret-0123456789abcdef"  # noqa: S105 - a local test receiver
VOCABULARY = [
    "kettle",
    "recall",
    "price",
    "store",
    "delivery",
    "refund",
    "battery",
    "screen",
    "factory",
    "warranty",
    "lawsuit",
    "strike",
    "outage",
    "app",
    "login",
    "privacy",
    "leak",
    "fire",
    "smoke",
    "injury",
    "school",
    "hospital",
    "airport",
    "bank",
    "river",
    "flood",
    "storm",
    "festival",
    "concert",
    "football",
    "election",
    "budget",
    "tax",
    "museum",
    "bridge",
    "train",
]


@dataclass
class Receipt:
    at: float
    body: dict[str, Any]
    signature_ok: bool


@dataclass
class Receiver:
    """A local webhook endpoint that checks signatures and timestamps each arrival."""

    receipts: list[Receipt] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                at = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stamp = self.headers.get("X-Vigil-Timestamp", "")
                mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
                ok = hmac.compare_digest(
                    "sha256=" + mac.hexdigest(), self.headers.get("X-Vigil-Signature", "")
                )
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")
                with receiver.cond:
                    receiver.receipts.append(Receipt(at, json.loads(body), ok))
                    receiver.cond.notify_all()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, test: Any, timeout: float) -> Receipt | None:
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for receipt in self.receipts:
                    if test(receipt.body):
                        return receipt
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own local server
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} {path}: HTTP {exc.code} {exc.read()[:300]!r}") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vigil(*args: str) -> list[str]:
    return [sys.executable, "-m", "vigil.cli", *args]


#: Variables that would point the bench at an installation's own database and broker.
#: Left in, the bench would write its administrator (with a known password), topics and
#: rules into that database, and fail on the second run.
NOT_INHERITED = ("DATABASE_URL", "VIGIL_BROKER_URL")


def bench_env(data_dir: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of the bench's own Vigil: the caller's, without its database and
    broker, with a data directory of its own."""
    return {
        **{k: v for k, v in os.environ.items() if k not in NOT_INHERITED},
        "VIGIL_DATA_DIR": data_dir,
        "VIGIL_ALLOW_PRIVATE_FETCH": "1",
        "VIGIL_ADMIN_PASSWORD": "bench-admin-password",
        "VIGIL_BASE_URL": f"http://127.0.0.1:{port}",
        "VIGIL_LOG_LEVEL": "WARNING",
        **extra,
    }


def prepare(env: dict[str, str]) -> str:
    """Migrate the bench's database and create its user; the user's API token."""
    subprocess.run(_vigil("migrate"), env=env, check=True, capture_output=True)
    created = subprocess.run(
        _vigil("createadmin", "--username", "bench", "--password", "bench-password-1", "--token"),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.rsplit("API token (shown once):", 1)[1].strip()


def wait_until_up(
    base: str, processes: dict[str, subprocess.Popen[bytes]], logs: object, ready: Any = None
) -> None:
    """Until ``/api/health`` answers (and ``ready(health)`` says so), or a process exits;
    ``logs`` says where to look then."""
    for _ in range(600):
        with (
            contextlib.suppress(OSError, ValueError),
            urllib.request.urlopen(base + "/api/health", timeout=5) as r,  # noqa: S310
        ):
            if ready is None or ready(json.loads(r.read())):
                return
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited; see {logs}")
        time.sleep(0.2)
    raise RuntimeError(f"Vigil did not start in time; see {logs}")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, group: bool = False) -> None:
    """Ask ``process`` to stop; kill it after 30 s (with ``group``, the session it leads:
    a Celery worker's pool processes too)."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def embedded_vigil(port: int, log: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh Vigil in a temporary data directory, served by ``vigil run``: embedded mode
    on its own SQLite file, whatever the calling shell's environment says."""
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as data_dir:
        env = bench_env(data_dir, port)
        token = prepare(env)
        with log.open("w") as out:
            process = subprocess.Popen(
                _vigil("run", "--port", str(port), "--no-demo"),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(base, {"vigil run": process}, log)
                yield base, {"token": token}
            finally:
                stop(process, signal.SIGINT)


def _item(key: str, text: str, when: dt.datetime) -> dict[str, Any]:
    return {"id": key, "title": text, "text": text, "published_at": when.isoformat(), "lang": "en"}


def _nonce(rng: random.Random) -> str:
    return " ".join("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7)) for _ in range(6))


def _push(api: Api, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 1000):
        api.call(
            "POST", "/api/ingest", {"source": "bench-push", "items": items[start : start + 1000]}
        )


def _wait_processed(base: str, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with urllib.request.urlopen(base + "/api/health", timeout=10) as r:  # noqa: S310
            if json.loads(r.read()).get("pending_items") == 0:
                return
        time.sleep(0.5)
    raise RuntimeError("the pipeline did not drain in time")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class LatencyReport:
    keyword: list[float]
    spike: list[float]
    missed: int
    bad_signatures: int
    setup: str = "embedded: vigil run on a fresh SQLite file"
    spike_tried: bool = True

    def lines(self) -> list[str]:
        both = self.keyword + self.spike
        out = [self.setup, f"keyword alerts: {len(self.keyword)} received, {self.missed} missed"]
        if self.keyword:
            out.append(
                f"keyword latency: p50 {statistics.median(self.keyword):.2f} s, "
                f"p95 {percentile(self.keyword, 0.95):.2f} s, max {max(self.keyword):.2f} s"
            )
        out.append(
            "spike alert latency: "
            + (
                ", ".join(f"{v:.2f} s" for v in self.spike)
                if self.spike
                else ("not fired" if self.spike_tried else "not measured")
            )
        )
        if both:
            out.append(
                f"all alerts: p50 {statistics.median(both):.2f} s, p95 {percentile(both, 0.95):.2f} s "
                f"(ingest request sent → signed webhook received)"
            )
        out.append(f"webhook signatures valid: {len(both) - self.bad_signatures}/{len(both)}")
        return out


def run_alert_latency(
    rounds: int = 20,
    history_hours: int = 30,
    port: int | None = None,
    scale: ScaleSetup | None = None,
    spike: bool = True,
) -> LatencyReport:
    """The figures of a fresh embedded Vigil, or with ``scale`` of a fresh one in scale mode;
    without ``spike``, the keyword rounds only (a short run)."""
    receiver = Receiver()
    hook = receiver.start()
    logs = Path(tempfile.gettempdir())
    try:
        if scale is None:
            vigil = embedded_vigil(port or _free_port(), logs / "vigil-bench-alert-latency.log")
        else:
            from vigil.alerts.bench_scale import scale_vigil

            vigil = scale_vigil(port or _free_port(), logs, scale)
        with vigil as (base, started):
            api = Api(base, started["token"])
            report = _scenario(api, base, receiver, hook, rounds, history_hours, spike)
            report.setup = started.get("setup", report.setup)
            return report
    finally:
        receiver.stop()


def _scenario(
    api: Api,
    base: str,
    receiver: Receiver,
    hook: str,
    rounds: int,
    history_hours: int,
    spike_burst: bool = True,
) -> LatencyReport:
    rng = random.Random(11)
    now = dt.datetime.now(dt.UTC)
    api.call("POST", "/api/sources", {"name": "bench-push", "kind": "push", "config": {}})
    channel = api.call(
        "POST",
        "/api/alerts/channels",
        {"name": "bench-hook", "kind": "webhook", "config": {"url": hook, "secret": SECRET}},
    )
    words = api.call("POST", "/api/plans", {"name": "Bench keywords"})
    volume = api.call("POST", "/api/plans", {"name": "Bench volume"})
    for i in range(rounds):
        api.call(
            "POST",
            "/api/topics",
            {
                "plan_id": words["id"],
                "name": f"kw{i:03d}",
                "query": f"benchkw{i:03d}",
                "retro_days": 0,
            },
        )
    spike_topic = api.call(
        "POST",
        "/api/topics",
        {"plan_id": volume["id"], "name": "volume", "query": "benchvolume", "retro_days": 0},
    )
    # Quiet history for the spike detector: 0-3 mentions per 5 minutes.
    history = []
    start = now - dt.timedelta(hours=history_hours)
    for b in range(history_hours * 12):
        for k in range(rng.randint(0, 3)):
            when = start + dt.timedelta(minutes=5 * b, seconds=rng.randint(0, 299))
            history.append(_item(f"h{b}-{k}", f"benchvolume chatter {b} {k}", when))
    _push(api, history)
    _wait_processed(base)
    routing = {"channels": [channel["id"]]}
    api.call(
        "POST",
        "/api/alerts/rules",
        {
            "name": "bench keyword",
            "kind": "keyword",
            "plan_id": words["id"],
            "level": "II",
            "routing": routing,
        },
    )
    api.call(
        "POST",
        "/api/alerts/rules",
        {
            "name": "bench spike",
            "kind": "spike",
            "topic_id": spike_topic["id"],
            "level": "II",
            "routing": routing,
        },
    )

    keyword: list[float] = []
    missed = 0
    for i in range(rounds):
        sent = time.perf_counter()
        # Unrelated texts: near-identical ones would be one story, hence one alert.
        text = f"benchkw{i:03d} " + " ".join(rng.sample(VOCABULARY, 4)) + " " + _nonce(rng)
        api.call(
            "POST",
            "/api/ingest",
            {"source": "bench-push", "items": [_item(f"k{i}", text, dt.datetime.now(dt.UTC))]},
        )
        name = f"kw{i:03d}"
        receipt = receiver.wait_for(
            lambda body, n=name: (
                (body.get("alert") or {}).get("topic", {}) and body["alert"]["topic"]["name"] == n
            ),
            15,
        )
        if receipt is None:
            missed += 1
        else:
            keyword.append(receipt.at - sent)
        time.sleep(rng.uniform(0.05, 0.4))  # arrivals are not in lockstep with the scheduler
    spike: list[float] = []
    if not spike_burst:
        bad = sum(1 for r in receiver.receipts if not r.signature_ok)
        return LatencyReport(
            keyword=keyword, spike=spike, missed=missed, bad_signatures=bad, spike_tried=False
        )
    sent = time.perf_counter()
    moment = dt.datetime.now(dt.UTC)
    for part in range(3):
        burst = [
            _item(f"s{part}-{j}", f"benchvolume kettle recall {part} {j}", moment)
            for j in range(25)
        ]
        api.call("POST", "/api/ingest", {"source": "bench-push", "items": burst})
    receipt = receiver.wait_for(
        lambda body: ((body.get("alert") or {}).get("rule") or {}).get("kind") == "spike", 400
    )
    if receipt is not None:
        spike.append(receipt.at - sent)
    bad = sum(1 for r in receiver.receipts if not r.signature_ok)
    return LatencyReport(keyword=keyword, spike=spike, missed=missed, bad_signatures=bad)
