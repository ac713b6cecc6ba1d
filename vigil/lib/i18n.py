"""A translation marker for modules that must not import Django (connectors, importers).

``gettext_noop`` returns its text unchanged; ``makemessages`` collects every literal passed
to a function of that name, so screens can translate the text later with ``gettext``.
"""

from __future__ import annotations

__all__ = ["gettext_noop"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (Django-free)."""
    return message
