"""`vigil bench alert-latency --scale`: the same measurement against Vigil in scale mode.

Vigil runs as an operator runs it at scale, each part a subprocess: ``vigil run --web-only``,
a pipeline worker (``--queues celery``), a delivery worker (``--queues deliveries``) and
``vigil beat``. Its database is a scratch PostgreSQL database, created for the run and
dropped after it; its broker a scratch Redis database number, claimed empty and emptied
after. The caller's ``DATABASE_URL`` and ``VIGIL_BROKER_URL`` are never used: their
database is not even connected to, and their Redis database is never claimed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vigil.alerts.bench import _vigil, bench_env, prepare, stop, wait_until_up
from vigil.lib.scratch import scratch_postgres, scratch_redis

__all__ = ["ScaleSetup", "scale_vigil"]

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379"


@dataclass(frozen=True)
class ScaleSetup:
    """Where the scratch database and broker are made, and how many worker processes run."""

    #: A PostgreSQL server (the URL's database is only connected to, to create and drop).
    postgres: str = DEFAULT_POSTGRES
    redis: str = DEFAULT_REDIS
    pipeline_concurrency: int = 2
    delivery_concurrency: int = 1

    @classmethod
    def from_env(
        cls,
        postgres: str | None = None,
        redis: str | None = None,
        pipeline_concurrency: int = 2,
        delivery_concurrency: int = 1,
    ) -> ScaleSetup:
        """Options first, then VIGIL_BENCH_POSTGRES / VIGIL_BENCH_REDIS, then localhost."""
        return cls(
            postgres=postgres or os.environ.get("VIGIL_BENCH_POSTGRES") or DEFAULT_POSTGRES,
            redis=redis or os.environ.get("VIGIL_BENCH_REDIS") or DEFAULT_REDIS,
            pipeline_concurrency=pipeline_concurrency,
            delivery_concurrency=delivery_concurrency,
        )


def _processes(port: int, setup: ScaleSetup) -> dict[str, list[str]]:
    return {
        "web": _vigil("run", "--web-only", "--port", str(port), "--no-demo"),
        "worker-pipeline": _vigil(
            "worker",
            "--queues",
            "celery",
            "--concurrency",
            str(setup.pipeline_concurrency),
            "--loglevel",
            "WARNING",
        ),
        "worker-deliveries": _vigil(
            "worker",
            "--queues",
            "deliveries",
            "--concurrency",
            str(setup.delivery_concurrency),
            "--loglevel",
            "WARNING",
        ),
        "beat": _vigil("beat", "--loglevel", "WARNING"),
    }


def _workers_ready(health: dict[str, Any]) -> bool:
    """Every queue has a worker (the health check says so)."""
    return bool((health.get("workers") or {}).get("ok"))


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}{parts.path}"


@contextlib.contextmanager
def scale_vigil(
    port: int, log_dir: Path, setup: ScaleSetup
) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh Vigil in scale mode; yields its address and the bench user's token."""
    broker_in_use = os.environ.get("VIGIL_BROKER_URL", "")
    with (
        scratch_postgres(setup.postgres, prefix="vigil_bench") as database_url,
        scratch_redis(setup.redis, avoid=[broker_in_use]) as broker_url,
        tempfile.TemporaryDirectory(prefix="vigil-bench-") as data_dir,
        contextlib.ExitStack() as logs,
    ):
        env = bench_env(
            data_dir,
            port,
            DATABASE_URL=database_url,
            VIGIL_BROKER_URL=broker_url,
            # One key for all the processes (none generates its own into the data directory).
            VIGIL_SECRET_KEY=secrets.token_urlsafe(50),
        )
        token = prepare(env)
        processes: dict[str, subprocess.Popen[bytes]] = {}
        log_paths = log_dir / "vigil-bench-scale-*.log"
        base = f"http://127.0.0.1:{port}"
        try:
            for name, argv in _processes(port, setup).items():
                out = logs.enter_context((log_dir / f"vigil-bench-scale-{name}.log").open("w"))
                processes[name] = subprocess.Popen(
                    argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            wait_until_up(base, processes, log_paths, ready=_workers_ready)
            setup_line = (
                f"scale: PostgreSQL {_where(database_url)} (scratch), Redis {_where(broker_url)} "
                f"(scratch), web + pipeline worker ×{setup.pipeline_concurrency} + delivery "
                f"worker ×{setup.delivery_concurrency} + beat"
            )
            yield base, {"token": token, "setup": setup_line}
        finally:
            # The web first (no new kicks), then beat, then the workers finish their tasks.
            for name in ("web", "beat", "worker-pipeline", "worker-deliveries"):
                if name in processes:
                    sig = signal.SIGINT if name == "web" else signal.SIGTERM
                    stop(processes[name], sig, group=True)
