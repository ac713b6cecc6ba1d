"""Settings come from the environment and refuse insecure or malformed values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from vigil.lib.env import EnvError, env_bool, env_int, env_list


def test_env_helpers_parse_and_reject() -> None:
    env = {"A": "yes", "B": "0", "N": "12", "L": " a, b ,,c "}
    assert env_bool("A", environ=env) is True and env_bool("B", environ=env) is False
    assert env_bool("MISSING", True, environ=env) is True
    assert env_int("N", 1, minimum=1, maximum=20, environ=env) == 12
    assert env_list("L", environ=env) == ["a", "b", "c"]
    with pytest.raises(EnvError, match="not a boolean"):
        env_bool("N", environ=env)
    with pytest.raises(EnvError, match="above the maximum"):
        env_int("N", 1, maximum=5, environ=env)
    with pytest.raises(EnvError, match="not a whole number"):
        env_int("A", 1, environ=env)


def _import_settings(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    full.update({"VIGIL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", "import vigil.settings as s; print(len(s.SECRET_KEY))"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_refuses_the_development_secret_key(tmp_path) -> None:
    result = _import_settings(tmp_path, VIGIL_SECRET_KEY="vigil-insecure-development-key-change-me")
    assert result.returncode != 0 and "VIGIL_SECRET_KEY" in result.stderr


def test_debug_off_refuses_a_short_secret_key(tmp_path) -> None:
    result = _import_settings(tmp_path, VIGIL_SECRET_KEY="short")
    assert result.returncode != 0


def test_without_a_key_each_installation_generates_its_own(tmp_path) -> None:
    result = _import_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "secret.key"
    assert key_file.exists() and len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_scale_mode_refuses_to_start_without_a_shared_secret_key(tmp_path) -> None:
    # Each process generated its own key: a worker's acknowledge link was "not valid" on the web.
    result = _import_settings(tmp_path, VIGIL_BROKER_URL="redis://127.0.0.1:6379/9")
    assert result.returncode != 0
    refusal = result.stderr.splitlines()[-1]
    assert "VIGIL_SECRET_KEY is not set" in refusal and "token_urlsafe" in refusal
    assert not (tmp_path / "secret.key").exists()
    key = "k" * 50
    shared = _import_settings(tmp_path, VIGIL_BROKER_URL="redis://h:6379/9", VIGIL_SECRET_KEY=key)
    assert shared.returncode == 0, shared.stderr


def test_a_worker_without_the_secret_key_says_so_in_one_line(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    env.update(VIGIL_DATA_DIR=str(tmp_path), VIGIL_BROKER_URL="redis://127.0.0.1:6379/9")
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("vigil: VIGIL_SECRET_KEY is not set"), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/9",
        "rediss://:pw@redis.example.com:6380/0",
        "amqp://guest:guest@rabbit:5672//",
        "pyamqp://rabbit//",
        "sentinel://s1:26379;sentinel://s2:26379",
        "sqla+postgresql://vigil@db/vigil",
    ],
)
def test_broker_urls_of_the_transports_kombu_knows_are_accepted(tmp_path, url) -> None:
    result = _import_settings(tmp_path, VIGIL_BROKER_URL=url, VIGIL_SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "url", ["foo://x", "redis:6379", "redis://ok:6379/0;bar://y", "memory://", "http://redis/0"]
)
def test_an_unknown_broker_stops_start_up_naming_the_variable(tmp_path, url) -> None:
    # foo://x let the web serve while every worker died on kombu's bare KeyError: 'foo'.
    result = _import_settings(tmp_path, VIGIL_BROKER_URL=url, VIGIL_SECRET_KEY="k" * 50)
    assert result.returncode != 0
    refusal = result.stderr.splitlines()[-1]
    assert "VIGIL_BROKER_URL starts with" in refusal and "redis://host:6379/0" in refusal


def test_the_broker_refusal_does_not_repeat_its_password(tmp_path) -> None:
    result = _import_settings(
        tmp_path, VIGIL_BROKER_URL="reddis://:s3cret@redis:6379/0", VIGIL_SECRET_KEY="k" * 50
    )
    assert result.returncode != 0 and "s3cret" not in result.stderr


def test_bad_values_stop_start_up_with_the_variable_named(tmp_path) -> None:
    result = _import_settings(tmp_path, VIGIL_WORKER_THREADS="many")
    assert result.returncode != 0 and "VIGIL_WORKER_THREADS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("VIGIL_LANGUAGE", "fr"),
        ("VIGIL_TIME_ZONE", "Mars/Base"),
        ("VIGIL_LOG_LEVEL", "LOUD"),
        ("VIGIL_BASE_URL", "vigil.example.com"),
        ("VIGIL_PORT", "eighty"),
        ("VIGIL_PORT", "70000"),
        ("VIGIL_HOST", " "),
        ("DATABASE_URL", "postgress://db/vigil"),
    ],
)
def test_every_checked_variable_refuses_a_bad_value_by_name(tmp_path, variable, value) -> None:
    result = _import_settings(tmp_path, **{variable: value})
    assert result.returncode != 0 and variable in result.stderr.splitlines()[-1]


def test_good_values_are_accepted_and_normalised(tmp_path) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    full.update(
        VIGIL_DATA_DIR=str(tmp_path),
        VIGIL_LANGUAGE="zh-Hans",
        VIGIL_TIME_ZONE="Asia/Shanghai",
        VIGIL_LOG_LEVEL="warning",
        VIGIL_BASE_URL="https://vigil.example.com",
        VIGIL_PORT="8080",
    )
    code = (
        "import vigil.settings as s; print(s.LANGUAGE_CODE, s.TIME_ZONE, s.LOG_LEVEL, s.RUN_PORT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["zh-hans", "Asia/Shanghai", "WARNING", "8080"], result.stderr


def _base_url(tmp_path, **env: str) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    full.update({"VIGIL_DATA_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", "import vigil.settings as s; print(s.BASE_URL)"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_links_sent_out_follow_the_port_vigil_listens_on(tmp_path) -> None:
    # A trial on VIGIL_PORT=8611 e-mailed links to :8000, where nothing answered.
    assert _base_url(tmp_path, VIGIL_PORT="8611") == "http://127.0.0.1:8611"
    everywhere = _base_url(tmp_path, VIGIL_HOST="0.0.0.0", VIGIL_PORT="9000")  # noqa: S104
    assert everywhere == "http://127.0.0.1:9000"
    assert _base_url(tmp_path) == "http://127.0.0.1:8000"
    public = _base_url(tmp_path, VIGIL_PORT="8611", VIGIL_BASE_URL="https://vigil.example.com")
    assert public == "https://vigil.example.com"
