"""What kind of failure stopped a delivery, as a stable code and its parameters.

A delivery's (and its channel's) last error is stored as the raw text (English, for
administrators) and beside it a code and parameters that screens and the API say in the
reader's language (``vigil.alerts.failure_labels``), as a source's fetch errors are.

A send fails the way a fetch does (a timeout, a refused connection, TLS, an HTTP status, a
private address): those are read by the fetch classifier, ``classify_failure``, from the
``vigil.lib.http_errors`` exception the transport raised its ``TransportError`` from. The
kinds only a channel has (paused, no e-mail address, an address Apprise refuses …) are set by
the transport or the outbox as ``TransportError.code``. Pure: no Django.
"""

from __future__ import annotations

from typing import Any

from vigil.sources.failures import Failure, classify_failure

__all__ = ["DELIVERY_CODES", "POSTPONED", "classify_delivery_failure", "postponed"]

#: Codes only a channel has; the network kinds are ``vigil.sources.failures.FAILURE_CODES``.
DELIVERY_CODES = frozenset(
    {
        "channel_paused",
        "no_address",
        "no_recipient",
        "bad_config",
        "unknown_kind",
        "apprise_refused",
        "apprise_failed",
    }
)
#: Not tried because the channel had just failed in the same pass; params name the cause.
POSTPONED = "postponed"


def classify_delivery_failure(exc: BaseException) -> Failure:
    """The code and parameters of a failed send, or ``("", {})`` for an uncommon one.

    The transport's own ``params`` fill in what the chain does not say (the name of a
    service whose host the error did not give).
    """
    code = getattr(exc, "code", "")
    own: dict[str, Any] = dict(getattr(exc, "params", None) or {})
    if isinstance(code, str) and code in DELIVERY_CODES:
        return code, own
    code, params = classify_failure(exc)
    if not code:
        return "", {}
    return code, {**params, **{k: v for k, v in own.items() if not params.get(k)}}


def postponed(cause: Failure) -> Failure:
    """The failure of a notice left for later because ``cause`` had just stopped its channel."""
    code, params = cause
    return POSTPONED, {"cause": code, "cause_params": params}
