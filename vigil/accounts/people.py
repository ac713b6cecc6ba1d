"""How a person is named to other people: by full name where one is set, else by username.

One rule for screens and messages alike, so the alert page and the e-mail about it name the
same person the same way. Usernames stay what people type (on-call lists, the audit log's
filter) and what the audit log records.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = ["person_name"]


def person_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """``"Wei Li"`` for a user with a name, ``"李伟"`` for a Chinese one (family name first),
    ``"liwei"`` without one, ``""`` for nobody."""
    if user is None or not getattr(user, "pk", None):
        return ""
    first = str(getattr(user, "first_name", "") or "").strip()
    last = str(getattr(user, "last_name", "") or "").strip()
    if _CJK.search(first + last):
        # Chinese names put the family name first, without a space: 李伟, not "伟 李".
        return last + first
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


_CJK = re.compile("[\u3400-\u9fff]")
