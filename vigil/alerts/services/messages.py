"""What a notice says: the message for one delivery (or a digest), in its reader's language.

The outbox (``outbox.py``) decides when and whether to send; this module only writes. The
webhook body's ``alert`` object is documented in docs/adding-a-channel.md.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.accounts.people import person_name
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services.ack_links import ack_url_path
from vigil.alerts.services.lifecycle import response_status
from vigil.alerts.services.matched import matched_terms_once
from vigil.alerts.services.routing import can_acknowledge
from vigil.alerts.texts import level_numeral, list_separator, with_news
from vigil.alerts.transports import Message

__all__ = ["absolute", "alert_payload", "digest_message", "message_for", "message_language"]


def absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def alert_payload(alert: Alert) -> dict[str, object]:
    """The ``alert`` object of the webhook body (documented in docs/adding-a-channel.md)."""
    mentions = alert.mentions.order_by("-published_at", "-id")[:5]  # ties: the newest row
    return {
        "id": alert.pk,
        "url": absolute(reverse("alerts:detail", args=[alert.pk])),
        "title": alert.title,
        "title_code": alert.title_code,
        "title_params": alert.title_params,
        "summary": alert.summary,
        "level": alert.level,
        "state": alert.state,
        "origin": alert.origin,
        "rule": (
            {"id": alert.rule.pk, "name": alert.rule.name, "kind": alert.rule.kind}
            if alert.rule
            else None
        ),
        "topic": {"id": alert.topic.pk, "name": alert.topic.name} if alert.topic else None,
        "story_id": alert.story_id,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
        "mention_count": alert.mention_count,
        "links": list(alert.links or []),
        "impact": alert.impact,
        "escalation_step": alert.escalation_step,
        "signal": alert.data,
        "mentions": [
            {
                "id": m.pk,
                "title": m.headline,
                "url": m.url,
                "site": m.site,
                "published_at": m.published_at.isoformat(),
            }
            for m in mentions
        ],
    }


def _event(reason: str) -> str:
    head = reason.split(":", 1)[0]
    return {"fired": "alert.fired", "escalated": "alert.escalated", "raised": "alert.raised"}.get(
        head, f"alert.{head}"
    )


def message_language(recipient: User | None, default: str = "") -> str:
    """The language a message is written in: the recipient's own, else ``default``, else the
    installation's.

    Shared channels (a team's Slack, WeCom or DingTalk group) have no recipient: they pass
    their own language as ``default`` (the channel form's "Language of messages"), else take
    ``VIGIL_LANGUAGE``.
    """
    language = getattr(getattr(recipient, "profile", None), "language", "") if recipient else ""
    return language or default or settings.LANGUAGE_CODE


def message_zone(recipient: User | None, audience_zone: str = "") -> zoneinfo.ZoneInfo:
    """The time zone a message states times in: the recipient's own; for a shared channel
    (no recipient) the rule's audience's (its routing time zone; a zh trial's WeCom group read
    "respond by 03:51 (UTC)" from a rule set to Asia/Shanghai); else the installation's."""
    name = getattr(getattr(recipient, "profile", None), "timezone", "") if recipient else ""
    for candidate in (name, "" if recipient else audience_zone, settings.TIME_ZONE):
        try:
            if candidate:
                return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def _audience_zone(alert: Alert | None) -> str:
    """The time zone of the rule that fired the alert, if it sets one."""
    rule = alert.rule if alert is not None else None
    return str((rule.routing or {}).get("timezone") or "") if rule else ""


def _deadline_and_mentions(
    alert: Alert, delivery: Delivery, payload: dict
) -> tuple[list[str], str]:
    """What a reader needs to act without opening Vigil: by when, and what was said where;
    and the line that must stand out, if any (a target already missed).

    Written inside the message's language; times in the reader's zone.
    """
    lines = []
    warning = ""
    status = response_status(alert)
    if alert.state == Alert.State.NEW:
        zone = message_zone(delivery.recipient, _audience_zone(alert))
        when = status.respond_by.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        # An escalation is sent only once the target has passed, whenever it is composed.
        late = status.overdue or delivery.reason.startswith("escalated")
        text = (
            _("Overdue: the response target was {time} ({zone})")
            if late
            else _("Respond by {time} ({zone})")
        )
        line = text.format(time=when, zone=zone.key)
        if status.deadline_note:  # the clock waited for quiet hours or a weekend
            line = _("{deadline} — {why}").format(deadline=line, why=status.deadline_note)
        lines.append(line)
        if late:
            warning = lines[-1]
        link = _ack_link(delivery)
        if link:
            lines.append(_("Acknowledge (stops escalation): {url}").format(url=link))
    latest = payload["mentions"][:3]
    if latest:
        lines.append(_("Latest mentions:"))
        lines += [f"- {m['title']}" + (f"  {m['url']}" if m["url"] else "") for m in latest]
    elif payload["links"]:  # a report by hand: the links its reporter gave
        lines.append(_("Links:"))
        lines += [f"- {link}" for link in payload["links"][:5]]
    return lines, warning


def _ack_link(delivery: Delivery) -> str:
    """The recipient's own acknowledge link, in a message to one person who may act (a team
    chat's message has no recipient, and anyone reading it could use the link)."""
    recipient = delivery.recipient
    if recipient is None or delivery.alert is None or delivery.channel.kind == "in_app":
        return ""
    if not can_acknowledge(recipient):
        return ""
    return absolute(ack_url_path(delivery.alert, recipient))


def _who_was_told(delivery: Delivery) -> tuple[str, str]:
    """Who an escalation step told, and who heard of the alert at its earlier steps and has
    not acknowledged it, from the alert's bell rows (one per person and step), in one query.

    The first, so a team chat or mailbox that hears "escalation step 2" knows who holds the
    alert now; the second, as a trial's step-1 e-mail named only its own reader, not the
    people who had let it pass.
    """
    rows = list(
        Delivery.objects.filter(alert_id=delivery.alert_id, channel__kind="in_app")
        .filter(Q(reason="fired") | Q(reason__startswith="escalated:"))
        .exclude(recipient=None)
        .select_related("recipient")
        .order_by("created_at", "recipient_id")
    )
    at_step = sorted((r for r in rows if r.reason == delivery.reason), key=lambda r: r.recipient_id)
    now_told = {r.recipient_id for r in at_step}
    before = list(
        dict.fromkeys(person_name(r.recipient) for r in rows if r.recipient_id not in now_told)
    )
    if len(before) > TOLD_BEFORE_SHOWN:  # a whole role told at first: the first few, a count
        more = len(before) - TOLD_BEFORE_SHOWN
        extra = ngettext("and {n} more", "and {n} more", more).format(n=more)
        before = [*before[:TOLD_BEFORE_SHOWN], extra]
    comma = list_separator()
    return comma.join(person_name(r.recipient) for r in at_step), comma.join(before)


TOLD_BEFORE_SHOWN = 8


def _held_since(delivery: Delivery) -> str:
    """Why a message held by quiet hours or a weekend comes late, in the active language: a
    trial's level-III notice arrived twelve minutes after the alert, already "Overdue", and
    said nothing of the wait."""
    if delivery.held_reason not in ("quiet_hours", "weekend"):
        return ""
    zone = message_zone(delivery.recipient, _audience_zone(delivery.alert))
    when = delivery.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    text = (
        _("Held for quiet hours since {time} ({zone})")
        if delivery.held_reason == "quiet_hours"
        else _("Held for the weekend since {time} ({zone})")
    )
    return text.format(time=when, zone=zone.key)


def where_it_stands(alert: Alert, *, escalation_said: bool = False) -> str:
    """What a reader should know of the alert's state, in the active language; empty for a
    fresh one (saying "state new" of an alert that has just fired tells nothing).

    ``escalation_said``: the message already says which escalation step it is.
    """
    said = []
    if alert.state == Alert.State.ACKNOWLEDGED:
        by = person_name(alert.acknowledged_by)
        said.append(_("acknowledged by {name}").format(name=by) if by else _("acknowledged"))
    elif alert.state == Alert.State.HANDLED:
        by = person_name(alert.closed_by)
        said.append(_("handled by {name}").format(name=by) if by else _("handled"))
    elif alert.state == Alert.State.FALSE_ALARM:
        by = person_name(alert.closed_by)
        said.append(_("marked a false alarm by {name}").format(name=by) if by else _("false alarm"))
    elif alert.escalation_step and not escalation_said:
        said.append(
            _("not acknowledged, escalation step {step}").format(step=alert.escalation_step)
        )
    if alert.is_open and alert.assigned_to_id and alert.assigned_to_id != alert.acknowledged_by_id:
        said.append(_("assigned to {name}").format(name=person_name(alert.assigned_to)))
    return " · ".join(said)


def _summary_says_more(alert: Alert, payload: dict) -> bool:
    """Whether the summary adds to the message: a keyword alert's summary quotes a mention,
    which the list of latest mentions below already shows with its link (a trial's e-mail
    opened with the same headline twice)."""
    if not alert.summary:
        return False
    if alert.summary_code:  # Vigil's own explanation (a spike's, a share's)
        return True
    return all(m["title"] != alert.summary for m in payload["mentions"][:3])


def message_for(delivery: Delivery) -> Message:
    alert = delivery.alert
    assert alert is not None  # noqa: S101 - only test sends have no alert, built apart
    head, _sep, detail = delivery.reason.partition(":")
    language = message_language(delivery.recipient, delivery.channel.language)
    with translation.override(language):
        payload = alert_payload(alert)
        lines = []
        if _summary_says_more(alert, payload):
            # A mention quoted (the episode's most serious, else its latest) is labelled as
            # one: under an escalation's lines it read as part of them (a trial).
            quoted = not alert.summary_code and alert.origin == Alert.Origin.RULE
            summary = alert.display_summary
            lines.append(_("Key mention: {text}").format(text=summary) if quoted else summary)
        if head == "escalated":
            lines.insert(
                0,
                _(
                    "Nobody has acknowledged this alert within the level {level} response "
                    "target; this is escalation step {step}."
                ).format(level=level_numeral(alert.level), step=detail),
            )
            told, before = _who_was_told(delivery)
            if told:
                lines.insert(1, _("Told at this step: {names}").format(names=told))
            if before:
                lines.insert(
                    2 if told else 1,
                    _("Told before, not acknowledged: {names}").format(names=before),
                )
        if alert.counts_negative_only:  # as the alert page says it: "Negative mentions"
            counted = ngettext(
                "Level {level} · {count} negative mention",
                "Level {level} · {count} negative mentions",
                alert.mention_count,
            )
        else:
            counted = ngettext(
                "Level {level} · {count} mention",
                "Level {level} · {count} mentions",
                alert.mention_count,
            )
        numeral = level_numeral(alert.level)
        counted = counted.format(level=numeral, count=alert.mention_count)
        if not alert.mention_count:  # a report by hand: "0 mentions" says nothing
            counted = _("Level {level}").format(level=numeral)
        stands = where_it_stands(alert, escalation_said=head == "escalated")
        lines.append(f"{counted} · {stands}" if stands else counted)
        if alert.reported_by_id:  # a flag or a report: who raised it, to ask them more
            lines.append(_("Raised by {name}").format(name=person_name(alert.reported_by)))
        if alert.topic:
            lines.append(_("Topic: {name}").format(name=alert.topic.name))
        # Why a keyword rule fired, as the alert's page says it (a trial's e-mail did not):
        # the words its latest mentions matched, most frequent first.
        words = [term for term, _n in matched_terms_once(alert)[:8]]
        if words:
            lines.append(_("Words matched: {words}").format(words=" · ".join(words)))
        held = _held_since(delivery)
        if held:
            lines.append(held)
        deadline_lines, warning_line = _deadline_and_mentions(alert, delivery, payload)
        lines += deadline_lines
        # "[II] …" in English, 【Ⅱ级】… in Chinese, as the screens write the level.
        headline = with_news(head, alert.display_title, by_count=alert.grows_by_count)
        # The level mark first, whatever the news: mail filters on "[II]" missed "Escalated,
        # unacknowledged: [II] …" (a trial).
        title = _("[{level}] {title}").format(level=numeral, title=headline)
        url = absolute(reverse("alerts:detail", args=[alert.pk]))
        link_line = _("Open in Vigil: {url}").format(url=url)
    return Message(
        title=title,
        headline=headline,
        body="\n".join(lines),
        level=alert.level,
        url=url,
        link_line=link_line,
        warning_line=warning_line,
        event=_event(delivery.reason),
        language=language,
        payload={"alert": payload},
        recipient_id=delivery.recipient_id,
        recipient_email=delivery.recipient.email if delivery.recipient else "",
        alert_id=alert.pk,
        delivery_id=delivery.pk,
    )


def digest_message(rows: list[Delivery]) -> Message:
    """One message for the held level-IV alerts: each once (an alert may have been queued
    twice, fired then assigned), with its state now and its own link."""
    alerts = list({r.alert.pk: r.alert for r in rows if r.alert is not None}.values())
    first = rows[0]
    language = message_language(first.recipient, first.channel.language)
    with translation.override(language):
        title = ngettext(
            "Vigil digest: {count} level IV alert",
            "Vigil digest: {count} level IV alerts",
            len(alerts),
        ).format(count=len(alerts))
        body = "\n".join(_digest_line(a) for a in alerts)
        url = absolute(reverse("alerts:list"))
        link_line = _("All alerts in Vigil: {url}").format(url=url)
    return Message(
        title=title,
        body=body,
        level="IV",
        url=url,
        link_line=link_line,
        event="digest",
        language=language,
        payload={"alerts": [alert_payload(a) for a in alerts]},
        recipient_id=first.recipient_id,
        recipient_email=first.recipient.email if first.recipient else "",
        delivery_id=min(r.pk for r in rows),
    )


def _digest_line(alert: Alert) -> str:
    """One alert of a digest, in the active language: its state only when there is news."""
    stands = where_it_stands(alert)
    if stands:
        line = ngettext(
            "- [{level}] {title} ({count} mention · {state})",
            "- [{level}] {title} ({count} mentions · {state})",
            alert.mention_count,
        )
    else:
        line = ngettext(
            "- [{level}] {title} ({count} mention)",
            "- [{level}] {title} ({count} mentions)",
            alert.mention_count,
        )
    said = line.format(
        level=level_numeral(alert.level),
        title=alert.display_title,
        count=alert.mention_count,
        state=stands,
    )
    return said + "\n  " + absolute(reverse("alerts:detail", args=[alert.pk]))
