"""`vigil bench alert-latency` measures a fresh embedded Vigil, never the caller's installation."""

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
