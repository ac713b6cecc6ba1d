"""Source connectors: one module per kind, registered by name (see docs/adding-a-connector.md)."""

from __future__ import annotations

from vigil.sources.connectors.base import (
    CHANNELS,
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    SeenIds,
    build_connector,
    connector_kinds,
    get_connector_class,
    load_connectors,
    pull_kinds,
    register,
    validate_config,
)

__all__ = [
    "CHANNELS",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "FetchResult",
    "RawItemData",
    "SeenIds",
    "build_connector",
    "connector_kinds",
    "get_connector_class",
    "load_connectors",
    "pull_kinds",
    "register",
    "validate_config",
]
