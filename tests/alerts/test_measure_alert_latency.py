"""`vigil bench alert-latency` measures a fresh Vigil (embedded, or in scale mode on scratch
databases), never the caller's installation."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

from vigil.alerts import bench


class _FakeVigil:
    """Stands in for the ``vigil run`` child: always up, stops when asked."""

    def poll(self) -> None:
        return None

    def send_signal(self, _signal: int) -> None:
        return None

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_the_bench_ignores_the_callers_database_and_broker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://vigil@db.example.com/vigil")
    monkeypatch.setenv("VIGIL_BROKER_URL", "redis://redis.example.com:6379/0")
    monkeypatch.setenv("VIGIL_LANGUAGE", "zh-hans")  # other settings still pass through
    envs: list[dict[str, str]] = []

    def run(args: list[str], env: dict[str, str], **_kwargs: Any) -> Any:
        envs.append(env)
        return subprocess.CompletedProcess(args, 0, stdout="API token (shown once): vgl_x\n")

    def popen(args: list[str], env: dict[str, str], **_kwargs: Any) -> _FakeVigil:
        envs.append(env)
        return _FakeVigil()

    monkeypatch.setattr(bench.subprocess, "run", run)
    monkeypatch.setattr(bench.subprocess, "Popen", popen)
    monkeypatch.setattr(bench.urllib.request, "urlopen", lambda *_a, **_k: contextlib.nullcontext())

    with bench.embedded_vigil(8899, tmp_path / "bench.log") as (base, secrets):
        assert base == "http://127.0.0.1:8899" and secrets == {"token": "vgl_x"}

    assert len(envs) == 3  # migrate, createadmin, run
    for env in envs:
        assert "DATABASE_URL" not in env and "VIGIL_BROKER_URL" not in env
        assert Path(env["VIGIL_DATA_DIR"]).name.startswith("vigil-bench-")
        assert env["VIGIL_LANGUAGE"] == "zh-hans"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_scale_mode_is_measured_on_scratch_databases_that_are_removed_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short run: web, two workers and beat as subprocesses, two keyword alerts."""
    import psycopg
    import redis
    from django.contrib.auth.models import User
    from django.db import connection

    from vigil.alerts.bench_scale import ScaleSetup

    s = connection.settings_dict
    callers = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    monkeypatch.setenv("DATABASE_URL", callers)
    monkeypatch.setenv("VIGIL_BROKER_URL", "redis://127.0.0.1:6379/14")

    setup = ScaleSetup(pipeline_concurrency=1)  # as `--pipeline-workers 1` asks
    report = bench.run_alert_latency(rounds=2, history_hours=1, scale=setup, spike=False)

    lines = report.lines()
    assert lines[0].startswith("scale: PostgreSQL 127.0.0.1:5432/vigil_bench_"), lines
    assert "pipeline worker ×1 + delivery worker ×1" in lines[0]
    assert len(report.keyword) == 2 and report.missed == 0 and report.bad_signatures == 0
    assert "webhook signatures valid: 2/2" in lines
    database = lines[0].split("5432/", 1)[1].split()[0]
    broker_db = int(lines[0].split("6379/", 1)[1].split()[0])
    assert broker_db != 14  # the caller's broker database is never claimed
    # Both scratch databases are gone, and the caller's database was never written to.
    with psycopg.connect(callers.rsplit("/", 1)[0] + "/postgres") as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        assert left.fetchone() is None
    assert redis.Redis(db=broker_db).dbsize() == 0
    assert not User.objects.filter(username="bench").exists()


def test_worker_counts_are_refused_without_scale_mode_or_below_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from vigil.cli import main

    assert main(["bench", "alert-latency", "--pipeline-workers", "3"]) == 2
    assert "go with --scale" in capsys.readouterr().err
    assert main(["bench", "alert-latency", "--scale", "--delivery-workers", "0"]) == 2
    assert "at least one process" in capsys.readouterr().err
