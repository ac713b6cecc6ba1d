"""Account verbs: users with roles, API tokens, preferences, the first administrator."""

from __future__ import annotations

import secrets
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from vigil.accounts.audit import record_audit
from vigil.accounts.models import ApiToken, Department, Profile
from vigil.accounts.roles import ADMINISTRATOR, ROLE_NAMES, ensure_roles

TOKEN_PREFIX = "vgl_"  # noqa: S105 - a prefix that marks Vigil tokens, not a secret


class AccountError(ValueError):
    """A request about accounts that cannot be carried out, with a message for the user."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once; only its digest is stored


def profile_of(user: User) -> Profile:
    """The user's profile, created on first use."""
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"timezone": settings.TIME_ZONE})
    return profile


@transaction.atomic
def create_user(
    username: str,
    password: str,
    *,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
    timezone_name: str | None = None,
    language: str = "",
    actor: User | None = None,
) -> User:
    """Create a user in one role (a group); administrators also get the admin site.

    The time zone defaults to the installation's (``VIGIL_TIME_ZONE``), so everyone sees
    the same clock until they choose another."""
    if role not in ROLE_NAMES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLE_NAMES)}")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"a user named {username!r} already exists")
    if not Group.objects.filter(name=role).exists():
        ensure_roles()
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    if role == ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    user.groups.add(Group.objects.get(name=role))
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "department": department,
            "timezone": timezone_name or settings.TIME_ZONE,
            "language": language,
        },
    )
    record_audit(actor, "user.created", user, after={"username": username, "role": role})
    return user


def _is_last_administrator(user: User) -> bool:
    others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    return user.is_superuser and not others.exists()


def check_account_change(user: User, *, role: str, is_active: bool) -> None:
    """Refuse a change that would leave the installation without an active administrator
    (nobody could then manage users); raises AccountError with a message for the user."""
    if user.pk is None or not _is_last_administrator(user):
        return
    if role != ADMINISTRATOR or not is_active:
        raise AccountError(
            gettext(
                "%(name)s is the only active administrator: make someone else an "
                "administrator first."
            )
            % {"name": user.get_username()}
        )


@transaction.atomic
def set_role_and_department(
    user: User,
    *,
    role: str,
    department: Department | None,
    actor: User | None = None,
    before: dict[str, object] | None = None,
) -> User:
    """Give a user exactly one role and a department (the admin site's user page).

    An administrator gets the admin site (staff and superuser); any other role loses it,
    so the role shown is the role that applies. ``before`` is the user's state before an
    edit made elsewhere (active, e-mail), so the audit entry shows the whole change."""
    if role not in ROLE_NAMES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLE_NAMES)}")
    check_account_change(user, role=role, is_active=user.is_active)
    if not Group.objects.filter(name=role).exists():
        ensure_roles()
    profile = profile_of(user)
    old = {
        "role": ", ".join(roles_of(user)),
        "department": profile.department.code if profile.department else None,
        **(before or {}),
    }
    user.groups.set([Group.objects.get(name=role)])
    is_admin = role == ADMINISTRATOR
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    if profile.department != department:
        profile.department = department
        profile.save(update_fields=["department"])
    new = {"role": role, "department": department.code if department else None}
    new.update({k: getattr(user, k) for k in (before or {})})
    if new != old:
        record_audit(actor, "user.updated", user, before=old, after=new)
    return user


def roles_of(user: User) -> list[str]:
    names = set(user.groups.values_list("name", flat=True))
    return [r for r in ROLE_NAMES if r in names]


@transaction.atomic
def issue_api_token(user: User, name: str = "default") -> IssuedToken:
    """Create a token for the API; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:80] or "default", prefix=raw[:10], digest=ApiToken.digest_of(raw)
    )
    record_audit(user, "api_token.issued", token, after={"name": token.name})
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def reset_password(user: User, password: str, *, actor: User | None = None) -> None:
    """Give ``user`` a new password (a lost one cannot be read back, only replaced).

    The password must pass the installation's password rules; the audit log records that
    it was reset and by whom, never the password.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(str(m) for m in exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_audit(actor, "user.password_reset", user)


@transaction.atomic
def revoke_api_token(user: User, token_id: int) -> None:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise AccountError(gettext("There is no such token (already revoked?)."))
    record_audit(user, "api_token.revoked", token, before={"name": token.name})
    token.delete()


def token_for(raw: str) -> ApiToken | None:
    """The token of an active user that a raw API token is, or None; a caller that records
    what a request did (a pushed batch) says which token sent it."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write the last-use time at most once a minute: a busy client must not turn
    # every read into a write on SQLite.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a raw API token belongs to, or None."""
    token = token_for(raw)
    return token.user if token is not None else None


@transaction.atomic
def update_preferences(
    user: User,
    *,
    timezone_name: str,
    language: str,
    email: str | None = None,
    actor: User | None = None,
) -> Profile:
    """Change a user's time zone, language and (when given) e-mail address, refusing
    unknown zones. The address is where personal e-mail channels send alerts."""
    if timezone_name not in zoneinfo.available_timezones():
        raise AccountError(gettext("unknown time zone “%(zone)s”") % {"zone": timezone_name})
    if language not in ("", "en", "zh-hans"):
        raise AccountError(gettext("unsupported language “%(language)s”") % {"language": language})
    profile = profile_of(user)
    before = {"timezone": profile.timezone, "language": profile.language, "email": user.email}
    profile.timezone = timezone_name
    profile.language = language
    profile.save(update_fields=["timezone", "language"])
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    record_audit(
        actor or user,  # an administrator on the admin site, else the person themselves
        "profile.updated",
        profile,
        before=before,
        after={"timezone": timezone_name, "language": language, "email": user.email},
    )
    return profile


def ensure_first_admin(password: str | None = None, username: str = "admin") -> str | None:
    """Create the first administrator when there is none; return its password once.

    Returns None when an administrator already exists. The password is ``password``
    (e.g. from VIGIL_ADMIN_PASSWORD) or a random one that the caller prints once.
    """
    if User.objects.filter(is_superuser=True).exists():
        return None
    chosen = password or secrets.token_urlsafe(12)
    # No made-up address: personal e-mail channels then say the profile lacks one instead
    # of "sending" to a mailbox that cannot exist.
    create_user(username, chosen, role=ADMINISTRATOR, email="")
    return chosen
