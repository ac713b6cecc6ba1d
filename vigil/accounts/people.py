"""How a person is named to other people: by full name where one is set, else by username.

One rule for screens and messages alike, so the alert page and the e-mail about it name the
same person the same way. Usernames stay what people type (on-call lists, the audit log's
filter) and what the audit log records.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = ["person_name"]


def person_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """``"Li Wei"`` for a user with a name, ``"liwei"`` without one, ``""`` for nobody."""
    if user is None or not getattr(user, "pk", None):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())
