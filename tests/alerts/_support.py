"""Shared helpers of the alerts tests: a topic, mentions matched to it, a keyword alert, a
local SMTP stub, and receivers that hang (an SMTP server that never greets, an HTTP server
that sleeps)."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import random
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils import timezone

from tests.factories import MentionFactory, SourceFactory
from vigil.alerts.models import Alert, Channel
from vigil.alerts.services import create_channel, create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.spikes import BUCKET, bucket_floor
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match, Topic
from vigil.monitoring.services import create_plan, create_topic


def make_topic(
    name: str = "Kettle", query: str = "Lumina OR 明光", plan_name: str = "Brand"
) -> Topic:
    from vigil.monitoring.models import MonitoringPlan

    plan = MonitoringPlan.objects.filter(name=plan_name).first() or create_plan(name=plan_name)
    return create_topic(plan, name=name, query=query, retro_days=0)


def matched_mention(topic: Topic, at: dt.datetime | None = None, **fields: Any) -> Any:
    """A stored mention with its Match row, as the match stage would leave it."""
    published = at or timezone.now()
    mention = MentionFactory(published_at=published, **fields)
    Match.objects.create(mention=mention, topic=topic, terms=["Lumina"], published_at=published)
    return mention


class SmtpStub:
    """A tiny SMTP server on 127.0.0.1 that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        stub = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 stub ESMTP\r\n")
                mail: dict[str, Any] = {"rcpt": [], "data": ""}
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode("utf-8", "replace").strip()
                    upper = command.upper()
                    if upper.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250-stub\r\n250 8BITMIME\r\n")
                    elif upper.startswith("MAIL FROM"):
                        mail["from"] = command[10:].strip()
                        self.wfile.write(b"250 ok\r\n")
                    elif upper.startswith("RCPT TO"):
                        mail["rcpt"].append(command[8:].strip())
                        self.wfile.write(b"250 ok\r\n")
                    elif upper == "DATA":
                        self.wfile.write(b"354 go on\r\n")
                        chunks = []
                        while True:
                            data_line = self.rfile.readline()
                            if data_line in (b".\r\n", b".\n", b""):
                                break
                            chunks.append(data_line.decode("utf-8", "replace"))
                        mail["data"] = "".join(chunks)
                        stub.messages.append(dict(mail))
                        mail = {"rcpt": [], "data": ""}
                        self.wfile.write(b"250 queued\r\n")
                    elif upper == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentSmtp:
    """Accepts connections and never says a word (no 220 greeting); with ``trickle`` it sends
    an endless multi-line greeting, one line every 0.3 s, so no single read times out."""

    def __init__(self, trickle: bool = False) -> None:
        self.trickle = trickle
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.closed = threading.Event()
        self.connections: list[socket.socket] = []

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            if self.trickle:
                threading.Thread(target=self._greet_forever, args=(conn,), daemon=True).start()

    def _greet_forever(self, conn: socket.socket) -> None:
        while not self.closed.wait(0.3):
            try:
                conn.sendall(b"220-still greeting\r\n")
            except OSError:
                return

    def __enter__(self) -> SilentSmtp:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()


class SleepingHttp:
    """An HTTP server that reads the request and then sleeps until ``released`` (at the end
    of the test), then answers 200; with ``trickle`` it answers a header byte every 0.3 s
    instead, forever."""

    def __init__(self, trickle: bool = False) -> None:
        server = self
        self.released = threading.Event()
        self.arrived = threading.Event()  # set by the first request
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests += 1
                server.arrived.set()
                if not trickle:
                    server.released.wait(120)
                    with contextlib.suppress(OSError):  # the sender may have given up
                        self.send_response(200)
                        self.end_headers()
                    return
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not server.released.wait(0.3):
                    try:
                        self.wfile.write(b"a")
                        self.wfile.flush()
                    except OSError:
                        return

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def __enter__(self) -> SleepingHttp:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def personal_mail_channel(smtp: SmtpStub) -> Channel:
    """A personal e-mail channel (each recipient at their own address) through ``smtp``."""
    return create_channel(
        name="E-mail",
        kind="apprise",
        config={
            "urls": [f"mailto://127.0.0.1:{smtp.port}?from=vigil@example.com&mode=insecure"],
            "to_recipients": True,
        },
    )


def mail_text(data: str) -> str:
    """The plain-text part of an e-mail the stub received, decoded (bodies may be base64 or
    quoted-printable): what a mail program that shows text reads."""
    return _mail_part(data, "text/plain")


def mail_html(data: str) -> str:
    """The HTML part of an e-mail the stub received, decoded."""
    return _mail_part(data, "text/html")


def _mail_part(data: str, kind: str) -> str:
    parts = email.message_from_string(data).walk()
    return "".join(
        p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
        for p in parts
        if p.get_content_type() == kind
    )


def burns_alert(level: str = "II", **routing: object) -> Alert:
    """One alert from a keyword rule on 烫伤 (scalds), routed as given."""
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level=level,
        conditions={"query": "烫伤"},
        routing=routing,
    )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    return Alert.objects.get()


#: The moment the spike tests judge at, and the quiet history they learn first.
SPIKE_NOW = dt.datetime(2026, 3, 4, 10, 0, 40, tzinfo=dt.UTC)


def spike_history(  # noqa: ANN001
    topic, days: int = 2, until_days: int = 0, seed: int = 3, sentiment: str = ""
) -> None:
    """A quiet topic: 0–4 matches per bucket from ``days`` to ``until_days`` before SPIKE_NOW."""
    rng = random.Random(seed)
    source = SourceFactory()
    mentions = []
    start = bucket_floor(SPIKE_NOW) - dt.timedelta(days=days)
    end = bucket_floor(SPIKE_NOW) - dt.timedelta(days=until_days)
    bucket = start
    n = 0
    while bucket < end:
        for _ in range(rng.randint(0, 4)):
            n += 1
            at = bucket + dt.timedelta(seconds=rng.randint(0, 299))
            mentions.append(
                MentionFactory.build(
                    source=source,
                    item_key=f"h{seed}-{n:036d}",
                    published_at=at,
                    fetched_at=at,
                    sentiment=sentiment,
                )
            )
        bucket += BUCKET
    Mention.objects.bulk_create(mentions, batch_size=500)
    Match.objects.bulk_create(
        [Match(mention=m, topic=topic, published_at=m.published_at) for m in mentions],
        batch_size=500,
    )
