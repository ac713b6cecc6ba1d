"""Translation helpers for modules that must not import Django (connectors, importers).

``gettext_noop`` returns its text unchanged; ``makemessages`` collects every literal passed
to a function of that name, so screens can translate the text later with ``gettext``.

Validation errors are said the same way: a validator raises ``Problem`` (an English template
marked with ``gettext_noop``, and its parameters), ``problem_of`` turns a pydantic error into
a JSON-safe problem that can be stored, and ``say_problem`` says it with the ``gettext`` it is
given, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["PYDANTIC_SAYS", "Problem", "gettext_noop", "problem_of", "say_problem"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (Django-free)."""
    return message


class Problem(ValueError):
    """A validation error to be said in the reader's language: ``template`` is English,
    marked with ``gettext_noop`` and formatted with ``%(name)s`` parameters; ``str()`` is the
    English text (pydantic quotes it in its own message)."""

    def __init__(self, template: str, **params: str | int | float) -> None:
        super().__init__(template % params if params else template)
        self.template = template
        self.params = params


#: Pydantic's error types, said for people (pydantic's own ``msg`` stays for programs).
PYDANTIC_SAYS: dict[str, str] = {
    "missing": gettext_noop("required"),
    "string_type": gettext_noop("must be text"),
    "int_type": gettext_noop("must be a whole number"),
    "int_parsing": gettext_noop("must be a whole number"),
    "int_from_float": gettext_noop("must be a whole number"),
    "float_type": gettext_noop("must be a number"),
    "float_parsing": gettext_noop("must be a number"),
    "bool_type": gettext_noop("must be true or false"),
    "bool_parsing": gettext_noop("must be true or false"),
    "literal_error": gettext_noop("must be one of %(expected)s"),
    "enum": gettext_noop("must be one of %(expected)s"),
    "string_too_short": gettext_noop("must be at least %(min_length)s characters long"),
    "string_too_long": gettext_noop("must be at most %(max_length)s characters long"),
    "string_pattern_mismatch": gettext_noop("is not in the expected form"),
    "too_short": gettext_noop("must have at least %(min_length)s items"),
    "too_long": gettext_noop("must have at most %(max_length)s items"),
    "greater_than_equal": gettext_noop("must be at least %(ge)s"),
    "less_than_equal": gettext_noop("must be at most %(le)s"),
    "greater_than": gettext_noop("must be more than %(gt)s"),
    "less_than": gettext_noop("must be less than %(lt)s"),
    "datetime_type": gettext_noop("must be a date and time (ISO 8601)"),
    "datetime_parsing": gettext_noop("must be a date and time (ISO 8601)"),
    "datetime_from_date_parsing": gettext_noop("must be a date and time (ISO 8601)"),
    "date_type": gettext_noop("must be a date (YYYY-MM-DD)"),
    "date_parsing": gettext_noop("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": gettext_noop("must be a date (YYYY-MM-DD)"),
    "list_type": gettext_noop("must be a list"),
    "dict_type": gettext_noop("must be an object"),
    "model_type": gettext_noop("must be an object"),
    "model_attributes_type": gettext_noop("must be an object"),
    "extra_forbidden": gettext_noop("is not a field this endpoint knows"),
    "url_parsing": gettext_noop("must be a web address"),
    "url_scheme": gettext_noop("must be a web address"),
}


def problem_of(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error (an item of ``ValidationError.errors()``) as a JSON-safe problem:
    ``{"type", "text", "params"}``; ``text`` is a ``Problem``'s template, else pydantic's
    message (our plain validators' words, or pydantic's own for its types)."""
    ctx = dict(error.get("ctx") or {})
    cause = ctx.get("error")
    if isinstance(cause, Problem):
        return {"type": "problem", "text": cause.template, "params": dict(cause.params)}
    params = {k: v for k, v in ctx.items() if isinstance(v, str | int | float)}
    text = str(error.get("msg", "")).removeprefix("Value error, ")
    return {"type": str(error.get("type", "")), "text": text, "params": params}


def say_problem(problem: Mapping[str, Any], translate: Callable[[str], str]) -> str:
    """A problem in the language of ``translate`` (Django's ``gettext``, passed in): a
    ``Problem``'s words, pydantic's error types, or else the message as it was given
    (translated when it is a marked string)."""
    kind, text = str(problem.get("type", "")), str(problem.get("text", ""))
    params = dict(problem.get("params") or {})
    says = PYDANTIC_SAYS.get(kind) if kind != "problem" else text
    if kind in ("string_too_short", "too_short") and params.get("min_length") == 1:
        says = gettext_noop("must not be empty")  # not "at least 1 items" (a trial's read)
    if not says:
        return translate(text) if text else ""  # gettext("") would answer the header
    try:
        return translate(says) % params if "%(" in says else translate(says)
    except (KeyError, TypeError, ValueError):
        return text
