"""GDELT DOC 2.0 API: worldwide online news matching a keyword query (`mode=ArtList`).

GDELT gives title, URL, domain, language and the time it saw the article, not the text. Each run
asks for articles since the newest one collected (`startdatetime`), or `timespan` the first time.
GDELT answers some query errors as plain text with status 200; those become clear errors.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from vigil.lib.http import BadContent
from vigil.lib.i18n import gettext_noop
from vigil.lib.urls import site_of
from vigil.sources.connectors._common import no_item_list, parse_datetime
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    register,
)

__all__ = ["GdeltConnector"]

# GDELT reports languages by English name; the common ones mapped to ISO 639-1.
_LANGS = {
    "english": "en", "chinese": "zh", "spanish": "es", "french": "fr", "german": "de", "russian": "ru",
    "arabic": "ar", "japanese": "ja", "korean": "ko", "portuguese": "pt", "italian": "it", "dutch": "nl",
    "turkish": "tr", "vietnamese": "vi", "indonesian": "id", "thai": "th", "hindi": "hi", "polish": "pl",
    "ukrainian": "uk", "persian": "fa", "hebrew": "he", "malay": "ms", "swedish": "sv", "greek": "el",
}  # fmt: skip
_MAX_LOOKBACK = timedelta(days=90)


class GdeltConfig(ConnectorConfig):
    query: str = Field(
        min_length=2,
        description=gettext_noop('GDELT query, e.g. huawei sourcelang:english or "data breach"'),
        title=gettext_noop("Query"),
    )
    timespan: str = Field(
        "1d",
        pattern=r"^\d+(min|h|d|w|m)$",
        description=gettext_noop("How far back the first run looks, e.g. 1d, 12h"),
        title=gettext_noop("Time span"),
    )
    max_records: int = Field(
        250,
        ge=1,
        le=250,
        description=gettext_noop("Articles per request (GDELT allows at most 250)"),
        title=gettext_noop("Max records"),
    )
    base_url: str = Field(
        "https://api.gdeltproject.org",
        description=gettext_noop("API base URL (change only for testing)"),
        title=gettext_noop("Base URL"),
    )


@register
class GdeltConnector(Connector[GdeltConfig]):
    kind = "gdelt"
    label = gettext_noop("GDELT worldwide news (DOC 2.0)")
    default_channel = "news"
    Config = GdeltConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        params: dict[str, str | int] = {
            "query": config.query, "mode": "ArtList", "format": "json",
            "maxrecords": config.max_records, "sort": "DateDesc",
        }  # fmt: skip
        since = parse_datetime(state.get("newest_seendate"))
        now = datetime.now(UTC)
        if since is not None and now - since < _MAX_LOOKBACK:
            params["startdatetime"] = since.strftime("%Y%m%d%H%M%S")
        else:
            params["timespan"] = config.timespan
        resp = await self.http.get(config.base_url.rstrip("/") + "/api/v2/doc/doc", params=params)
        try:
            data = resp.json()
        except BadContent as exc:
            message = resp.content[:300].decode("utf-8", "replace").strip()
            if message and not message.startswith("<"):
                raise ConnectorError(
                    f"GDELT refused the query: {message}",
                    permanent=True,
                    code="service_refused",
                    params={"service": "GDELT", "detail": message},
                ) from exc
            raise ConnectorError(
                f"GDELT did not return JSON: {exc}",
                code="not_json",
                params={"host": site_of(resp.url) or "GDELT"},
            ) from exc
        articles = data.get("articles", []) if isinstance(data, dict) else None
        if not isinstance(articles, list):
            raise no_item_list("GDELT", resp.url, data, "an article list")
        items = [_item(a) for a in articles if isinstance(a, dict) and a.get("url")]
        dates = [
            i.published_at for i in items if i.published_at is not None and i.published_at <= now
        ]
        newest = max([*dates, *([since] if since else [])], default=None)
        return FetchResult(
            items=items, state={"newest_seendate": newest.isoformat()} if newest else {}
        )


def _item(article: dict[str, Any]) -> RawItemData:
    url = article["url"]
    language = str(article.get("language", "")).strip().lower()
    return RawItemData(
        external_id=url,
        url=url,
        title=str(article.get("title", "")).strip(),
        published_at=parse_datetime(article.get("seendate")),
        site=site_of(url) or str(article.get("domain", "")),
        lang=_LANGS.get(language, ""),
        raw=article,
    )
