"""Notification transports, one module per channel kind (see docs/adding-a-channel.md)."""

from __future__ import annotations

from vigil.alerts.transports.base import (
    InvalidConfig,
    Message,
    Transport,
    TransportConfig,
    TransportError,
    build_transport,
    channel_timeout,
    load_transports,
    register,
    send_within,
    transport_class,
    transport_kinds,
    validate_transport_config,
)

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
