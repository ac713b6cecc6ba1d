"""Say a stored fetch failure (code and parameters, ``vigil.sources.failures``) in the
reader's language; without a code (an uncommon failure, or a row stored before codes
existed) the raw text is all there is, and is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.lib.i18n import say_problem
from vigil.sources.connectors import ConnectorError, get_connector_class

__all__ = ["config_problems", "failure_label", "source_paused_text"]

# Said with the host the failure came from ("%(host)s").
_SAID = {
    "timeout": gettext_lazy("%(host)s did not answer in time (timeout)"),
    "dns": gettext_lazy("the host name %(host)s could not be found (DNS)"),
    "refused": gettext_lazy("%(host)s refused the connection"),
    "tls": gettext_lazy("the secure connection (TLS) to %(host)s failed"),
    "network": gettext_lazy("could not connect to %(host)s"),
    "robots": gettext_lazy("the robots.txt of %(host)s does not allow fetching this address"),
    "blocked": gettext_lazy(
        "%(host)s is a private or internal address, which Vigil does not fetch unless allowed"
    ),
    "invalid_url": gettext_lazy("the address is not a valid http(s) URL"),
    "redirects": gettext_lazy("%(host)s redirected too many times (or in a loop)"),
    "too_large": gettext_lazy("the answer from %(host)s was larger than the size limit"),
    "not_json": gettext_lazy("%(host)s did not answer with JSON"),
    "html_not_feed": gettext_lazy("%(host)s answered with a web page, not a feed"),
    "bad_feed": gettext_lazy("the answer from %(host)s is not a readable RSS, Atom or RDF feed"),
    "bad_sitemap": gettext_lazy("the answer from %(host)s is not a readable sitemap"),
    "no_links": gettext_lazy(
        "the link selector found no items on %(host)s; the site's layout may have changed"
    ),
    "bad_config": gettext_lazy("the source's configuration is not valid; edit the source"),
    "unknown_kind": gettext_lazy("this Vigil has no source kind “%(kind)s”"),
    "bad_page": gettext_lazy("the page from %(host)s is not readable HTML"),
    "no_item_list": gettext_lazy(
        "%(service)s answered from %(host)s without the list of items Vigil reads; check the "
        "source's base URL"
    ),
    "service_refused": gettext_lazy("%(service)s refused the request: %(detail)s"),
}
_STATUS = {
    401: gettext_lazy("%(host)s refused the key or token (HTTP 401)"),
    403: gettext_lazy("%(host)s denied access (HTTP 403): check the key, quota or permissions"),
    404: gettext_lazy("%(host)s has nothing at this address (HTTP 404)"),
    410: gettext_lazy("%(host)s has removed this address (HTTP 410)"),
    429: gettext_lazy("%(host)s asked Vigil to slow down (HTTP 429)"),
}


def _http_status(status: int) -> str:
    if status in _STATUS:
        return str(_STATUS[status])
    if status >= 500:
        return _("%(host)s had a server error (HTTP %(status)s)")
    return _("%(host)s answered HTTP %(status)s")


def failure_label(code: str, params: Mapping[str, Any] | None, raw: str) -> str:
    """The failure in the reader's language; the raw text when the code is unknown."""
    given = params or {}
    if code == "bad_config" and given.get("problems"):
        return _("the source's configuration is not valid: %(problems)s") % {
            "problems": config_problems(str(given.get("kind", "")), given["problems"])
        }
    if code == "needs_key":
        return _("%(service)s needs a key: fill in “%(field)s” on the source") % {
            "service": (params or {}).get("service", ""),
            "field": _(str((params or {}).get("field") or "")),
        }
    if code == "http_status":
        template = _http_status(int((params or {}).get("status") or 0))
    elif code in _SAID:
        template = str(_SAID[code])
    else:
        return raw
    values: dict[str, Any] = {"status": "?", **(params or {})}
    values["host"] = values.get("host") or _("the site")
    try:
        text = template % values
    except (KeyError, TypeError, ValueError):
        return raw
    if code == "html_not_feed" and values.get("feed"):
        text += _("; the page links to a feed at %(feed)s") % values
    return text


def source_paused_text(params: Mapping[str, Any]) -> str:
    """The administrators' notice of a source paused after failures (``source.paused``),
    from the parameters stored with it."""
    error = failure_label(
        str(params.get("error_code") or ""), params.get("error_params"), str(params.get("error"))
    )
    return _(
        "Source “%(name)s” was paused after %(count)s failures in a row. Last error: %(error)s"
    ) % {
        "name": params.get("name", ""),
        "count": params.get("count", ""),
        "error": error,
    }


def config_problems(kind: str, problems: list[Mapping[str, Any]]) -> str:
    """A configuration's problems in the reader's language, each after the field's name as
    the source form shows it: "Address: must be an absolute http:// or https:// URL"."""
    titles = _field_titles(kind)
    said = []
    for problem in problems:
        field = str(problem.get("field") or "")
        text = say_problem(problem, _)
        said.append(
            _("%(field)s: %(problem)s") % {"field": titles.get(field, field), "problem": text}
            if field
            else text
        )
    return _("; ").join(said)


def _field_titles(kind: str) -> dict[str, str]:
    try:
        schema = get_connector_class(kind).Config.model_json_schema()
    except ConnectorError:
        return {}
    return {
        name: _(prop["title"]) if prop.get("title") else name
        for name, prop in schema.get("properties", {}).items()
    }
