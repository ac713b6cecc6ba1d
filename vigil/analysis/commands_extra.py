"""``vigil eval dedup`` and ``vigil eval stories``.

The ``eval`` parent is shared with ``vigil eval sentiment``, so this module adds its
subcommands to an existing ``eval`` subparsers object (:func:`add_eval_dedup`,
:func:`add_eval_stories`); :func:`register` creates ``eval`` or reuses it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = [
    "add_eval_dedup",
    "add_eval_stories",
    "handle_eval_dedup",
    "handle_eval_stories",
    "register",
]


def add_eval_dedup(eval_subparsers: argparse._SubParsersAction) -> None:
    """Add ``dedup`` under an existing ``vigil eval`` subparsers object."""
    p = eval_subparsers.add_parser(
        "dedup",
        help="recall, false matches and speed of reprint detection on planted near-duplicates",
        description=(
            "Plants near-duplicates (English word and character edits, Chinese character "
            "edits) among many distinct look-alike posts and prints recall per edit level, "
            "false matches and docs/s."
        ),
    )
    p.add_argument("--distinct", type=int, default=20000, help="distinct posts (default 20000)")
    p.add_argument("--planted", type=int, default=300, help="copies per case and edit level")
    p.add_argument(
        "--rates",
        default="0.02,0.10",
        help="comma-separated edit rates (default 0.02,0.10)",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--passes", type=int, default=5, help="timed passes; throughput is their median (default 5)"
    )
    p.add_argument("--backend", choices=["rensa", "datasketch"], default=None)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle_eval_dedup)


def handle_eval_dedup(args: argparse.Namespace) -> int:
    from vigil.analysis.dedup_eval import format_report, run_dedup_eval

    try:
        rates = tuple(float(r) for r in str(args.rates).split(",") if r.strip())
    except ValueError:
        print(f"error: --rates must be numbers, got {args.rates!r}", file=sys.stderr)
        return 2
    if not rates or any(not 0 < r < 1 for r in rates) or args.distinct < 2 * args.planted:
        print("error: rates must be in (0, 1) and --distinct ≥ 2 × --planted", file=sys.stderr)
        return 2
    if args.passes < 1:
        print("error: --passes must be at least 1", file=sys.stderr)
        return 2
    report = run_dedup_eval(
        distinct=args.distinct,
        planted=args.planted,
        rates=rates,
        seed=args.seed,
        backend=args.backend,
        passes=args.passes,
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def add_eval_stories(eval_subparsers: argparse._SubParsersAction) -> None:
    """Add ``stories`` under an existing ``vigil eval`` subparsers object."""
    p = eval_subparsers.add_parser(
        "stories",
        help="how well mentions are grouped into stories, on labelled sets",
        description=(
            "Matches, dedups and clusters labelled mentions as the pipeline does and prints "
            "B-cubed and pairwise precision/recall/F1, and how many stories each labelled "
            "story was split into. Without FILE: the shipped set and the demo scenario."
        ),
    )
    p.add_argument("file", type=Path, nargs="?", help="labelled mentions (JSONL)")
    p.add_argument("--plan", type=Path, help="the plan whose topics match FILE (JSON)")
    p.add_argument("--json", action="store_true", help="print one JSON object per set")
    p.set_defaults(func=handle_eval_stories)


def handle_eval_stories(args: argparse.Namespace) -> int:
    from vigil.analysis.stories_eval import (
        DEFAULT_SETS,
        cluster_set,
        format_reports,
        load_set,
        score_clusters,
    )

    if (args.file is None) != (args.plan is None):
        print("error: give both FILE and --plan, or neither", file=sys.stderr)
        return 2
    sets = DEFAULT_SETS if args.file is None else [(args.file.stem, args.file, args.plan)]
    reports = []
    for name, mentions, plan in sets:
        try:
            labelled = load_set(name, mentions, plan)
        except (OSError, ValueError, KeyError) as error:
            print(f"vigil eval stories: {mentions}: {error}", file=sys.stderr)
            return 2
        reports.append(score_clusters(labelled, cluster_set(labelled)))
    if args.json:
        for report in reports:
            print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(format_reports(reports))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``dedup`` and ``stories`` under ``vigil eval`` (created here if no app has yet)."""
    eval_parser = subparsers.add_parser("eval", help="measure accuracy and speed")
    eval_subparsers = eval_parser.add_subparsers(dest="eval_command", required=True)
    add_eval_dedup(eval_subparsers)
    add_eval_stories(eval_subparsers)
