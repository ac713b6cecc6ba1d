"""The alerts API's router and the refusals its endpoints share, in one shape."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

from django.utils.translation import gettext as _
from ninja import Router

from vigil.alerts.services import AlertError, RuleError
from vigil.api import ApiError
from vigil.lib.i18n import say_problem

router = Router(tags=["alerts"])


#: Where the services' field names differ from the API's.
API_FIELDS = {"topic": "topic_id", "plan": "plan_id"}


def invalid(status: int, message: str, field: str = "", where: str = "body") -> ApiError:
    """An error that names the input at fault, in the shape of the 422 validation errors
    (``details: [{"loc", "msg", "type"}]``), so a client reads both the same way."""
    field = API_FIELDS.get(field, field)
    details = None
    if field:
        loc = ["body", "payload", field] if where == "body" else [where, field]
        details = [
            {"loc": loc, "msg": message, "type": "value_error", "message": f"{field}: {message}"}
        ]
    code = {400: "bad_request", 409: "conflict"}.get(status, "error")
    return ApiError(status, code, message, details)


def refused(exc: RuleError | AlertError) -> ApiError:
    error = invalid(400, str(exc), exc.field)
    problems = getattr(exc, "problems", None)
    if problems and error.details:
        # Conditions and routing: one detail per problem, down to the item at fault
        # (["body", "payload", "routing", "on_call", 0]), said as the 422 details say theirs.
        field = error.details[0]["loc"][-1]
        error.details = [
            {
                "loc": [*error.details[0]["loc"], *p["loc"]],
                "msg": p["msg"],
                "type": p["type"],
                "message": f"{'.'.join(str(x) for x in [field, *p['loc']])}: "
                + say_problem(p["problem"], _),
            }
            for p in problems
        ]
        # As the 422 answers say theirs: the lead-in, then each item with its whole path.
        said = "; ".join(d["message"] for d in error.details[:5])
        error.message = _("The request is not valid: %(problems)s") % {"problems": said}
    return error


def must_be_one_of(name: str, values: list[str]) -> ApiError:
    message = _("%(name)s must be one of: %(values)s") % {
        "name": name,
        "values": ", ".join(values),
    }
    return invalid(400, message, name, where="query")
