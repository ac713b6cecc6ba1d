"""`vigil bench search`: how fast the query language searches stored mentions.

Fills a scratch database with generated posts (the ``vigil bench match`` workload),
then times searches whose required key is a two-character Chinese word, a longer
Chinese word, a Latin word and a prefix — through the database's search index, and
through a plain scan of every mention for comparison.
"""

from __future__ import annotations

import time
from typing import TextIO

from django.db import connection
from django.utils import timezone

from vigil.mentions.models import Mention
from vigil.mentions.search import search_mentions
from vigil.monitoring.query import parse
from vigil.monitoring.query.bench import generate
from vigil.pipeline.bulk import insert_ignoring_conflicts
from vigil.pipeline.stages import search_text_of
from vigil.sources.models import Source

QUERIES = {
    "2-char Chinese word": "降价",
    "4-char Chinese word": "售后服务",
    "Latin word": "recall",
    "Latin prefix": "overheat*",
    "boolean mix": "(召回 OR recall*) -招聘",
}


def _fill(count: int) -> None:
    source, _ = Source.objects.get_or_create(
        name="bench-search", defaults={"kind": "upload", "is_active": False}
    )
    workload = generate(queries=10, docs=count, seed=7)
    now = timezone.now()
    rows = []
    for i, doc in enumerate(workload.docs):
        text = doc.text
        if i % 50 == 0:
            text += " 降价促销，售后服务差，召回 recall overheated"
        rows.append(
            {
                "source_id": source.pk,
                "channel": "social",
                "title": doc.title,
                "text": text,
                "item_key": f"bench-search-{i:09d}",
                "content_key": "",
                "published_at": now,
                "fetched_at": now,
                "search_text": search_text_of(doc.title, text, "", ""),
                "lang": "",
            }
        )
        if len(rows) == 5000:
            insert_ignoring_conflicts(Mention, rows)
            rows = []
    insert_ignoring_conflicts(Mention, rows)


def _time(q: str, mentions: object, repeat: int = 3) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = search_mentions(q, mentions, limit=25, scan_limit=10**9)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
        count = result.count
    return best, count


def run_search_benchmark(mentions: int, out: TextIO) -> None:
    if Mention.objects.count() < mentions:
        _fill(mentions - Mention.objects.count())
    total = Mention.objects.count()
    out.write(f"database: {connection.vendor}, mentions: {total}\n")
    out.write(
        f"{'query':<22} {'matches':>8} {'index lookup ms':>16} {'search ms':>10} {'no-index ms':>12}\n"
    )
    import vigil.mentions.search as search

    for label, q in QUERIES.items():
        indexed, count = _time(q, Mention.objects.all())
        start = time.perf_counter()
        len(list(search.candidates(parse(q), Mention.objects.all()).values_list("id", flat=True)))
        lookup = time.perf_counter() - start
        original = search.candidates
        search.candidates = lambda query, m: m  # type: ignore[assignment]  # no prefilter
        try:
            scanned, _ = _time(q, Mention.objects.all(), repeat=1)
        finally:
            search.candidates = original
        out.write(
            f"{label:<22} {count:>8} {lookup * 1000:>16.1f} {indexed * 1000:>10.1f} "
            f"{scanned * 1000:>12.1f}\n"
        )
