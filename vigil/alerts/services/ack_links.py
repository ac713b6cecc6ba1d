"""Acknowledge from the message: a signed link in each person's own notice.

A responder reading an e-mail on a phone should stop the escalation with one tap, without
signing in first (PagerDuty and Opsgenie mail the same). The link names one alert and one
person; it is signed with the installation's secret, lasts a week, and acknowledges only on
a POST from the page it opens, so mail scanners that fetch every link acknowledge nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.alerts.models import Alert
from vigil.alerts.services.firing import AlertError
from vigil.alerts.services.routing import can_acknowledge

__all__ = ["ACK_LINK_DAYS", "ack_url_path", "read_ack_token"]

ACK_LINK_DAYS = 7
_SALT = "vigil.alerts.ack-link"


def ack_url_path(alert: Alert, user: User) -> str:
    """The path of ``user``'s acknowledge link for ``alert``."""
    token = signing.dumps({"a": alert.pk, "u": user.pk}, salt=_SALT)
    return reverse("alerts:ack-link", args=[token])


def read_ack_token(token: str) -> tuple[Alert, User]:
    """The alert and the person a link names; AlertError (in the active language) when the
    link is altered, older than a week, or its person may no longer act."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=ACK_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise AlertError(
            _("This link is more than %(days)d days old. Sign in to see the alert.")
            % {"days": ACK_LINK_DAYS}
        ) from None
    except signing.BadSignature:
        raise AlertError(_("This link is not valid. Sign in to see the alert.")) from None
    alert = Alert.objects.filter(pk=data.get("a")).select_related("topic").first()
    user = User.objects.filter(pk=data.get("u")).first()
    if alert is None:
        raise AlertError(_("This alert no longer exists."))
    if not can_acknowledge(user):
        raise AlertError(_("Your account can no longer acknowledge alerts."))
    assert user is not None  # noqa: S101 - can_acknowledge checked it
    return alert, user
