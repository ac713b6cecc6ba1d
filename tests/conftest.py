"""Shared fixtures: users per role, signed-in clients, and the gates for PostgreSQL/Redis.

Tests marked ``postgres`` run only when the suite's database is PostgreSQL (``make test``
runs a second pass with ``DATABASE_URL`` when ``CI=true`` or PostgreSQL answers).
Tests marked ``redis`` need Redis; under ``CI=true`` a missing Redis is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        from django.conf import settings

        vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    except Exception:  # noqa: BLE001 - pure tests may run with `-p no:django`
        vendor = "none"
    redis_up = _answers("127.0.0.1", 6379)
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: runs in the PostgreSQL pass of `make test` "
                    "(CI=true, or when PostgreSQL answers on 127.0.0.1:5432)"
                )
            )
        if "redis" in item.keywords and not redis_up and not IN_CI:
            item.add_marker(pytest.mark.skip(reason="needs Redis on 127.0.0.1:6379"))
        if "browser" in item.keywords and not os.path.exists(_chromium()) and not IN_CI:
            item.add_marker(pytest.mark.skip(reason="needs Debian's chromium (/usr/bin/chromium)"))


def _chromium() -> str:
    return os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _test_settings(request: pytest.FixtureRequest) -> None:
    """Connectors in tests talk to local servers on 127.0.0.1; passwords hash fast.

    Skipped when pure tests run without pytest-django (``-p no:django``).
    """
    try:
        settings = request.getfixturevalue("settings")
    except pytest.FixtureLookupError:
        return
    settings.ALLOW_PRIVATE_FETCH = True
    settings.HTTP_PER_HOST_INTERVAL_MS = 0
    settings.HTTP_RETRIES = 0
    # Hashing passwords properly costs ~200 ms per user; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _installation_language() -> Any:
    """A request's language (LocaleMiddleware activates it) stays active on the test thread
    afterwards; each test starts again in the installation's language."""
    yield
    # Pure tests run without Django settings: nothing was activated there.
    with contextlib.suppress(Exception):
        from django.utils import translation

        translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_analysis_state() -> Any:
    """Each test starts with empty in-memory reprint and story indexes (warmed from its DB)."""
    try:
        from vigil.analysis.runtime import reset_runtime
    except Exception:  # noqa: BLE001 - pure tests without Django
        yield
        return
    reset_runtime()
    yield
    reset_runtime()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from vigil.accounts.services import create_user

    counter = {"n": 0}

    def make(role: str = "Viewer", username: str | None = None, **kwargs: Any) -> Any:
        counter["n"] += 1
        name = username or f"{role.lower().replace(' ', '_')}{counter['n']}"
        return create_user(name, "correct-horse-battery-staple", role=role, **kwargs)

    return make


@pytest.fixture
def client_for(client: Any, make_user: Callable[..., Any]) -> Callable[[str], Any]:
    """A test client signed in as a new user of the given role."""
    from django.test import Client

    def make(role: str) -> Any:
        user = make_user(role)
        c = Client(enforce_csrf_checks=False)
        c.force_login(user)
        c.user = user
        return c

    return make


@pytest.fixture
def chromium_path() -> str:
    return _chromium()


@pytest.fixture
def zh_hans_catalogue() -> Any:
    """The Chinese catalogue as `make messages` will compile it from tools/zh_hans.json, for
    tests of strings added since the committed .mo was last built."""
    import json
    from pathlib import Path
    from unittest import mock

    from django.utils import translation

    entries = json.loads((Path(__file__).parent.parent / "tools" / "zh_hans.json").read_text())
    # ngettext looks up (singular, form); Chinese has one form, and fill_po gives every form
    # the same translation.
    plurals = {(msgid, 0): text for msgid, text in entries.items()}
    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")._catalog._catalogs[0]
    with mock.patch.dict(catalog, {**entries, **plurals}):
        yield
