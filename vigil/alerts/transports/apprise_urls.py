"""Apprise: e-mail, Slack, Teams, DingTalk, WeCom, Feishu/Lark, Telegram, ntfy, SMS …

One channel holds one or more Apprise URLs (``mailto://``, ``slack://``, ``msteams://``,
``dingtalk://``, ``wecombot://``, ``feishu://``, ``lark://``, ``tgram://``, ``ntfy://``,
``json://`` …). With ``to_recipients`` the channel is personal: an e-mail URL is sent
once per recipient with ``to=<their address>`` added.

Apprise times out each connection and read on its own (``cto``/``rto`` in the URL, 15 s for
SMTP) and allows a whole service a minute; here every socket timeout is cut to
VIGIL_CHANNEL_TIMEOUT and ``send`` gives up on the whole channel after it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import Field, field_validator

from vigil.alerts.transports.base import (
    Message,
    Transport,
    TransportConfig,
    TransportError,
    channel_timeout,
    register,
)


def _mask(url: str) -> str:
    """``scheme://user:***@host:port/…`` with path tokens shortened and the query dropped:
    safe to display. Only the userinfo before the host's ``@`` is a password."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _secret = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    path = "/".join(seg[:4] + "…" if len(seg) > 12 else seg for seg in parts.path.split("/"))
    return urlunsplit(parts._replace(netloc=netloc, path=path, query="", fragment=""))


class AppriseConfig(TransportConfig):
    urls: list[str] = Field(..., min_length=1, max_length=10)
    to_recipients: bool = False
    body_format: str = Field("text", pattern="^(text|markdown|html)$")

    @field_validator("urls")
    @classmethod
    def _known_schemes(cls, value: list[str]) -> list[str]:
        import apprise

        clean = [u.strip() for u in value if u.strip()]
        if not clean:
            raise ValueError("give at least one Apprise URL")
        for url in clean:
            if apprise.Apprise.instantiate(url) is None:
                raise ValueError(f"Apprise does not understand {_mask(url)!r}")
        return clean


@register
class AppriseTransport(Transport):
    kind = "apprise"
    label = "Apprise (e-mail, Slack, Teams, DingTalk, WeCom, Feishu, Telegram, ntfy …)"
    Config = AppriseConfig

    @property
    def cfg(self) -> AppriseConfig:
        assert isinstance(self.config, AppriseConfig)  # noqa: S101 - narrowing for mypy
        return self.config

    def is_personal(self) -> bool:
        return self.cfg.to_recipients

    def describe(self) -> str:
        return ", ".join(_mask(u) for u in self.cfg.urls)

    def _urls_for(self, message: Message) -> list[str]:
        if not self.cfg.to_recipients:
            return list(self.cfg.urls)
        if not message.recipient_email:
            raise TransportError(
                "the recipient has no e-mail address (add one on their profile)",
                permanent=True,
                recipient=True,
            )
        out = []
        for url in self.cfg.urls:
            joiner = "&" if "?" in url else "?"
            out.append(url + joiner + urlencode({"to": message.recipient_email}))
        return out

    def notify(self, message: Message) -> None:
        import apprise

        sender = apprise.Apprise()
        cap = channel_timeout()
        for url in self._urls_for(message):
            service = apprise.Apprise.instantiate(url)
            if service is None or not sender.add(service):
                raise TransportError(f"Apprise refused {_mask(url)!r}", permanent=True)
            # Plugins read these for every socket they open (smtplib's timeout, requests').
            service.socket_connect_timeout = min(float(service.socket_connect_timeout), cap)
            service.socket_read_timeout = min(float(service.socket_read_timeout), cap)
        body = message.body + (f"\n\n{message.url}" if message.url else "")
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = sender.notify(body=body, title=message.title, body_format=self.cfg.body_format)
        if not ok:
            detail = " | ".join(
                line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line
            )
            raise TransportError(detail[-500:] or "Apprise could not send the notification")
