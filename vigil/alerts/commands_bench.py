"""`vigil bench alert-latency`: a thin wrapper over ``vigil.alerts.bench``."""

from __future__ import annotations

import argparse
import sys

from vigil.lib.scratch import ScratchError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="print performance figures")
    nested = bench.add_subparsers(dest="bench_command", metavar="WHAT")
    p = nested.add_parser(
        "alert-latency",
        help="seconds from an ingest request to the webhook delivery (embedded, or --scale)",
    )
    p.add_argument("--rounds", type=int, default=20, help="keyword alerts measured (default 20)")
    p.add_argument("--history-hours", type=int, default=30, help="quiet history for the spike rule")
    p.add_argument(
        "--port", type=int, default=None, help="port for `vigil run` (default: a free one)"
    )
    p.add_argument(
        "--scale",
        action="store_true",
        help="measure scale mode: web, workers and beat as subprocesses on a scratch "
        "PostgreSQL database and a scratch Redis database (both removed afterwards)",
    )
    p.add_argument(
        "--postgres",
        default=None,
        help="with --scale: the PostgreSQL server to make the scratch database on "
        "(default: VIGIL_BENCH_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres)",
    )
    p.add_argument(
        "--redis",
        default=None,
        help="with --scale: the Redis server to claim an empty database number on "
        "(default: VIGIL_BENCH_REDIS, else redis://127.0.0.1:6379)",
    )
    p.add_argument(
        "--pipeline-workers",
        type=int,
        default=2,
        help="with --scale: processes of the pipeline worker (default 2)",
    )
    p.add_argument(
        "--delivery-workers",
        type=int,
        default=1,
        help="with --scale: processes of the delivery worker (default 1)",
    )
    p.set_defaults(func=bench_alert_latency)


def bench_alert_latency(args: argparse.Namespace) -> int:
    from vigil.alerts.bench import run_alert_latency

    scale = None
    if args.scale:
        from vigil.alerts.bench_scale import ScaleSetup

        if args.pipeline_workers < 1 or args.delivery_workers < 1:
            print("vigil: each worker needs at least one process", file=sys.stderr)
            return 2
        scale = ScaleSetup.from_env(
            postgres=args.postgres,
            redis=args.redis,
            pipeline_concurrency=args.pipeline_workers,
            delivery_concurrency=args.delivery_workers,
        )
    elif args.postgres or args.redis or (args.pipeline_workers, args.delivery_workers) != (2, 1):
        print("vigil: --postgres, --redis and the worker counts go with --scale", file=sys.stderr)
        return 2
    try:
        report = run_alert_latency(
            rounds=args.rounds, history_hours=args.history_hours, port=args.port, scale=scale
        )
    except ScratchError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 0 if report.keyword and not report.missed else 1
