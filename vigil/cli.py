"""The ``vigil`` command: run, migrate, createadmin, token, password, demo, collect, and the
worker/beat/query/eval/bench/detect/analyze/train commands that the apps register.

Commands that touch the database call ``setup_django()`` themselves, so pure commands
(``vigil query check``, ``vigil eval spikes`` …) start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import logging
import os
import secrets
import signal
import sys
import threading
from typing import Any

from vigil import __version__

log = logging.getLogger("vigil")

# Apps that add subcommands: each module exposes register(subparsers).
COMMAND_MODULES = [
    "vigil.pipeline.commands",
    "vigil.monitoring.commands",
    "vigil.alerts.commands",
    "vigil.alerts.commands_bench",
    "vigil.analysis.commands",
    "vigil.analysis.commands_extra",
    "vigil.sources.commands",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()


class _SharedSubparsers:
    """Lets several apps add to one parent command (``vigil eval spikes``, ``vigil eval
    sentiment``): asking twice for a parser returns the first, and its nested
    subparsers object is shared too."""

    def __init__(self, action: Any) -> None:
        self._action = action
        self._parsers: dict[str, argparse.ArgumentParser] = {}

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if name in self._parsers:
            return self._parsers[name]
        parser = self._action.add_parser(name, **kwargs)
        original = parser.add_subparsers
        shared: dict[str, _SharedSubparsers] = {}

        def add_subparsers(**sub_kwargs: Any) -> _SharedSubparsers:
            if "it" not in shared:
                sub_kwargs.setdefault("metavar", "COMMAND")
                shared["it"] = _SharedSubparsers(original(**sub_kwargs))
            return shared["it"]

        parser.add_subparsers = add_subparsers
        self._parsers[name] = parser
        return parser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)


def _port(text: str) -> int:
    """A TCP port for --port: a whole number from 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (1-65535)")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil", description="Vigil — public-opinion monitoring and response (舆情监测与处置)."
    )
    parser.add_argument("--version", action="version", version=f"vigil {__version__}")
    subparsers = _SharedSubparsers(parser.add_subparsers(dest="command", metavar="COMMAND"))

    run = subparsers.add_parser("run", help="serve the web UI and API (and, embedded, the workers)")
    # Defaults come from VIGIL_HOST / VIGIL_PORT, checked with the other settings.
    run.add_argument("--host", default=None, help="default: VIGIL_HOST, else 127.0.0.1")
    run.add_argument("--port", type=_port, default=None, help="default: VIGIL_PORT, else 8000")
    run.add_argument(
        "--web-only",
        action="store_true",
        help="serve web and API only (scale mode: workers run as `vigil worker`)",
    )
    run.add_argument(
        "--no-demo",
        action="store_true",
        help="do not load the demo workspace (scale mode never loads it; `vigil demo load` does)",
    )
    run.add_argument("--threads", type=int, default=8, help="web server threads")
    run.set_defaults(func=cmd_run)

    migrate = subparsers.add_parser("migrate", help="create or upgrade the database")
    migrate.set_defaults(func=cmd_migrate)

    admin = subparsers.add_parser("createadmin", help="create an administrator")
    admin.add_argument("--username", default="admin", help="default: admin")
    admin.add_argument(
        "--password",
        default=None,
        help="default: VIGIL_ADMIN_PASSWORD, else a random one printed once",
    )
    admin.add_argument(
        "--email", default="", help="where personal e-mail channels send this user's alerts"
    )
    admin.add_argument("--token", action="store_true", help="also issue an API token")
    admin.set_defaults(func=cmd_createadmin)

    token = subparsers.add_parser("token", help="issue an API token for an existing user")
    token.add_argument("username")
    token.add_argument("--name", default="cli", help="a label to recognise the token by")
    token.set_defaults(func=cmd_token)

    password = subparsers.add_parser(
        "password", help="set a new password for a user (a lost one cannot be read back)"
    )
    password.add_argument("username")
    password.add_argument(
        "--password", default=None, help="the new password (default: a random one printed once)"
    )
    password.set_defaults(func=cmd_password)

    demo = subparsers.add_parser("demo", help="the demo workspace")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="COMMAND")
    demo_load = demo_sub.add_parser("load", help="create the demo company, users and replay source")
    demo_load.add_argument(
        "--password",
        default=os.environ.get("VIGIL_DEMO_PASSWORD"),
        help="password for every demo user (default: random, printed)",
    )
    demo_load.add_argument(
        "--speed",
        type=int,
        default=None,
        help="scenario minutes per real minute (default VIGIL_DEMO_SPEED)",
    )
    demo_load.set_defaults(func=cmd_demo_load)

    collect = subparsers.add_parser("collect", help="fetch sources now")
    collect.add_argument("--once", action="store_true", help="fetch every active source once")
    collect.add_argument("--source", default=None, help="only this source (by name)")
    collect.set_defaults(func=cmd_collect)

    for module_name in COMMAND_MODULES:
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        # A group without its subcommand (`vigil demo`): show that group's help.
        with contextlib.suppress(SystemExit):  # argparse exits 0 after help; this is a mistake
            parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "--help"])
        return 2
    from django.core.exceptions import ImproperlyConfigured

    from vigil.lib.env import EnvError

    try:
        return int(func(args) or 0)
    except (EnvError, ImproperlyConfigured) as exc:
        # A bad setting: one line naming the variable, not a traceback.
        print(f"vigil: {exc}", file=sys.stderr)
        return 2


# --- commands ---------------------------------------------------------------------------
def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    setup_django()

    from vigil.accounts.roles import ADMINISTRATOR
    from vigil.accounts.services import AccountError, create_user, issue_api_token

    password: str = args.password or os.environ.get("VIGIL_ADMIN_PASSWORD") or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    try:
        user = create_user(args.username, password, role=ADMINISTRATOR, email=args.email)
    except AccountError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 1
    print(f"administrator created: {user.get_username()}")
    if generated:
        print(f"password (shown once): {password}")
    if args.token:
        print(f"API token (shown once): {issue_api_token(user, 'cli').raw}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """A token for scripts (pushing items, the alerts API) without a browser session."""
    setup_django()

    from django.contrib.auth.models import User

    from vigil.accounts.services import issue_api_token

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"vigil: no active user named {args.username!r}", file=sys.stderr)
        return 1
    print(
        f"API token for {user.get_username()} (shown once): {issue_api_token(user, args.name).raw}"
    )
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    """Reset a password from the server's shell: the way back in when the admin's is lost."""
    setup_django()

    from django.contrib.auth.models import User

    from vigil.accounts.services import AccountError, reset_password

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"vigil: no user named {args.username!r}", file=sys.stderr)
        return 1
    new = args.password or secrets.token_urlsafe(12)
    try:
        reset_password(user, new)
    except AccountError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        return 1
    print(f"password of {user.get_username()} reset")
    if not args.password:
        print(f"new password (shown once): {new}")
    if not user.is_active:
        print("note: this user is deactivated and cannot sign in until reactivated")
    return 0


def _print_demo_report(report: Any) -> None:
    print(f"demo workspace: {report.company}")
    if report.users:
        print("demo users (passwords shown once):")
        for username, password in report.users.items():
            print(f"  {username:<10} {password}")
    if report.already_loaded:
        print("the demo source already exists; nothing else to do")
    elif report.source_created:
        print(f"demo monitoring plan: {report.topics} topics, {report.rules} alert rules")
        print("demo source created: mentions arrive as the scenario replays")


def cmd_demo_load(args: argparse.Namespace) -> int:
    setup_django()
    from vigil.demo.services import load_demo

    _print_demo_report(load_demo(password=args.password, speed=args.speed))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    setup_django()
    from vigil.pipeline.services import process_pending
    from vigil.sources.models import Source
    from vigil.sources.services import collect_sources

    sources = Source.objects.filter(is_active=True)
    if args.source:
        sources = Source.objects.filter(name=args.source)
        if not sources.exists():
            print(f"vigil: no source named {args.source!r}", file=sys.stderr)
            return 2
    reports = collect_sources(list(sources))
    for report in reports:
        print(report.line())
    processed = process_pending(max_batches=10_000)
    print(
        f"pipeline: new_mentions={processed.new_mentions} duplicates={processed.duplicates} "
        f"failed={processed.failed}"
    )
    return 1 if reports and all(r.error for r in reports) else 0


def _first_start() -> None:
    """Migrate, create the first admin and load the demo when the database is empty."""
    from django.core.management import call_command

    from vigil.accounts.services import ensure_first_admin

    call_command("migrate", interactive=False, verbosity=0)
    password = ensure_first_admin(os.environ.get("VIGIL_ADMIN_PASSWORD"))
    if password is not None:
        shown = (
            "(from VIGIL_ADMIN_PASSWORD)" if os.environ.get("VIGIL_ADMIN_PASSWORD") else password
        )
        print(f"\n  First administrator created — username: admin  password: {shown}\n")


def _database_is_empty() -> bool:
    from vigil.mentions.models import Mention
    from vigil.sources.models import Source

    return not Source.objects.exists() and not Mention.objects.exists()


def cmd_run(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from waitress.server import create_server  # type: ignore[import-untyped]

    from vigil.wsgi import application

    logging.basicConfig(level=settings.LOG_LEVEL)
    host = args.host or settings.RUN_HOST
    port = args.port or settings.RUN_PORT
    if not os.environ.get("VIGIL_BASE_URL", "").strip():
        # `--port 8611` must not leave e-mailed links pointing at the default port.
        from vigil.lib.env import local_base_url

        settings.BASE_URL = local_base_url(host, port)
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    _first_start()
    # The demo is for trying Vigil on one machine; a scale-mode installation is a real one
    # (a trial's `--web-only` start put five demo logins and rules into production).
    embedded = not args.web_only and settings.TASK_MODE == "embedded"
    if embedded and not args.no_demo and _database_is_empty():
        from vigil.demo.services import load_demo

        _print_demo_report(load_demo(password=os.environ.get("VIGIL_DEMO_PASSWORD")))

    # Listen before starting the workers, so a taken port stops start-up with one line.
    try:
        server = create_server(application, host=host, port=port, threads=args.threads)
    except (OSError, ValueError) as exc:
        print(
            f"vigil: cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc} "
            "(is another Vigil running? choose another with --port or VIGIL_PORT)",
            file=sys.stderr,
        )
        return 2
    runner = None
    if embedded:
        from vigil.pipeline.embedded import EmbeddedRunner

        runner = EmbeddedRunner(workers=settings.WORKER_THREADS)
        runner.start()
    stop = threading.Event()

    def shutdown(signum: int, frame: Any) -> None:
        if stop.is_set():
            return
        stop.set()
        print("\nstopping: finishing running tasks …", flush=True)
        server.close()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    mode = "web only" if args.web_only else settings.TASK_MODE
    print(
        f"Vigil {__version__} serving on http://{host}:{port}/ ({mode}; "
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}) — Ctrl-C stops",
        flush=True,
    )
    try:
        server.run()
    except (OSError, ValueError):
        if not stop.is_set():
            raise
    finally:
        if runner is not None:
            runner.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
