"""Mark matched spans in text for display, escaping everything else."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: list[tuple[int, int]] | None, limit: int = 0) -> SafeString:
    """``text`` with ``<mark>`` around each span; with ``limit``, a window around the first."""
    spans = sorted(spans or [])
    start_at, end_at = 0, len(text)
    if limit and len(text) > limit:
        first = spans[0][0] if spans else 0
        start_at = max(0, first - limit // 3)
        end_at = min(len(text), start_at + limit)
    out, cursor = [], start_at
    for start, end in spans:
        if end <= start_at or start >= end_at:
            continue
        start, end = max(start, cursor), min(end, end_at)
        if start < cursor:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:end_at]))
    prefix = "…" if start_at > 0 else ""
    suffix = "…" if end_at < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece is escaped


def highlighted(mention: Any, spans: dict[str, Any] | None, limit: int = 260) -> dict[str, Any]:
    """A mention with its title and (windowed) text marked, as the result lists show it."""
    spans = spans or {}
    return {
        "mention": mention,
        "title": highlight(mention.title, spans.get("title")),
        "text": highlight(mention.text, spans.get("text"), limit=limit),
    }
