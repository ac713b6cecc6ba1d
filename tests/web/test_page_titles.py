"""Every screen's browser-tab title is plain text: a template block left open once put a
whole card of HTML into the title of the rules page."""

from __future__ import annotations

import re

import pytest

from tests.accounts.test_enforce_permissions import _screen_urls

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def test_every_screen_has_a_plain_short_title(client_for) -> None:
    admin = client_for("Administrator")
    checked = 0
    for url in _screen_urls():
        response = admin.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        if "<html" not in page:
            continue  # an htmx fragment (the bell, a table row), not a screen
        found = TITLE.search(page)
        assert found, url
        title = found.group(1).strip()
        assert "<" not in title and len(title) < 120, (url, title[:200])
        checked += 1
    assert checked >= 15  # the walk reached the screens
