"""`vigil bench alert-latency`: a thin wrapper over ``vigil.alerts.bench``."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="print performance figures")
    nested = bench.add_subparsers(dest="bench_command", metavar="WHAT")
    p = nested.add_parser(
        "alert-latency", help="seconds from an ingest request to the webhook delivery (embedded)"
    )
    p.add_argument("--rounds", type=int, default=20, help="keyword alerts measured (default 20)")
    p.add_argument("--history-hours", type=int, default=30, help="quiet history for the spike rule")
    p.add_argument(
        "--port", type=int, default=None, help="port for `vigil run` (default: a free one)"
    )
    p.set_defaults(func=bench_alert_latency)


def bench_alert_latency(args: argparse.Namespace) -> int:
    from vigil.alerts.bench import run_alert_latency

    report = run_alert_latency(rounds=args.rounds, history_hours=args.history_hours, port=args.port)
    for line in report.lines():
        print(line)
    return 0 if report.keyword and not report.missed else 1
