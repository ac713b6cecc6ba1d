"""Shared helpers of the alerts tests: a topic, mentions matched to it, a keyword alert, a
local SMTP stub."""

from __future__ import annotations

import datetime as dt
import email
import socketserver
import threading
from typing import Any

from django.utils import timezone

from tests.factories import MentionFactory
from vigil.alerts.models import Alert
from vigil.alerts.services import create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
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


def mail_text(data: str) -> str:
    """Every text part of an e-mail the stub received, decoded (bodies may be base64 or
    quoted-printable)."""
    parts = email.message_from_string(data).walk()
    return "".join(
        p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
        for p in parts
        if not p.is_multipart()
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
