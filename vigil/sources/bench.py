"""`vigil bench collect`: local feeds → raw items → mentions, timed end to end.

A threaded HTTP server on 127.0.0.1 serves ``feeds`` RSS feeds of ``items`` items each;
Vigil fetches them all through its real HTTP client and connectors, stores raw items,
then runs the pipeline. Politeness delays per host are switched off (every feed is on
one local host), so the figure is Vigil's own throughput.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO
from unittest import mock

from django.utils import timezone

from vigil.lib.http import HttpClient
from vigil.mentions.models import Mention
from vigil.pipeline.services import process_pending
from vigil.sources.models import Source
from vigil.sources.services import collect_sources

WORDS = (
    "Lumina",
    "kettle",
    "recall",
    "review",
    "launch",
    "price",
    "service",
    "quality",
    "明光",
    "电水壶",
    "召回",
    "评测",
    "发布",
    "价格",
    "客服",
    "质量",
)


def feed_bytes(feed: int, items: int) -> bytes:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    entries = []
    for i in range(items):
        words = " ".join(WORDS[(feed + i * k) % len(WORDS)] for k in range(1, 12))
        when = (now - dt.timedelta(minutes=feed + i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        entries.append(
            f"<item><title>Feed {feed} story {i}: {words[:40]}</title>"
            f"<link>http://127.0.0.1/f{feed}/s{i}</link><guid>f{feed}-s{i}</guid>"
            f"<pubDate>{when}</pubDate><description>{words} {feed}-{i}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>http://127.0.0.1/</link>"
        + "".join(entries)
        + "</channel></rss>"
    ).encode()


@contextmanager
def feed_server(feeds: int, items: int) -> Iterator[str]:
    bodies = {f"/feed/{n}.xml": feed_bytes(n, items) for n in range(feeds)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_collect_benchmark(feeds: int, items: int, out: TextIO) -> dict[str, float]:
    Source.objects.filter(name__startswith="bench-feed-").delete()
    with feed_server(feeds, items) as base:
        Source.objects.bulk_create(
            [
                Source(
                    name=f"bench-feed-{n}",
                    kind="rss",
                    config={"url": f"{base}/feed/{n}.xml"},
                    channel="news",
                    interval_seconds=3600,
                    next_run_at=timezone.now(),
                )
                for n in range(feeds)
            ]
        )
        sources = list(Source.objects.filter(name__startswith="bench-feed-"))
        before = Mention.objects.count()
        client = HttpClient(
            allow_private=True,
            per_host_interval=0,
            per_host_concurrency=64,
            max_concurrency=64,
            retries=0,
        )
        started = time.perf_counter()
        # Collection alone first (no pipeline kick), then the pipeline, timed apart.
        with mock.patch("vigil.sources.services.enqueue"):
            reports = collect_sources(sources, http=client)
        fetched = time.perf_counter()
        processed = process_pending(max_batches=1_000_000)
        finished = time.perf_counter()
    errors = [r for r in reports if r.error]
    raw = sum(r.new for r in reports)
    mentions = Mention.objects.count() - before
    figures = {
        "feeds_per_s": feeds / (fetched - started),
        "raw_items_per_s": raw / (fetched - started),
        "pipeline_items_per_s": processed.claimed / max(finished - fetched, 1e-9),
        "end_to_end_feeds_per_s": feeds / (finished - started),
        "new_mentions_per_s": mentions / (finished - started),
    }
    out.write(
        f"feeds={feeds} items/feed={items} errors={len(errors)} raw_items={raw} "
        f"new_mentions={mentions}\n"
        f"fetch+store:  {fetched - started:6.2f} s  {figures['feeds_per_s']:8.1f} feeds/s  "
        f"{figures['raw_items_per_s']:8.0f} raw items/s\n"
        f"pipeline:     {finished - fetched:6.2f} s  {figures['pipeline_items_per_s']:8.0f} items/s\n"
        f"end to end:   {finished - started:6.2f} s  {figures['end_to_end_feeds_per_s']:8.1f} feeds/s  "
        f"{figures['new_mentions_per_s']:8.0f} new mentions/s\n"
    )
    if errors:
        out.write(f"first error: {errors[0].source}: {errors[0].error}\n")
    return figures
