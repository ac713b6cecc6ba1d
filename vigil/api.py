"""The REST API under /api/ (django-ninja): auth, error bodies, and the routers of each app.

Errors always have the body ``{"error": {"code", "message", "details"}}``: ``code`` is a
stable English word for programs, ``message`` is for people and is in the request's language
(LocaleMiddleware runs for /api/ too: ``Accept-Language``, or the language cookie). Clients
authenticate with ``Authorization: Bearer <token>`` (tokens from the profile page or
``vigil createadmin --token``) or, from the web UI, with the session cookie and CSRF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from vigil import __version__
from vigil.accounts.audit import acting_through_token
from vigil.accounts.roles import roles_with, said_together
from vigil.accounts.services import token_for
from vigil.api_schema import add_error_responses
from vigil.lib.i18n import problem_of, say_problem
from vigil.lib.logs import refusal_line


def _check_permission(
    user: Any, perm: str | None, check: Callable[[Any], None] | None = None
) -> Any:
    # Raised inside authentication, so a caller without the permission gets 403 before
    # the request body is even parsed: a Viewer learns nothing from validation errors.
    if perm and not user.has_perm(perm):
        roles = roles_with(perm)
        # Who may, not only the code: a trial's Viewer read "alerts.change_alert" and no more.
        said = (
            _("Your role may not do this; only %(roles)s may (permission needed: %(perm)s).")
            % {"roles": said_together(roles), "perm": perm}
            if roles
            else _("You need the permission “%(perm)s” for this.") % {"perm": perm}
        )
        refusal = PermissionDenied(said)
        refusal.needs = perm  # type: ignore[attr-defined]  # for the log line, in English
        raise refusal
    if check is not None:
        check(user)  # a rule no single permission says (who may flag), raising its refusal
    return user


class BearerToken(HttpBearer):
    def __init__(self, perm: str | None = None, check: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self.perm = perm
        self.check = check

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token)
        if found is None:
            return None
        request.user = found.user
        acting_through_token(str(found))  # the audit log names the token beside its owner
        return _check_permission(found.user, self.perm, self.check)


class SessionWithCsrf(APIKeyCookie):
    """The web UI's session; unsafe methods also need the CSRF token (ninja checks it)."""

    param_name = "sessionid"

    def __init__(self, perm: str | None = None, check: Callable[[Any], None] | None = None) -> None:
        super().__init__(csrf=True)
        self.perm = perm
        self.check = check

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there are no ambient credentials to protect: the caller
        # is simply not authenticated (401), not refused a CSRF check (ninja answered 403
        # "CSRF check Failed" to a script that forgot its token).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "The CSRF token is missing or wrong: send X-CSRFToken with the session "
                    "cookie, or use an API token."
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return _check_permission(user, self.perm, self.check)


def requires(perm: str | None = None, check: Callable[[Any], None] | None = None) -> list[Any]:
    """Authentication for an endpoint, optionally with one permission (``app.codename``) or a
    ``check(user)`` that raises ``PermissionDenied``; both run before the body is parsed."""
    return [BearerToken(perm, check), SessionWithCsrf(perm, check)]


class VigilAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's spec, with the error answers every operation may give and the alert
        rules' conditions and routing (free JSON in the bodies) by kind."""
        from vigil.alerts.schemas import describe_rule_bodies

        schema = super().get_openapi_schema(**kwargs)
        describe_rule_bodies(schema)
        return add_error_responses(schema)


api = VigilAPI(
    title="Vigil API",
    version=__version__,
    description="Enterprise public-opinion monitoring and response. Errors: "
    '`{"error": {"code", "message", "details"}}`.',
    auth=requires(),
    urls_namespace="api",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details}}, status=status
    )


class ApiError(Exception):
    """An error answered with its own stable code, for causes a client can act on."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    response = error_response(request, 403, "forbidden", str(exc) or _("You may not do this."))
    # One line with who and why, as for screens; Django would add a bare "Forbidden: /api/…".
    needs = getattr(exc, "needs", None)
    reason = f"needs the permission {needs}" if needs else "no permission"
    line, args = refusal_line(request, reason)
    logging.getLogger("django.request").warning(line, *args)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or _("Not found."))


_SOURCES = {"body", "query", "path", "form", "header", "cookie", "file"}


def _field_name(loc: list[Any]) -> str:
    """``["body", "payload", "routing", "channels", 0]`` → ``routing.channels.0``."""
    rest = list(loc)
    if rest and rest[0] in _SOURCES:
        rest = rest[1:]
        if len(rest) > 1:  # ninja names the schema parameter before the field
            rest = rest[1:]
    return ".".join(str(part) for part in rest)


def _problem(error: dict[str, Any]) -> str:
    """One validation error in the reader's language: ``level: must be text``."""
    text = say_problem(problem_of(error), _)
    field = _field_name(error.get("loc") or [])
    return f"{field}: {text}" if field else text


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [{**error, "message": _problem(error)} for error in exc.errors]
    shown = "; ".join(d["message"] for d in details[:5]) + ("; …" if len(details) > 5 else "")
    message = _("The request is not valid: %(problems)s") % {"problems": shown}
    return error_response(request, 422, "invalid", message, details)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.MAX_REQUEST_BYTES
    message = _(
        "The request body is larger than %(limit)s MB, the most Vigil reads at once: send "
        "fewer items per request (or raise VIGIL_MAX_REQUEST_BYTES)."
    ) % {"limit": f"{limit / 1024 / 1024:g}"}
    return error_response(request, 413, "too_large", message)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }
    message = str(exc)
    if message == "Cannot parse request body":  # ninja's words for a body that is not JSON
        message = _("The request body is not valid JSON.")
    return error_response(request, exc.status_code, codes.get(exc.status_code, "error"), message)


@api.exception_handler(Exception)
def _internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: the API's error body, not Django's HTML 500 page, and no traceback to
    the caller; the traceback goes to the log, as Django's own handler would write it."""
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    message = _("Something went wrong on the server; the error was logged for the administrator.")
    response = error_response(request, 500, "internal", message)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class JsonErrorsMiddleware:
    """Unknown paths and methods under /api/ answer with the API's error body too.

    They never reach ninja's exception handlers: Django's URL resolver answers an unknown
    path with the HTML 404 page, and ninja answers a method a path does not take with a bare
    405. A client should get one error shape from every /api/ URL.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            message = _("There is no API endpoint at %(path)s; see /api/docs.") % {
                "path": request.path
            }
            return error_response(request, 404, "not_found", message)
        allowed = response.get("Allow", "")
        message = _("%(method)s is not allowed here; this endpoint takes %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        answer = error_response(request, 405, "method_not_allowed", message)
        answer["Allow"] = allowed
        return answer


def get_or_404(source: type[models.Model] | models.QuerySet[Any], pk: int) -> Any:
    """The row (of a model, or of a queryset with its joins), or a 404 whose message names
    the thing in the request's language.

    Django's ``get_object_or_404`` says "No AlertRule matches the given query." in English
    whatever the caller's language, naming a Python class instead of the thing.
    """
    rows = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    row = rows.filter(pk=pk).first()
    if row is None:
        raise Http404(
            _("there is no %(thing)s with id %(id)s")
            % {"thing": rows.model._meta.verbose_name, "id": pk}
        )
    return row


def require_perm(request: HttpRequest, perm: str) -> None:
    """Raise 403 unless the caller holds ``perm`` (for checks that depend on the object)."""
    _check_permission(request.user, perm)


def _add_routers() -> None:
    from vigil.accounts.api import router as accounts_router
    from vigil.alerts.api import router as alerts_router
    from vigil.analysis.api import router as analysis_router
    from vigil.mentions.api import router as mentions_router
    from vigil.monitoring.api import router as monitoring_router
    from vigil.sources.api import ingest_router
    from vigil.sources.api import router as sources_router
    from vigil.web.api import router as system_router

    api.add_router("/", system_router)
    api.add_router("/", accounts_router)
    api.add_router("/mentions", mentions_router)
    api.add_router("/sources", sources_router)
    api.add_router("/", ingest_router)
    api.add_router("/", monitoring_router)
    api.add_router("/", analysis_router)
    api.add_router("/alerts", alerts_router)


_add_routers()
