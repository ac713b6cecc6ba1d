"""Vigil's own signed webhook: a JSON body, HMAC-SHA256 over ``<timestamp>.<body>``.

Receivers check ``X-Vigil-Signature: sha256=<hex>`` with the channel's secret and reject
timestamps older than five minutes (the same scheme as the push-ingest API). The body is
documented in docs/adding-a-channel.md. Each socket operation waits at most the channel's
``timeout_seconds`` and VIGIL_CHANNEL_TIMEOUT; ``send`` caps the whole request at the latter.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext_lazy as _
from pydantic import Field, field_validator

from vigil.alerts.transports.base import (
    Message,
    Transport,
    TransportConfig,
    TransportError,
    channel_timeout,
    register,
)
from vigil.lib import http_errors
from vigil.lib.http_errors import FetchError, redact_url
from vigil.lib.i18n import Problem, gettext_noop

USER_AGENT = "Vigil-Webhook/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>.<body>")."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookConfig(TransportConfig):
    url: str = Field(..., max_length=2000)
    secret: str = Field(default_factory=lambda: secrets.token_urlsafe(24), min_length=16)
    timeout_seconds: float = Field(10.0, gt=0, le=60)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Problem(gettext_noop("must be an http(s) URL"))
        return value.strip()


def _internal_address(url: str) -> str:
    """The first non-public address ``url``'s host resolves to, or "" (raises TransportError
    when the name does not resolve)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        failure: FetchError = http_errors.TransportError(
            f"could not resolve {host}: {exc}", url=url
        )
        failure.__cause__ = exc
        raise TransportError(str(failure)) from failure
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return str(address)
    return ""


def _refuse_private(url: str) -> None:
    """The webhook goes where an administrator typed; refuse internal addresses unless allowed."""
    from django.conf import settings

    if settings.ALLOW_PRIVATE_FETCH:
        return
    address = _internal_address(url)
    if address:
        host = urlsplit(url).hostname or ""
        failure = http_errors.BlockedAddress(
            f"{host} resolves to non-public address {address} "
            "(set VIGIL_ALLOW_PRIVATE_FETCH=1 to allow internal receivers)",
            url=url,
        )
        raise TransportError(str(failure), permanent=True) from failure


def _failure_of(exc: httpx.HTTPError, url: str) -> FetchError:
    """The httpx error as one of Vigil's fetch errors (chained to it), which the failure
    classifier reads: a timeout, or a connection that failed (DNS, refused, TLS …)."""
    shown = redact_url(url)
    failure: FetchError
    if isinstance(exc, httpx.TimeoutException):
        failure = http_errors.Timeout(
            f"timed out posting to {shown} ({type(exc).__name__})", url=url
        )
    elif isinstance(exc, httpx.InvalidURL):
        failure = http_errors.InvalidURL(f"invalid URL {shown}: {exc}", url=url)
    else:
        reason = str(exc) or type(exc).__name__
        failure = http_errors.TransportError(f"could not post to {shown}: {reason}", url=url)
    failure.__cause__ = exc
    return failure


@register
class WebhookTransport(Transport):
    kind = "webhook"
    label = "Signed webhook (JSON)"
    Config = WebhookConfig

    def save_warning(self) -> str:
        """An internal receiver (a PR bot on the intranet, 127.0.0.1) is refused at every send
        while VIGIL_ALLOW_PRIVATE_FETCH is off; a trial's channel saved without a word and
        failed only at its first test."""
        from django.conf import settings

        if settings.ALLOW_PRIVATE_FETCH:
            return ""
        try:
            address = _internal_address(self.cfg.url)
        except TransportError:
            return ""  # a name that does not resolve here: the test says so
        if not address:
            return ""
        return _(
            "%(address)s is an internal address: Vigil refuses to send to it until the server "
            "runs with VIGIL_ALLOW_PRIVATE_FETCH=1 (then restart it)."
        ) % {"address": address}

    def describe(self) -> str:
        parts = urlsplit(self.cfg.url)
        return f"POST {parts.scheme}://{parts.netloc}{parts.path}"

    def service(self) -> str:
        return str(_("Webhook"))

    @property
    def cfg(self) -> WebhookConfig:
        assert isinstance(self.config, WebhookConfig)  # noqa: S101 - narrowing for mypy
        return self.config

    def body_of(self, message: Message, sent_at: int | None = None) -> bytes:
        payload = {
            "event": message.event,
            "sent_at": int(time.time()) if sent_at is None else sent_at,
            "title": message.title,
            "text": message.body,
            "level": message.level,
            "url": message.url,
            **message.payload,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def notify(self, message: Message) -> None:
        cfg = self.cfg
        _refuse_private(cfg.url)
        now = int(time.time())
        body = self.body_of(message, sent_at=now)  # sent_at is the signed timestamp
        timestamp = str(now)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Vigil-Event": message.event,
            "X-Vigil-Timestamp": timestamp,
            "X-Vigil-Signature": sign(cfg.secret, timestamp, body),
        }
        if message.delivery_id is not None:
            headers["X-Vigil-Delivery"] = str(message.delivery_id)
        timeout = min(cfg.timeout_seconds, channel_timeout())
        try:
            with httpx.Client(timeout=timeout, follow_redirects=False) as client:
                response = client.post(cfg.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            failure = _failure_of(exc, cfg.url)
            raise TransportError(f"{type(exc).__name__}: {exc}") from failure
        if response.is_success:
            return
        status = http_errors.HttpStatusError(
            f"HTTP {response.status_code}: {response.text[:300]}",
            url=cfg.url,
            status=response.status_code,
        )
        raise TransportError(str(status), permanent=status.permanent) from status
