"""`vigil worker` and `vigil beat`: the Celery processes of scale mode.

Embedded mode runs its workers inside `vigil run`; these refuse to start without a broker.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["register", "worker_argv"]


def register(subparsers: argparse._SubParsersAction) -> None:
    worker = subparsers.add_parser("worker", help="run a Celery worker (scale mode)")
    worker.add_argument("--concurrency", type=int, default=None)
    worker.add_argument("--loglevel", default="INFO")
    worker.add_argument(
        "--queues",
        type=_queue_names,
        default=None,
        help="comma-separated queues to consume (default: all of them, celery,deliveries); "
        "--queues deliveries runs a worker that only sends alerts",
    )
    worker.add_argument(
        "--hostname",
        default=None,
        help="this worker's node name, unique per worker (default: vigil-<pid>@<host>, "
        "or vigil-<queues>-<pid>@<host> with --queues); %%h is the host name",
    )
    worker.set_defaults(func=cmd_worker)

    beat = subparsers.add_parser("beat", help="run the Celery scheduler (scale mode)")
    beat.add_argument("--loglevel", default="INFO")
    beat.set_defaults(func=cmd_beat)


def _queue_names(text: str) -> list[str]:
    """Queue names for --queues: comma-separated, none empty (checked against the tasks'
    queues once Django is set up)."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of queues")
    return list(dict.fromkeys(names))


def _require_broker() -> None:
    from vigil.cli import setup_django

    setup_django()
    from django.conf import settings

    if settings.TASK_MODE != "celery":
        print(
            "vigil: set VIGIL_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run Celery; "
            "embedded mode runs its workers inside `vigil run`.",
            file=sys.stderr,
        )
        raise SystemExit(2)


def worker_argv(
    known: list[str],
    *,
    queues: list[str] | None = None,
    hostname: str | None = None,
    concurrency: int | None = None,
    loglevel: str = "INFO",
    pid: int | None = None,
) -> list[str]:
    """The Celery worker's arguments: every known queue unless ``queues`` names some, and a
    node name unique per process (Celery's default, celery@<host>, is the same for two
    workers on one machine, and they then answer control commands as one)."""
    unknown = [name for name in queues or [] if name not in known]
    if unknown:
        raise ValueError(f"no queue named {', '.join(unknown)}: the queues are {', '.join(known)}")
    chosen = queues or known
    if hostname is None:
        label = "" if queues is None else "-".join(chosen) + "-"
        hostname = f"vigil-{label}{os.getpid() if pid is None else pid}@%h"
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--queues={','.join(chosen)}",
        f"--hostname={hostname}",
    ]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    return argv


def cmd_worker(args: argparse.Namespace) -> int:
    _require_broker()
    from vigil.celery import app
    from vigil.pipeline.runner import queues

    try:
        argv = worker_argv(
            queues(),
            queues=args.queues,
            hostname=args.hostname,
            concurrency=args.concurrency,
            loglevel=args.loglevel,
        )
    except ValueError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 2
    _warn_without_base_url()
    app.worker_main(argv)
    return 0


def _warn_without_base_url() -> None:
    """Workers write the links in e-mails and webhooks; without VIGIL_BASE_URL they can only
    guess the web address from VIGIL_HOST and VIGIL_PORT, which scale mode rarely sets."""
    if os.environ.get("VIGIL_BASE_URL", "").strip():
        return
    from django.conf import settings

    print(
        f"vigil worker: VIGIL_BASE_URL is not set, so links in e-mails and webhooks point at "
        f"{settings.BASE_URL}; set it to the address people open Vigil at",
        file=sys.stderr,
    )


def cmd_beat(args: argparse.Namespace) -> int:
    _require_broker()
    from django.conf import settings

    from vigil.celery import app

    schedule = settings.DATA_DIR / "celerybeat-schedule"
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    app.start(["beat", f"--loglevel={args.loglevel}", f"--schedule={schedule}"])
    return 0
