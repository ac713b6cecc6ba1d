"""Ctrl-C on `vigil run` leaves no half-written rows, and the next start finishes the work."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SEED = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
django.setup()
from django.utils import timezone
from vigil.sources.models import RawItem, Source
source = Source.objects.create(name="bulk", kind="rss", config={"url": "http://127.0.0.1:9/x"},
                               is_active=False)
now = timezone.now()
RawItem.objects.bulk_create([
    RawItem(source=source, external_id=f"i{i}", fetched_at=now, payload={
        "url": f"https://news.example.com/{i}", "title": f"Item {i}",
        "text": f"Lumina mention number {i} with enough words to be a real text."})
    for i in range({n})
])
"""

CHECK = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
django.setup()
from vigil.mentions.models import Mention
from vigil.sources.models import RawItem
done = RawItem.objects.filter(status="done")
print(json.dumps({
    "pending": RawItem.objects.filter(status="pending").count(),
    "pending_with_mention": RawItem.objects.filter(status="pending", mention__isnull=False).count(),
    "done": done.count(),
    "done_without_mention": done.filter(mention__isnull=True).count(),
    "mentions": Mention.objects.count(),
    "mentions_of_done": done.values("mention").distinct().count(),
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "VIGIL_BROKER"))
    }
    env.update(
        {
            "VIGIL_DATA_DIR": str(tmp_path),
            "VIGIL_ADMIN_PASSWORD": "admin-pass-123",
            "VIGIL_PIPELINE_BATCH_SIZE": "50",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "run", "--no-demo", "--port", str(port)],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_health(port: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                return json.load(r)
        except OSError:
            time.sleep(0.2)
    raise AssertionError("vigil run did not come up")


def test_ctrl_c_stops_cleanly_and_the_next_start_finishes(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "vigil.cli", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    _python(SEED.replace("{n}", "3000"), env)
    port, log = _free_port(), tmp_path / "run.log"

    process = _start(port, env, log)
    health = _wait_health(port)
    assert health["workers"]["ok"] is True
    time.sleep(1.0)  # let the pipeline get going
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0, log.read_text()
    assert "stopped." in log.read_text()

    state = json.loads(_python(CHECK, env))
    assert state["pending_with_mention"] == 0
    assert state["done_without_mention"] == 0
    assert state["mentions"] == state["mentions_of_done"]  # no mention without its raw item

    process = _start(port, env, log)
    _wait_health(port)
    deadline = time.monotonic() + 120
    while json.loads(_python(CHECK, env))["pending"] and time.monotonic() < deadline:
        time.sleep(1)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    final = json.loads(_python(CHECK, env))
    assert final["pending"] == 0 and final["mentions"] == 3000
