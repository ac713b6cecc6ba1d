"""English pages draw their text, and its “quotes”, in a Latin font; Chinese pages keep a
Chinese font first, with full-width punctuation.

A trial's English bell read 'Channel “Broken hook” failed 3 times' with wide gaps around the
name: the stylesheet named Chinese fonts before any Latin one, so where Inter and Segoe UI are
missing (Linux, a Mac) a Chinese font drew the English text too."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

#: The width of an opening quote, in ems, in the page's own font.
QUOTE_WIDTH = """() => {
  const span = document.createElement("span");
  span.textContent = "\u201c";
  document.body.appendChild(span);
  const size = parseFloat(getComputedStyle(span).fontSize);
  return span.getBoundingClientRect().width / size;
}"""


def test_english_quotes_are_narrow_and_chinese_ones_full_width(live_server, chromium_path) -> None:  # noqa: ANN001
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        widths = {}
        for language in ("en", "zh-hans"):
            context = browser.new_context()
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            page.goto(live_server.url + "/login/")
            widths[language] = page.evaluate(QUOTE_WIDTH)
        browser.close()
    assert widths["en"] < 0.6, widths
    assert widths["zh-hans"] > 0.8, widths
