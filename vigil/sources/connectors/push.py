"""Sources that are fed rather than fetched: the push API and file imports.

They never run on the schedule (``pull = False``); their items arrive through
``POST /api/ingest`` or an uploaded file and are stored like any fetched item.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from vigil.lib.i18n import gettext_noop
from vigil.sources.connectors._common import ChannelName, secret
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    FetchResult,
    register,
)


class PushConfig(ConnectorConfig):
    signing_secret: str = secret(
        gettext_noop(
            "Shared secret for the X-Vigil-Signature header (HMAC-SHA256); empty: API tokens only"
        ),
        title=gettext_noop("Signing secret"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: other)"),
        title=gettext_noop("Channel"),
    )


class UploadConfig(ConnectorConfig):
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: other)"),
        title=gettext_noop("Channel"),
    )


@register
class PushConnector(Connector[PushConfig]):
    kind: ClassVar[str] = "push"
    label: ClassVar[str] = gettext_noop("Push (POST /api/ingest)")
    default_channel: ClassVar[str] = "other"
    Config: ClassVar[type[PushConfig]] = PushConfig
    pull: ClassVar[bool] = False

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        return FetchResult(items=[], state=state)


@register
class UploadConnector(Connector[UploadConfig]):
    kind: ClassVar[str] = "upload"
    label: ClassVar[str] = gettext_noop("File import (CSV, JSONL, XLSX)")
    default_channel: ClassVar[str] = "other"
    Config: ClassVar[type[UploadConfig]] = UploadConfig
    pull: ClassVar[bool] = False

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        return FetchResult(items=[], state=state)
