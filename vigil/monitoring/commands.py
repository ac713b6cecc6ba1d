"""``vigil query check|match`` and ``vigil bench match``: the query language from a shell."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from vigil.monitoring.query import Document, QuerySyntaxError, parse
from vigil.monitoring.query.bench import generate, run_benchmark, time_build

__all__ = ["register"]

_DOCUMENT_FIELDS = ("title", "text", "author", "url", "site", "lang", "channel")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``query check``, ``query match`` and ``bench match`` to the ``vigil`` command."""
    query = subparsers.add_parser("query", help="check a monitoring query or try it on posts")
    query_commands = query.add_subparsers(dest="query_command", required=True)
    check = query_commands.add_parser("check", help="print the parsed form or the error")
    check.add_argument("query")
    check.set_defaults(func=check_query)
    match = query_commands.add_parser("match", help="print ids of JSONL lines the query matches")
    match.add_argument("query")
    match.add_argument("file", type=Path, help="one JSON object per line: id, text, title, …")
    match.set_defaults(func=match_file)

    bench = _bench_parser(subparsers)
    bench_commands = bench.add_subparsers(dest="bench_command", required=True)
    bench_match = bench_commands.add_parser("match", help="percolator vs naive evaluation")
    bench_match.add_argument("--queries", type=int, default=10_000)
    bench_match.add_argument("--docs", type=int, default=20_000)
    bench_match.add_argument("--seed", type=int, default=1)
    bench_match.add_argument("--sample", type=int, default=200, help="posts for the naive run")
    bench_match.add_argument("--build-only", action="store_true", help="only time the build")
    bench_match.set_defaults(func=bench_match_command)


def _bench_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``bench`` may be shared with other apps' benchmarks: reuse it when it exists."""
    existing = subparsers.choices.get("bench")
    if isinstance(existing, argparse.ArgumentParser):
        return existing
    parser: argparse.ArgumentParser = subparsers.add_parser("bench", help="print speed figures")
    return parser


def check_query(args: argparse.Namespace) -> int:
    try:
        parsed = parse(args.query)
    except QuerySyntaxError as error:
        print(error)
        return 2
    print(parsed.to_string())
    return 0


def match_file(args: argparse.Namespace) -> int:
    try:
        parsed = parse(args.query)
    except QuerySyntaxError as error:
        print(error)
        return 2
    try:
        lines = args.file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            print(f"{args.file}:{number}: skipped, bad JSON: {error}", file=sys.stderr)
            continue
        document = Document(
            id=str(record.get("id", "")),
            **{name: str(record.get(name) or "") for name in _DOCUMENT_FIELDS},
        )
        if parsed.test(document):
            print(document.id)
    return 0


def bench_match_command(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    workload = generate(args.queries, 0 if args.build_only else args.docs, args.seed)
    print(
        f"generated {args.queries} queries and {len(workload.docs)} posts "
        f"(seed {args.seed}) in {time.perf_counter() - started:.1f} s"
    )
    if args.build_only:
        percolator, seconds, cpu = time_build(workload)
        print(
            f"build: {seconds:.2f} s ({cpu:.2f} s CPU) for {len(percolator)} queries "
            f"({len(percolator) / max(seconds, 1e-9):,.0f} queries/s)"
        )
        return 0
    report = run_benchmark(workload, args.sample)
    print(f"build: {report.build_seconds:.2f} s for {report.queries} queries")
    print(
        f"percolator: {report.percolator_docs_per_second:,.0f} docs/s wall, "
        f"{report.percolator_cpu_docs_per_second:,.0f} docs/s per CPU second (one core), "
        f"over {report.docs} posts, {report.matches} matches"
    )
    print(
        f"naive: {report.naive_docs_per_second:,.1f} docs/s wall, "
        f"{report.naive_cpu_docs_per_second:,.1f} per CPU second (every query on each of "
        f"{report.naive_sample} sampled posts, extrapolated)"
    )
    cpu_ratio = report.percolator_cpu_docs_per_second / max(report.naive_cpu_docs_per_second, 1e-9)
    print(f"ratio: {report.ratio:,.0f}x wall, {cpu_ratio:,.0f}x CPU")
    agreement = "agree" if report.sample_agrees else "DISAGREE"
    print(
        f"sample check: percolator and naive {agreement} "
        f"({report.sample_matches} matches on the sample)"
    )
    return 0 if report.sample_agrees else 1
