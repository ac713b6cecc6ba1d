"""``vigil eval dedup`` — to be merged into the analysis app's command registration.

The ``eval`` parent is shared with ``vigil eval sentiment``, so this module adds its
subcommand to an existing ``eval`` subparsers object (:func:`add_eval_dedup`);
:func:`register` is a stand-alone convenience that creates ``eval`` itself.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_eval_dedup", "handle_eval_dedup", "register"]


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


def register(subparsers: argparse._SubParsersAction) -> None:
    """Stand-alone registration (creates ``eval``); the lead merges via add_eval_dedup."""
    eval_parser = subparsers.add_parser("eval", help="measure accuracy and speed")
    add_eval_dedup(eval_parser.add_subparsers(dest="eval_command", required=True))
