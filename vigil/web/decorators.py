"""View guards: anonymous users go to the login page, signed-in users without the
permission get 403."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def perm_required(perm: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # The reason goes to the log line of the refusal (vigil.lib.logs), for whoever
            # reads it to see which permission was missing; the 403 page says it in words.
            if not request.user.has_perm(perm):
                raise PermissionDenied(f"needs the permission {perm}")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate
