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

import contextlib
import logging
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext_lazy as _
from pydantic import Field, field_validator

from vigil.alerts.mail_html import html_body
from vigil.alerts.transports.base import (
    Message,
    Transport,
    TransportConfig,
    TransportError,
    channel_timeout,
    register,
)
from vigil.lib import http_errors
from vigil.lib.i18n import Problem, gettext_noop


def _shorten(part: str) -> str:
    """A token-like part of an address, cut to its first four characters."""
    return part[:4] + "…" if len(part) > 12 else part


def _mask(url: str) -> str:
    """``scheme://user:***@host:port/…`` with path tokens shortened and the query dropped:
    safe to display. Only the userinfo before the host's ``@`` is a password."""
    parts = urlsplit(url)
    netloc = parts.netloc
    host = netloc.rsplit("@", 1)[-1]
    if "." not in host:
        # Chat services keep their token where a host would be (dingtalk://TOKEN,
        # wecombot://KEY): a real host has dots; a zh trial's list showed a DingTalk token.
        host = _shorten(host)
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        user, has_password, _secret = userinfo.partition(":")
        # Without a password, the part before @ may be a secret too (dingtalk://SECRET@TOKEN).
        netloc = f"{user}:***@{host}" if has_password else f"{_shorten(user)}@{host}"
    else:
        netloc = host
    path = "/".join(_shorten(seg) for seg in parts.path.split("/"))
    shown = urlunsplit(parts._replace(netloc=netloc, path=path, query="", fragment=""))
    if parts.scheme in ("mailto", "mailtos"):
        # Who the mail goes to is no secret, and the list must say it (a zh trial's channel
        # read "mailto://vigil:***@host:8613", hiding pr@…).
        to = ", ".join(v for k, v in parse_qsl(parts.query) if k == "to")
        if to:
            shown += f" → {to}"
    return shown


#: How the e-mail form's security choice is written in an Apprise URL: scheme and ``mode``.
SMTP_SECURITY = {
    "starttls": ("mailtos", "starttls"),
    "ssl": ("mailtos", "ssl"),
    "none": ("mailto", ""),
}


def smtp_url(
    host: str,
    port: int | None,
    security: str,
    user: str,
    password: str,
    sender: str,
    to: list[str],
) -> str:
    """The Apprise URL of an SMTP server, from the fields a person fills in: a trial's PR
    team had to learn Apprise's URL syntax to get e-mail. User and password go in the query,
    so that characters such as @ and : in them need no care."""
    scheme, mode = SMTP_SECURITY[security]
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    params = [("mode", mode)] if mode else []
    params += [("user", user), ("pass", password)] if user else []
    params += [("from", sender)]
    if to:
        params.append(("to", ",".join(to)))
    return f"{scheme}://{netloc}/?" + urlencode(params, quote_via=quote)


def smtp_fields(url: str) -> dict[str, Any] | None:
    """The e-mail form's fields of an Apprise URL that ``smtp_url`` could have written, or
    None (another service, or an address written by hand with more in it)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mailto", "mailtos") or not parts.hostname or parts.username:
        return None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if set(query) - {"mode", "user", "pass", "from", "to"} or parts.path not in ("", "/"):
        return None
    mode = query.get("mode", "")
    security = next(
        (k for k, (scheme, m) in SMTP_SECURITY.items() if (scheme, m) == (parts.scheme, mode)),
        None,
    )
    if security is None or "from" not in query:
        return None
    return {
        "smtp_host": parts.hostname,
        "smtp_port": parts.port,
        "smtp_security": security,
        "smtp_user": query.get("user", ""),
        "smtp_password": query.get("pass", ""),
        "mail_from": query["from"],
        "mail_to": "\n".join(a for a in query.get("to", "").split(",") if a),
    }


#: Services said in the reader's language; other schemes are named by Apprise itself.
_SERVICES = {
    "mailto": _("E-mail"),
    "mailtos": _("E-mail"),
    "dingtalk": _("DingTalk"),
    "wecombot": _("WeCom"),
    "feishu": _("Feishu"),
    "msteams": "Teams",
}


def _service_of(url: str) -> str:
    import apprise

    scheme = urlsplit(url).scheme.lower()
    if scheme in _SERVICES:
        return str(_SERVICES[scheme])
    service = apprise.Apprise.instantiate(url)
    # An https address Apprise reads as a service (a WeCom bot's own URL) is named as its
    # scheme is: the rules list said "WeCom Bot" where the channels said "WeCom" (a zh trial).
    protocols = getattr(service, "secure_protocol", None) or ()
    for protocol in (protocols,) if isinstance(protocols, str) else protocols:
        if protocol in _SERVICES:
            return str(_SERVICES[protocol])
    return str(getattr(service, "service_name", "") or scheme)


#: The webhook addresses Chinese chat apps hand out, and the Apprise address each is:
#: a PR person pastes what the DingTalk or Feishu robot page shows (a zh trial's was refused).
_NATIVE = (
    (
        re.compile(r"^https://oapi\.dingtalk\.com/robot/send\?(?:.*&)?access_token=([\w-]+)"),
        "dingtalk://{}/",
    ),
    (
        re.compile(r"^https://qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?(?:.*&)?key=([\w-]+)"),
        "wecombot://{}/",
    ),
    (re.compile(r"^https://open\.feishu\.cn/open-apis/bot/v2/hook/([\w-]+)"), "feishu://{}/"),
    (re.compile(r"^https://open\.larksuite\.com/open-apis/bot/v2/hook/([\w-]+)"), "lark://{}/"),
)


def from_native(url: str) -> str:
    """``url`` as Apprise writes it, when it is a chat app's own webhook address; else as is.
    A DingTalk robot with 加签 (signing) needs its secret too: dingtalk://SECRET@TOKEN/."""
    for pattern, apprise_url in _NATIVE:
        found = pattern.match(url)
        if found:
            return apprise_url.format(found.group(1))
    return url


class AppriseConfig(TransportConfig):
    urls: list[str] = Field(..., min_length=1, max_length=10)
    to_recipients: bool = False
    body_format: str = Field("text", pattern="^(text|markdown|html)$")

    @field_validator("urls")
    @classmethod
    def _known_schemes(cls, value: list[str]) -> list[str]:
        import apprise

        clean = [from_native(u.strip()) for u in value if u.strip()]
        if not clean:
            raise Problem(gettext_noop("give at least one Apprise URL"))
        for url in clean:
            with _captured() as records:
                refused = apprise.Apprise.instantiate(url) is None
            if refused and any("~From~" in r.getMessage() for r in records):
                # Apprise needs a sender, and "user@host" is none when the host is an IP
                # address or has no domain: a trial's mailto://127.0.0.1:2525 got the
                # generic words below and no hint of what was missing.
                raise Problem(
                    gettext_noop(
                        "the e-mail address %(url)s has no valid sender: add one, "
                        "e.g. ?from=vigil@example.com&to=pr@example.com"
                    ),
                    url=repr(_mask(url)),
                )
            if refused:
                raise Problem(
                    gettext_noop(
                        "Apprise does not understand the address %(url)s: write it as "
                        "service://…, e.g. dingtalk://ACCESS_TOKEN/ (with 加签: "
                        "dingtalk://SECRET@ACCESS_TOKEN/), wecombot://KEY/ or feishu://TOKEN/; "
                        "a DingTalk, WeCom, Feishu or Lark robot's own webhook address is "
                        "understood as it is"
                    ),
                    url=repr(_mask(url)),
                )
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
        smtp = smtp_fields(self.cfg.urls[0]) if len(self.cfg.urls) == 1 else None
        if smtp is not None:
            # A channel the e-mail form wrote reads as the form's fields, not as the Apprise
            # address it is stored as (a zh trial read "mailto://127.0.0.1:2547/").
            host = str(smtp["smtp_host"])
            server = f"[{host}]" if ":" in host else host
            if smtp["smtp_port"]:
                server += f":{smtp['smtp_port']}"
            to = ", ".join(smtp["mail_to"].split("\n")) if smtp["mail_to"] else ""
            if self.cfg.to_recipients:
                to = str(_("each recipient's address"))
            return f"SMTP {server} → {to}" if to else f"SMTP {server}"
        return ", ".join(_mask(u) for u in self.cfg.urls)

    def service(self) -> str:
        """The services of its URLs: "E-mail", or "E-mail/Slack" for a channel with both."""
        return "/".join(dict.fromkeys(_service_of(u) for u in self.cfg.urls))

    def form_label(self) -> str:
        # A trial saved an e-mail channel on its form and the list called it "Apprise"; a zh
        # trial's DingTalk and WeCom bots read "Apprise (mail, chat, SMS)" too.
        if len(self.cfg.urls) == 1 and smtp_fields(self.cfg.urls[0]) is not None:
            return str(_("E-mail (SMTP server)"))
        try:
            return self.service()
        except Exception:  # noqa: BLE001 - an address Apprise cannot read: the kind's name
            return ""

    def _urls_for(self, message: Message) -> list[str]:
        if not self.cfg.to_recipients:
            return list(self.cfg.urls)
        if not message.recipient_email:
            raise TransportError(
                "the recipient has no e-mail address (add one on their profile)",
                permanent=True,
                recipient=True,
                code="no_address",
            )
        out = []
        for url in self.cfg.urls:
            joiner = "&" if "?" in url else "?"
            out.append(url + joiner + urlencode({"to": message.recipient_email}))
        return out

    def notify(self, message: Message) -> None:
        import apprise

        # E-mail goes as HTML (the level's colour, links), unless the channel asks for another
        # body format; mail programs that show text read the plain part built from it, links
        # written out as addresses. ``?format=text`` on a mailto URL keeps a mailbox on text.
        as_html = self.cfg.body_format == "text"
        mail, others = apprise.Apprise(), apprise.Apprise()
        cap = channel_timeout()
        for url in self._urls_for(message):
            service = apprise.Apprise.instantiate(url)
            to = mail if as_html and urlsplit(url).scheme in ("mailto", "mailtos") else others
            if service is None or not to.add(service):
                raise TransportError(
                    f"Apprise refused {_mask(url)!r}",
                    permanent=True,
                    code="apprise_refused",
                    params={"url": _mask(url)},
                )
            # Plugins read these for every socket they open (smtplib's timeout, requests').
            service.socket_connect_timeout = min(float(service.socket_connect_timeout), cap)
            service.socket_read_timeout = min(float(service.socket_read_timeout), cap)
        link = message.link_line or message.url
        body = message.body + (f"\n\n{link}" if link else "")
        ok = True
        with _captured() as records:
            if len(mail):
                ok = bool(
                    mail.notify(body=html_body(message), title=message.title, body_format="html")
                )
            if len(others):
                format_ = self.cfg.body_format
                ok = bool(others.notify(body=body, title=message.title, body_format=format_)) and ok
        if not ok:
            services = {str(s.service_name) for s in [*mail, *others]}
            raise _send_failure(records, sorted(services))


def _send_failure(records: list[logging.LogRecord], services: list[str]) -> TransportError:
    """What went wrong, from what Apprise logged: its warnings as the stored text, and the
    kind of failure (chained as one of Vigil's fetch errors) for the reader's language."""
    messages = [r.getMessage() for r in records]
    said = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    socket_said = [
        m.removeprefix("Socket Exception: ") for m in messages if m.startswith("Socket Exception: ")
    ]
    # Only the warnings are stored: the debug lines may quote a URL path or a payload that
    # holds the service's token (a Slack or Discord hook).
    detail = " | ".join(said)[-500:] or "Apprise could not send the notification"
    failure = _failure_of(" ".join(said), " ".join(socket_said))
    error = TransportError(
        detail,
        code="" if failure else "apprise_failed",
        params={"host": _host_in(messages) or ", ".join(services)},
    )
    error.__cause__ = failure
    return error


_RECORDS: ContextVar[list[logging.LogRecord] | None] = ContextVar("apprise_records", default=None)


class _Capture(logging.Filter):
    """Keeps what Apprise logs during this send, and passes on to Vigil's log only INFO and
    above.

    Apprise says why a connection failed only at DEBUG ("Socket Exception: …"), in lines
    that also quote payloads and URLs holding tokens, so those must never reach the log.
    Installed once on Apprise's logger (set to DEBUG for it), since changing the logger's
    level around each send would race between the outbox's threads. A context variable,
    not a thread-local: Apprise sends from its worker threads in a copy of the caller's
    context.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        records = _RECORDS.get()
        if records is not None:
            records.append(record)
        return record.levelno >= logging.INFO


_CAPTURE = _Capture()


@contextlib.contextmanager
def _captured() -> Iterator[list[logging.LogRecord]]:
    logger = logging.getLogger("apprise")
    if _CAPTURE not in logger.filters:
        logger.addFilter(_CAPTURE)
        logger.setLevel(logging.DEBUG)
    records: list[logging.LogRecord] = []
    token = _RECORDS.set(records)
    try:
        yield records
    finally:
        _RECORDS.reset(token)


_STATUS = re.compile(r"error=(\d{3})\b")
_HOST = re.compile(r"host='([^']+)'|(?:sending|submitting) .* to \"?([\w.\-:\[\]]+?)\"?\.?$")
_URL = re.compile(r"\bURL: (https?://\S+)")


def _host_in(messages: list[str]) -> str:
    """The host Apprise names ("… notification to smtp.example.com.", "POST URL: …")."""
    for message in messages:
        found = _HOST.search(message)
        if found:
            return found.group(1) or found.group(2) or ""
        url = _URL.search(message)
        if url:
            return urlsplit(url.group(1)).hostname or ""
    return ""


def _failure_of(said: str, socket_said: str) -> http_errors.FetchError | None:
    """What Apprise logged, as one of Vigil's fetch errors for the failure classifier: an
    HTTP status it quoted, a timeout, or a connection that failed (DNS, refused, TLS …,
    told apart by the socket's words); None when it said neither."""
    status = _STATUS.search(said)
    if status:
        return http_errors.HttpStatusError(said, status=int(status.group(1)))
    if "timed out" in socket_said.lower() or "timeout" in socket_said.lower():
        return http_errors.Timeout(socket_said)
    if socket_said:
        return http_errors.TransportError(socket_said)
    return None
