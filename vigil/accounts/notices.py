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

__all__ = ["notice_text", "said_again", "say_notice"]

_SAYERS: dict[str, Callable[[Mapping[str, Any]], str]] = {}


def say_notice(code: str, sayer: Callable[[Mapping[str, Any]], str]) -> None:
    """Register how notices of ``code`` are said (in the active language) from their params."""
    _SAYERS[code] = sayer


def notice_text(notice: SystemNotice) -> str:
    """The notice in the active language; its stored text when it cannot be said again."""
    return said_again(notice.code, notice.params, notice.message)


def said_again(code: str, params: Mapping[str, Any] | None, stored: str) -> str:
    """A notice of ``code`` (a system notice, or the bell's copy of one) in the active
    language; ``stored`` when nobody registered the code or it has no parameters."""
    sayer = _SAYERS.get(code)
    if sayer is None or not params:
        return stored
    return sayer(params)
