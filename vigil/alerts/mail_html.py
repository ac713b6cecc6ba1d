"""An alert's e-mail as HTML: the message's own lines, laid out, with the level's colour.

Pure: it reads only the ``Message``. Every line of the plain text is kept and every link is
written out as its address, so the plain-text part a mail program builds from this HTML
(Apprise's) says what the plain message said, links included. Inline styles only: mail
programs drop style sheets.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigil.alerts.transports.base import Message

__all__ = ["LEVEL_COLOURS", "html_body"]

#: Background and text colour of each warning level's band, as the screens show the level.
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "I": ("#d92d20", "#ffffff"),
    "II": ("#f79009", "#ffffff"),
    "III": ("#eaaa08", "#1d2430"),
    "IV": ("#2e90fa", "#ffffff"),
}
_PLAIN = ("#1f4fd1", "#ffffff")  # a test message, a message without a level
_URL = re.compile(r"https?://[^\s<>\"]+")
#: The line with the reader's acknowledge link stands out: it is what stops the escalation.
ACK_PATH = "/alerts/ack/"
_CALLOUT = (
    "margin:4px 0 12px;padding:10px 12px;background:#eef4ff;border:1px solid #c7d7fe;"
    "border-radius:6px;font-weight:600"
)
#: A missed response target ("Overdue: …"): a trial's e-mail said it in the body's plain type.
_WARNING = (
    "margin:0 0 8px;padding:8px 12px;background:#fef3f2;border-left:4px solid #d92d20;"
    "color:#b42318;font-weight:600"
)
_FONT = "font-family:-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',sans-serif"


def _linked(text: str) -> str:
    """``text`` escaped, each address in it a link that reads as the address."""
    out, last = [], 0
    for found in _URL.finditer(text):
        url = found.group(0).rstrip(".,;:)）。，")
        end = found.start() + len(url)
        out.append(html.escape(text[last : found.start()]))
        # A signed link is one long word: it may break anywhere, or it ran past the card.
        out.append(
            f'<a href="{html.escape(url)}" style="color:#1f4fd1;word-break:break-all">'
            f"{html.escape(url)}</a>"
        )
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def _blocks(body: str, warning_line: str = "") -> list[str]:
    """The body's lines, each a block (not a paragraph: the plain part built from the HTML
    would put a blank line after each), with "- " lines as lists; an indented line goes on
    with the line before it (a digest's link under its alert)."""
    blocks: list[str] = []
    items: list[str] = []

    def close_list() -> None:
        if items:
            lis = "".join(f'<li style="margin:0 0 6px">{i}</li>' for i in items)
            blocks.append(f'<ul style="margin:0 0 12px;padding-left:20px">{lis}</ul>')
            items.clear()

    for line in body.splitlines():
        if not line.strip():
            close_list()
            continue
        if line[:1].isspace() and (items or blocks):
            if items:
                items[-1] += "<br>" + _linked(line.strip())
            else:
                said = blocks[-1].removesuffix("</div>")
                blocks[-1] = said + "<br>" + _linked(line.strip()) + "</div>"
            continue
        if line.startswith("- "):
            items.append(_linked(line[2:]))
            continue
        close_list()
        if ACK_PATH in line:
            style = _CALLOUT
        elif warning_line and line == warning_line:
            style = _WARNING
        else:
            style = "margin:0 0 8px"
        blocks.append(f'<div style="{style}">{_linked(line)}</div>')
    close_list()
    return blocks


def html_body(message: Message) -> str:
    """The HTML of ``message``: its title on the level's colour, then its lines, then the
    link to the alert in Vigil."""
    back, ink = LEVEL_COLOURS.get(message.level, _PLAIN)
    lang = f' lang="{html.escape(message.language)}"' if message.language else ""
    parts = [
        f'<div{lang} style="{_FONT};max-width:640px;color:#1d2430;font-size:14px;line-height:1.5;'
        # A long word that is not a link (a pasted address without its scheme) wraps too.
        'overflow-wrap:anywhere;word-break:break-word">',
        f'<div style="background:{back};color:{ink};padding:12px 16px;border-radius:6px 6px 0 0;'
        f'font-size:16px;font-weight:600">{html.escape(message.title)}</div>',
        '<div style="border:1px solid #e3e6eb;border-top:0;border-radius:0 0 6px 6px;'
        'padding:14px 16px">',
        *_blocks(message.body, message.warning_line),
    ]
    link = message.link_line or message.url
    if link:
        parts.append(f'<div style="margin:14px 0 0;font-weight:600">{_linked(link)}</div>')
    parts.append("</div></div>")
    return "".join(parts)  # no newlines between blocks: the plain part would keep them
