"""The `vigil` command: version, help on every command, admin creation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vigil import __version__
from vigil.cli import build_parser, main

COMMANDS = [
    ["run"],
    ["worker"],
    ["beat"],
    ["migrate"],
    ["createadmin"],
    ["token"],
    ["password"],
    ["demo", "load"],
    ["collect"],
]


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"vigil {__version__}"


def test_python_dash_m_vigil_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vigil", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == f"vigil {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: vigil " + " ".join(command) in capsys.readouterr().out


def test_apps_can_share_a_parent_command() -> None:
    parser = build_parser()
    args = parser.parse_args(["run", "--port", "9001", "--web-only"])
    assert args.port == 9001 and args.web_only


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == f"vigil {__version__}"


@pytest.mark.django_db
def test_createadmin_prints_a_password_once_and_refuses_a_taken_name(capsys) -> None:
    assert main(["createadmin", "--username", "boss", "--token"]) == 0
    out = capsys.readouterr().out
    assert "administrator created: boss" in out and "password (shown once):" in out
    assert "API token (shown once): vgl_" in out
    assert main(["createadmin", "--username", "boss"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["token", "boss", "--name", "pusher"]) == 0
    assert "API token for boss (shown once): vgl_" in capsys.readouterr().out
    assert main(["token", "nobody"]) == 1
    assert "no active user named 'nobody'" in capsys.readouterr().err


def test_worker_without_a_broker_explains_itself(capsys, monkeypatch) -> None:
    from django.conf import settings

    monkeypatch.setattr(settings, "TASK_MODE", "embedded")
    with pytest.raises(SystemExit) as exit_info:
        main(["worker"])
    assert exit_info.value.code == 2
    assert "VIGIL_BROKER_URL" in capsys.readouterr().err


def test_a_bad_setting_stops_the_command_with_one_line_naming_it(tmp_path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
    env.update(VIGIL_DATA_DIR=str(tmp_path), VIGIL_PORT="eighty")
    cli = [sys.executable, "-m", "vigil.cli"]
    # Help still works: the variable is read when a command needs it, not to build the menu.
    assert subprocess.run([*cli, "run", "--help"], env=env, capture_output=True).returncode == 0
    result = subprocess.run(
        [*cli, "run", "--no-demo"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "vigil: VIGIL_PORT='eighty' is not a whole number"


def test_run_refuses_a_port_out_of_range(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["run", "--port", "70000"])
    assert exit_info.value.code == 2
    assert "70000 is not a port (1-65535)" in capsys.readouterr().err


def test_run_on_a_taken_port_says_so_in_one_line_before_starting_workers(tmp_path) -> None:
    import os
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
        env.update(VIGIL_DATA_DIR=str(tmp_path))
        result = subprocess.run(
            [sys.executable, "-m", "vigil.cli", "run", "--no-demo", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert f"vigil: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr and "runner started" not in result.stderr


def test_a_web_only_start_does_not_load_the_demo_into_a_real_installation(tmp_path) -> None:
    # A trial's scale-mode start (`vigil run --web-only`, as the README says) printed five demo
    # logins with passwords and created demo rules on a production database.
    import os
    import socket
    import sqlite3

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DATABASE_URL"))}
        env.update(VIGIL_DATA_DIR=str(tmp_path), VIGIL_ADMIN_PASSWORD="Trial-pass-123")
        result = subprocess.run(
            [sys.executable, "-m", "vigil.cli", "run", "--web-only", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert result.returncode == 2 and "cannot listen" in result.stderr
    assert "First administrator created" in result.stdout
    assert "demo" not in result.stdout
    with sqlite3.connect(tmp_path / "vigil.sqlite3") as db:
        assert db.execute("select count(*) from sources_source").fetchone() == (0,)
        assert db.execute("select username from auth_user").fetchall() == [("admin",)]


def test_a_group_without_its_subcommand_shows_help_and_fails(capsys) -> None:
    assert main(["demo"]) == 2
    assert "usage: vigil demo" in capsys.readouterr().out


@pytest.mark.django_db
def test_password_resets_a_lost_password_and_audits_it_without_the_password(capsys) -> None:
    from django.contrib.auth import authenticate

    from vigil.accounts.models import AuditEntry

    assert main(["createadmin", "--username", "boss"]) == 0
    capsys.readouterr()
    assert main(["password", "boss"]) == 0
    new = capsys.readouterr().out.split("new password (shown once): ")[1].strip()
    assert authenticate(username="boss", password=new) is not None
    assert main(["password", "boss", "--password", "Lantern-Harbour-77"]) == 0
    assert "shown once" not in capsys.readouterr().out
    assert authenticate(username="boss", password="Lantern-Harbour-77") is not None
    entries = AuditEntry.objects.filter(action="user.password_reset")
    assert entries.count() == 2
    assert "Lantern" not in str([(e.before, e.after, e.note) for e in entries])
    assert main(["password", "boss", "--password", "12345678"]) == 1
    assert "This password is too common." in capsys.readouterr().err
    assert main(["password", "nobody"]) == 1
    assert "no user named 'nobody'" in capsys.readouterr().err


@pytest.mark.django_db
def test_run_with_another_port_sends_links_to_that_port(monkeypatch) -> None:
    import socket

    from django.conf import settings

    monkeypatch.delenv("VIGIL_BASE_URL", raising=False)
    monkeypatch.setattr(settings, "BASE_URL", "http://127.0.0.1:8000")
    with socket.socket() as taken:  # the run stops at listening, after reading its options
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["run", "--no-demo", "--port", str(port)]) == 2
    links = settings.BASE_URL
    assert links == f"http://127.0.0.1:{port}"


def test_createadmin_explains_each_option(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["createadmin", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--username USERNAME default: admin" in text
    assert "--email EMAIL where personal e-mail channels send" in text
