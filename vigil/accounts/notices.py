"""System notices said in the reader's language.

A notice is stored with its text written once in the installation's language and, beside it,
its code and parameters. The app that raises a code registers how to say it (``say_notice``
in its ``AppConfig.ready``), so the notice reads in whoever's language opens it; rows from
before parameters, and codes nobody registered, show their stored text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vigil.accounts.models import SystemNotice

__all__ = ["notice_text", "say_notice"]

_SAYERS: dict[str, Callable[[Mapping[str, Any]], str]] = {}


def say_notice(code: str, sayer: Callable[[Mapping[str, Any]], str]) -> None:
    """Register how notices of ``code`` are said (in the active language) from their params."""
    _SAYERS[code] = sayer


def notice_text(notice: SystemNotice) -> str:
    """The notice in the active language; its stored text when it cannot be said again."""
    sayer = _SAYERS.get(notice.code)
    if sayer is None or not notice.params:
        return notice.message
    return sayer(notice.params)
