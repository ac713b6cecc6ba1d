"""Profile (time zone, language, API tokens) and the audit log screen."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from vigil.accounts.audit import read_in_readers_language
from vigil.accounts.forms import AuditFilterForm, PreferencesForm, TokenForm
from vigil.accounts.models import AuditEntry
from vigil.accounts.roles import ROLE_LABELS
from vigil.accounts.services import (
    AccountError,
    issue_api_token,
    profile_of,
    revoke_api_token,
    roles_of,
    update_preferences,
)
from vigil.web.decorators import perm_required


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below all require one)."""
    return cast(User, request.user)


def keep_chosen_language(user: User, language: str) -> None:
    """Store a language chosen with the switch as the user's own, when it differs.

    A trial's responder switched to 简体中文 in the header (or on the sign-in page), read every
    screen in Chinese, and got her alert and escalation e-mails in English: they follow the
    profile's language, which the switch left at "Browser default" (the profile page then
    even said English under a Chinese menu). The switch is how people say which language
    they read, so their messages follow it too; the profile page still changes it."""
    if language not in dict(settings.LANGUAGES):
        return
    prof = profile_of(user)
    if prof.language != language:
        update_preferences(user, timezone_name=prof.timezone, language=language)


def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch (the menu's, the sign-in page's): Django's, and for someone signed
    in also their profile's language, which their e-mails and messages follow."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        keep_chosen_language(_user(request), request.POST.get("language", ""))
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    prof = profile_of(_user(request))
    form = PreferencesForm(
        request.POST or None,
        initial={
            "timezone": prof.timezone,
            "language": prof.language,
            "email": _user(request).email,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_preferences(
                _user(request),
                timezone_name=form.cleaned_data["timezone"],
                language=form.cleaned_data["language"],
                email=form.cleaned_data["email"],
            )
        except AccountError as exc:
            messages.error(request, str(exc))
        else:
            # Said in the language just chosen: the next page is shown in it.
            with translation.override(form.cleaned_data["language"] or get_language()):
                messages.success(request, _("Preferences saved."))
            response = redirect("accounts:profile")
            if form.cleaned_data["language"]:
                response.set_cookie("django_language", form.cleaned_data["language"])
            return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": _user(request).api_tokens.all(),
            "roles": [ROLE_LABELS[r] for r in roles_of(_user(request))],
            "profile": prof,
            # In the reader's language: 公关部 rather than "Public Relations" in Chinese.
            "department_name": (
                prof.department.display_name(get_language() or "") if prof.department else ""
            ),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def new_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        issued = issue_api_token(_user(request), form.cleaned_data["name"])
        # Shown once on the next page and never again.
        request.session["new_token"] = issued.raw
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        revoke_api_token(_user(request), token_id)
        messages.success(request, _("Token revoked."))
    except AccountError as exc:
        messages.error(request, str(exc))
    return redirect("accounts:profile")


@perm_required("accounts.view_auditentry")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["actor"]:
            entries = entries.filter(actor_label__iexact=data["actor"].strip())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # iterated twice: once for the names
    read_in_readers_language(page.object_list)
    object_types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "accounts/audit.html",
        {
            "form": form,
            "page": page,
            "object_types": sorted(set(object_types)),
        },
    )
