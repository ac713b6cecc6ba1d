"""In-app notifications: a ``Notification`` row per user, shown by the bell."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vigil.alerts.transports.base import (
    Message,
    Transport,
    TransportConfig,
    TransportError,
    register,
)


class InAppConfig(TransportConfig):
    pass


@register
class InAppTransport(Transport):
    kind = "in_app"
    label = "In-app (bell)"
    Config = InAppConfig
    personal = True
    remote = False  # a row in Vigil's own database, written in the outbox's thread

    def describe(self) -> str:
        return str(_("the bell in Vigil, for each recipient"))

    def service(self) -> str:
        return str(_("In-app"))

    def notify(self, message: Message) -> None:
        from vigil.alerts.models import Notification

        if message.recipient_id is None:
            if message.event == "test":
                return  # a test of the in-app channel has no one to tell
            raise TransportError(
                "in-app notice without a recipient", permanent=True, code="no_recipient"
            )
        Notification.objects.create(
            user_id=message.recipient_id,
            alert_id=message.alert_id,
            # The bell shows the level as a badge: "[II] " in the title would say it twice.
            title=(message.headline or message.title.replace(f"[{message.level}] ", "", 1))[:300],
            # Said again from the alert in the reader's language of the day (not digests).
            code=message.event if message.event.startswith("alert.") else "",
            url=message.url[:500],
            level=message.level,
        )
