"""The transport contract: one class per channel kind, registered by name.

A transport turns a ``Message`` into one send. ``notify`` returns on success and raises
``TransportError`` otherwise; ``permanent=True`` says retrying cannot help (a bad URL,
a 4xx answer), so the outbox stops retrying. Config is JSON checked by the transport's
pydantic ``Config`` model (healthchecks' transports, without its ``if kind ==`` chains).

The outbox calls ``send``, not ``notify``: a remote transport's send is given up after
``VIGIL_CHANNEL_TIMEOUT`` seconds in all, whatever the receiver does.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from vigil.lib.http_errors import Timeout
from vigil.lib.i18n import problem_of

__all__ = [
    "InvalidConfig",
    "Message",
    "Transport",
    "TransportConfig",
    "TransportError",
    "build_transport",
    "channel_timeout",
    "load_transports",
    "register",
    "send_within",
    "transport_class",
    "transport_kinds",
    "validate_transport_config",
]


class TransportError(Exception):
    """A send that failed; ``permanent`` when only a configuration change can fix it,
    ``recipient`` when the fault is the recipient's (no address), not the channel's.

    The message is kept as it is (English, for administrators). ``code`` and ``params`` name
    a failure only a channel has (``vigil.alerts.failures``) so screens can say it in the
    reader's language; a network failure needs none when it is raised from one of
    ``vigil.lib.http_errors`` (a ``Timeout``, an ``HttpStatusError`` …), which the shared
    classifier reads from the exception chain. ``params`` may also give what the chain
    cannot say, such as the ``host`` of a service known only by name.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        recipient: bool = False,
        code: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.recipient = recipient
        self.code = code
        self.params = params or {}


class TransportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class Message:
    """What every transport sends: a title and text for people, a payload for machines."""

    title: str
    body: str
    level: str = ""
    #: The title without its level mark ("[II] " or 【Ⅱ级】): the bell shows the level as a
    #: badge. Empty: the title as it is.
    headline: str = ""
    url: str = ""
    #: ``url`` as a line for people, labelled in the message's language ("Open in Vigil: …");
    #: empty: the bare URL.
    link_line: str = ""
    #: A line of ``body`` that must stand out (a response target already missed): an HTML
    #: e-mail sets it apart in the colour of warnings. Empty: none.
    warning_line: str = ""
    event: str = "alert.fired"  # alert.fired | escalated | raised | grew | digest | test
    #: The language the message is written in (en, zh-hans): an HTML e-mail declares it.
    language: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    recipient_id: int | None = None
    recipient_email: str = ""
    alert_id: int | None = None
    #: The outbox row being sent: the same on every retry, so receivers can drop repeats.
    delivery_id: int | None = None


class Transport(ABC):
    """Sends messages through one configured channel."""

    kind: ClassVar[str]
    label: ClassVar[str]
    Config: ClassVar[type[TransportConfig]]
    #: Personal transports send once per recipient (in-app, e-mail to each user);
    #: the others once per alert (a team room, a webhook).
    personal: ClassVar[bool] = False
    #: Remote transports wait on a receiver outside Vigil, so ``send`` caps them at
    #: VIGIL_CHANNEL_TIMEOUT on a helper thread. A transport that writes Vigil's own
    #: database (in-app) is not remote: it must run in the caller's thread and transaction.
    remote: ClassVar[bool] = True

    def __init__(self, config: TransportConfig) -> None:
        self.config = config

    def is_personal(self) -> bool:
        return self.personal

    @abstractmethod
    def notify(self, message: Message) -> None:
        """Send ``message`` or raise ``TransportError``."""

    def send(self, message: Message) -> None:
        """``notify``, given up after VIGIL_CHANNEL_TIMEOUT seconds when remote."""
        if self.remote:
            send_within(channel_timeout(), lambda: self.notify(message), self.describe())
        else:
            self.notify(message)

    def describe(self) -> str:
        """A one-line summary of the configuration that is safe to show (no secrets)."""
        return self.kind

    def service(self) -> str:
        """The service it sends to, short and in the reader's language ("E-mail", "Webhook"):
        what a list of rules says before the channel's name."""
        return self.kind

    def form_label(self) -> str:
        """The kind as the channel form offers it, when that says more than the transport's
        kind ("E-mail (SMTP server)" for an Apprise channel made on the e-mail form); empty
        for the kind's own label."""
        return ""

    def save_warning(self) -> str:
        """What to tell whoever saves this configuration that it will not work as it stands
        (in the reader's language); empty when nothing is known to stop it."""
        return ""


def channel_timeout() -> float:
    """Seconds a remote send may take in all (VIGIL_CHANNEL_TIMEOUT); transports also cap
    their libraries' own socket timeouts with it."""
    from django.conf import settings

    return float(settings.CHANNEL_TIMEOUT)


def send_within(seconds: float, send: Callable[[], None], where: str = "") -> None:
    """Run ``send`` on a helper thread and stop waiting for it after ``seconds``.

    Libraries time out each socket operation, not a whole send: an SMTP server that answers
    a line every few seconds, or Apprise going through several URLs with their own ``cto`` and
    ``rto``, held a worker for minutes. The thread left behind ends at its library's socket
    timeout (capped to the same seconds by the transports); if the receiver accepts the
    notice after all, the retry sends it again with the same delivery id.
    """
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            send()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, name="vigil-channel-send", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        said = f"no answer within {seconds:g} s (VIGIL_CHANNEL_TIMEOUT)"
        # Chained from a Timeout so screens say it in the reader's language, naming ``where``.
        raise TransportError(said, params={"host": where}) from Timeout(said)
    if outcome[0] is not None:
        raise outcome[0]


_registry: dict[str, type[Transport]] = {}


def register(cls: type[Transport]) -> type[Transport]:
    """Class decorator: make ``cls`` available as channel kind ``cls.kind``."""
    existing = _registry.get(cls.kind)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"channel kind {cls.kind!r} is registered twice")
    _registry[cls.kind] = cls
    return cls


def load_transports() -> None:
    """Import every module of this package so each registers its transport."""
    package = importlib.import_module("vigil.alerts.transports")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "base":
            importlib.import_module(f"vigil.alerts.transports.{info.name}")


def transport_kinds() -> dict[str, type[Transport]]:
    if not _registry:
        load_transports()
    return dict(sorted(_registry.items()))


def transport_class(kind: str) -> type[Transport]:
    kinds = transport_kinds()
    try:
        return kinds[kind]
    except KeyError:
        raise TransportError(
            f"unknown channel kind {kind!r}; choose one of {', '.join(kinds)}",
            permanent=True,
            code="unknown_kind",
            params={"kind": kind},
        ) from None


class InvalidConfig(ValueError):
    """A channel configuration that is not valid. The message lists the problems in English;
    ``problems`` keeps them (``{"field", "type", "text", "params"}``, see
    ``vigil.lib.i18n.problem_of``) to be said in the reader's language."""

    def __init__(self, problems: list[dict[str, Any]], message: str) -> None:
        super().__init__(message)
        self.problems = problems


def validate_transport_config(kind: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """The config of ``kind`` with defaults filled in; ``InvalidConfig`` lists the problems."""
    cls = transport_class(kind)
    try:
        return cls.Config.model_validate(data or {}).model_dump(mode="json")
    except ValidationError as exc:
        fields = [".".join(str(p) for p in e["loc"]) or "config" for e in exc.errors()]
        message = "; ".join(
            f"{field}: {str(e['msg']).removeprefix('Value error, ')}"
            for field, e in zip(fields, exc.errors(), strict=True)
        )
        problems = [
            {"field": field, **problem_of(e)} for field, e in zip(fields, exc.errors(), strict=True)
        ]
        raise InvalidConfig(problems, message) from None


def build_transport(kind: str, config: dict[str, Any]) -> Transport:
    cls = transport_class(kind)
    try:
        return cls(cls.Config.model_validate(config or {}))
    except ValidationError as exc:
        raise TransportError(
            f"invalid channel configuration: {exc}", permanent=True, code="bad_config"
        ) from None
