"""Warnings reported by hand, and telling their reporter how they go.

A department liaison reports what the monitoring has not caught (``report_warning``); the
same report sent twice in a short while (a double click, a second submit while the first was
slow) is the first one again, not a second alert that tells everyone again. Whoever raised a
warning by hand (a report or a 警 flag) is told in the bell when someone acknowledges,
assigns or closes it, or when it escalates (``tell_reporter``): a zh trial's liaison could
not follow her report once it was sent.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accounts.audit import record_audit, snapshot
from vigil.accounts.people import person_name
from vigil.alerts.models import Alert, Notification, response_window
from vigil.alerts.services.firing import NEW_ALERT_AUDIT_FIELDS, AlertError, unknown_level
from vigil.alerts.services.routing import DEFAULT_RECIPIENTS, queue_deliveries
from vigil.alerts.texts import list_separator
from vigil.monitoring.models import Topic, WarningLevel

__all__ = [
    "PROGRESS_CODE",
    "REPEAT_WINDOW",
    "already_reported",
    "as_web_link",
    "progress_text",
    "report_warning",
    "tell_reporter",
]

#: A report the same as one its reporter sent this recently (and still open) is that one.
REPEAT_WINDOW = dt.timedelta(minutes=10)

#: The bell notice's code: said again in its reader's language from its parameters.
PROGRESS_CODE = "report.progress"

# A host name with a dot and a top-level domain of letters ("www.12315.cn", "mp.weixin.qq.com").
_HOST = re.compile(r"^(?:[\w-]+\.)+[^\W\d_]{2,}(?::\d+)?$")


def as_web_link(text: str) -> str | None:
    """``text`` as an http(s) address, or None when it is not one.

    People paste links without their scheme ("www.12315.cn/complaint/123", a trial):
    what starts with "www." or reads as host/path gets "https://". Anything else without a
    scheme is not guessed at ("not a link", "javascript:…").
    """
    url = text.strip()
    if "://" not in url and not re.match(r"^[a-zA-Z][\w+.-]*:", url):
        host, sep = re.match(r"^([^/?#]*)([/?#]?)", url).groups()  # type: ignore[union-attr]
        if _HOST.match(host) and (host.lower().startswith("www.") or sep):
            url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname and " " not in url:
        return url
    return None


def _web_links(links: list[str] | None) -> list[str]:
    """The links, each an http(s) address; every bad one named in the refusal (a trial's form
    named only the first of three), with how a link starts."""
    given = [u.strip() for u in links or [] if u.strip()]
    read = [(url, as_web_link(url)) for url in given]
    bad = [url for url, link in read if link is None]
    if bad:
        raise AlertError(
            ngettext(
                "not a web link: %(urls)s (links start with http:// or https://)",
                "not web links: %(urls)s (links start with http:// or https://)",
                len(bad),
            )
            % {"urls": list_separator().join(f"“{url}”" for url in bad)},
            field="links",
        )
    return [link for _url, link in read if link]


def _repeated(actor: User, title: str, text: str, topic_id: int | None) -> Alert | None:
    """The reporter's open report with this title, text and topic from the last minutes."""
    same_topic = Q(topic__isnull=True) if topic_id is None else Q(topic_id=topic_id)
    return (
        Alert.objects.filter(
            same_topic,
            origin=Alert.Origin.REPORT,
            reported_by=actor,
            title=title[:300],
            summary=text,
            state__in=[Alert.State.NEW, Alert.State.ACKNOWLEDGED],
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def report_warning(
    *,
    actor: User,
    title: str,
    text: str,
    links: list[str] | None = None,
    level: str = WarningLevel.III,
    topic_id: int | None = None,
) -> tuple[Alert, bool]:
    """A department liaison reports a warning by hand, with text and links; the alert, and
    whether it is new (False: she sent the same minutes ago, and that alert is returned)."""
    title, text = title.strip(), text.strip()
    if not title:
        raise AlertError(_("a report needs a title"), field="title")
    if level not in WarningLevel.values:
        raise AlertError(unknown_level(level), field="level")
    clean_links = _web_links(links)
    if topic_id is not None and not Topic.objects.filter(pk=topic_id).exists():
        raise AlertError(
            _("there is no %(thing)s with id %(id)s")
            % {"thing": Topic._meta.verbose_name, "id": topic_id},
            field="topic_id",
        )
    # The reporter's row locked: two submits at once wait for each other, and the second
    # finds the first (SQLite's transactions are serialised already).
    User.objects.select_for_update().filter(pk=actor.pk).first()
    earlier = _repeated(actor, title, text, topic_id)
    if earlier is not None:
        return earlier, False
    now = timezone.now()
    deadline = now + response_window(level)  # one read of the targets
    alert = Alert.objects.create(
        key=f"report:{uuid.uuid4().hex}",
        origin=Alert.Origin.REPORT,
        title=title[:300],
        summary=text,
        level=level,
        topic_id=topic_id,
        first_seen=now,
        last_seen=now,
        reported_by=actor,
        links=clean_links,
        next_escalation_at=deadline,
        respond_by=deadline,
    )
    record_audit(actor, "alert.reported", alert, after=snapshot(alert, NEW_ALERT_AUDIT_FIELDS))
    queue_deliveries(alert, DEFAULT_RECIPIENTS, reason="fired", now=now)
    return alert, True


def already_reported(alert: Alert) -> str:
    """What a second submit of the same report is told, in the active language."""
    ago = timezone.now() - alert.created_at
    if ago < dt.timedelta(minutes=1):
        return _("You reported this already a moment ago: here it is, and nobody is told twice.")
    return _("You reported this already %(ago)s ago: here it is, and nobody is told twice.") % {
        "ago": timesince(alert.created_at, depth=1)
    }


def progress_text(params: Mapping[str, Any]) -> str:
    """The reporter's bell notice in the active language, from its stored parameters."""
    values = {
        "who": params.get("who", ""),
        "to": params.get("to", ""),
        "title": params.get("title", ""),
    }
    said = {
        "acknowledged": _("{who} acknowledged your report “{title}”."),
        "assigned": _("{who} assigned your report “{title}” to {to}."),
        "assigned_to_you": _("{who} assigned your report “{title}” to you."),
        "handled": _("{who} closed your report “{title}” as handled."),
        "false_alarm": _("{who} closed your report “{title}” as a false alarm."),
        "escalated": _(
            "Your report “{title}” was escalated: nobody acknowledged it in time, so more "
            "people were told."
        ),
    }.get(str(params.get("what", "")), "")
    return said.format(**values)


def tell_reporter(
    alert: Alert, *, actor: User | None, what: str, assignee: User | None = None
) -> None:
    """A bell notice to whoever raised the warning by hand, in her language, saying who did
    ``what`` ("acknowledged", "assigned", "handled", "false_alarm", "escalated"); none for
    what she did herself, nor for an alert a rule fired."""
    if alert.reported_by_id is None or (actor is not None and actor.pk == alert.reported_by_id):
        return
    reporter = (
        User.objects.select_related("profile")
        .filter(pk=alert.reported_by_id, is_active=True)
        .first()
    )
    if reporter is None:
        return
    # Here, not at the top: messages imports lifecycle, which imports this module.
    from vigil.alerts.services.messages import message_language

    if what == "assigned" and assignee is not None and assignee.pk == reporter.pk:
        what = "assigned_to_you"
    params = {
        "what": what,
        "who": person_name(actor),
        "to": person_name(assignee),
        "title": alert.title,
    }
    with translation.override(message_language(reporter)):
        title = progress_text(params)
    Notification.objects.create(
        user=reporter,
        alert=alert,
        title=title[:300],
        code=PROGRESS_CODE,
        params=params,
        url=reverse("alerts:detail", args=[alert.pk]),
        level=alert.level,
    )
