"""`vigil sources add/list`, `vigil import FILE --source NAME`, `vigil bench collect`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    sources = subparsers.add_parser("sources", help="add and list sources")
    sources_sub = sources.add_subparsers(dest="sources_command", metavar="COMMAND")
    add = sources_sub.add_parser("add", help="add a source of a kind (rss, web, mastodon …)")
    add.add_argument("kind")
    add.add_argument("--name", required=True)
    add.add_argument("--url", default=None, help="the url option (rss, web, sitemap, jsonapi)")
    add.add_argument("--interval", type=int, default=900, help="seconds between fetches")
    add.add_argument("--channel", default="", help="news, social, forum, blog, video, other")
    add.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another config option; VALUE may be JSON (repeatable)",
    )
    add.set_defaults(func=cmd_sources_add)
    listing = sources_sub.add_parser("list", help="every source with its health")
    listing.set_defaults(func=cmd_sources_list)

    imp = subparsers.add_parser("import", help="import a CSV, JSONL or XLSX file of mentions")
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", required=True, help="source name (created if new)")
    imp.add_argument("--timezone", default="UTC", help="time zone of dates without one")
    imp.set_defaults(func=cmd_import)

    bench = subparsers.add_parser("bench", help="print speed figures")
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="COMMAND")
    collect = bench_sub.add_parser("collect", help="local feeds → mentions, feeds/s and mentions/s")
    collect.add_argument("--feeds", type=int, default=1000)
    collect.add_argument("--items", type=int, default=50)
    collect.add_argument(
        "--database-url",
        default=None,
        help="a scratch database to measure on (default: a temporary SQLite file)",
    )
    collect.set_defaults(func=cmd_bench_collect)
    search = bench_sub.add_parser("search", help="query-language search over stored mentions")
    search.add_argument("--mentions", type=int, default=50_000)
    search.add_argument(
        "--database-url",
        default=None,
        help="a scratch database to measure on (default: a temporary SQLite file)",
    )
    search.set_defaults(func=cmd_bench_search)


def _parse_option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--option {text!r}: use KEY=VALUE")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def cmd_sources_add(args: argparse.Namespace) -> int:
    from vigil.cli import setup_django

    setup_django()
    from vigil.sources.services import SourceConfigError, create_source

    try:
        config = dict(_parse_option(o) for o in args.option)
    except ValueError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 2
    if args.url is not None:
        config["url"] = args.url
    try:
        source = create_source(
            name=args.name,
            kind=args.kind,
            config=config,
            channel=args.channel,
            interval_seconds=args.interval,
        )
    except SourceConfigError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 2
    print(f"added source {source.name!r} ({source.kind}, every {source.interval_seconds}s)")
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from vigil.cli import setup_django

    setup_django()
    from vigil.sources.models import Source

    print(f"{'name':<30} {'kind':<10} {'health':<8} {'fails':>5}  last success      last error")
    for s in Source.objects.all():
        last = s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "—"
        print(
            f"{s.name[:30]:<30} {s.kind:<10} {s.health:<8} {s.consecutive_failures:>5}  "
            f"{last:<16}  {s.last_error[:60]}"
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from vigil.cli import setup_django

    setup_django()
    from vigil.mentions.models import Mention
    from vigil.pipeline.services import process_pending
    from vigil.sources.intake import IntakeError, import_upload

    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(f"vigil: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        outcome = import_upload(args.source, args.file.name, content, tz_name=args.timezone)
    except IntakeError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 2
    for error in outcome.errors:
        print(f"{args.file.name}: {error}", file=sys.stderr)
    process_pending(max_batches=100_000)
    stored = Mention.objects.filter(source__name=outcome.source).count()
    print(
        f"{outcome.source}: rows={outcome.received} new={outcome.new} "
        f"duplicates={outcome.duplicates} bad={len(outcome.errors)} mentions_in_source={stored}"
    )
    return 1 if outcome.errors and not outcome.new and not outcome.duplicates else 0


def _scratch_database(database_url: str | None) -> str:
    """Point Django at a scratch database (never the user's own) and migrate it."""
    import os
    import tempfile

    scratch = tempfile.mkdtemp(prefix="vigil-bench-")
    os.environ["VIGIL_DATA_DIR"] = scratch
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    from django.core.management import call_command

    from vigil.cli import setup_django

    setup_django()
    call_command("migrate", verbosity=0, interactive=False)
    return database_url or scratch + "/vigil.sqlite3"


def cmd_bench_search(args: argparse.Namespace) -> int:
    print(f"database: {_scratch_database(args.database_url)}")
    from vigil.mentions.bench import run_search_benchmark

    run_search_benchmark(args.mentions, sys.stdout)
    return 0


def cmd_bench_collect(args: argparse.Namespace) -> int:
    print(f"database: {_scratch_database(args.database_url)}")
    from vigil.sources.bench import run_collect_benchmark

    run_collect_benchmark(feeds=args.feeds, items=args.items, out=sys.stdout)
    return 0
