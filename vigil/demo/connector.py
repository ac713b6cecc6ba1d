"""The demo source: replays the bundled scenario over accelerated time, offline.

At load time the first ``history_minutes`` of the scenario are released at once (as
past mentions); the rest arrive as the clock runs, ``speed`` scenario minutes per real
minute, so a new user sees mentions, and later a crisis, arrive without internet.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from vigil.lib.i18n import gettext_noop
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    FetchResult,
    RawItemData,
    register,
)

SCENARIO_DIR = Path(__file__).resolve().parent / "scenario"


@cache
def load_scenario(path: str) -> list[dict[str, Any]]:
    """Scenario lines sorted by offset (cached per process)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    return sorted(items, key=lambda item: (item["offset_minutes"], item["id"]))


class DemoConfig(ConnectorConfig):
    scenario: str = Field(
        default=str(SCENARIO_DIR / "mentions.jsonl"),
        description=gettext_noop("Scenario JSONL file"),
        title=gettext_noop("Scenario"),
    )
    started_at: dt.datetime = Field(
        description=gettext_noop("Real time at which the replay started"),
        title=gettext_noop("Started at"),
    )
    history_minutes: int = Field(
        default=3 * 24 * 60,
        ge=0,
        description=gettext_noop("Scenario minutes released at once"),
        title=gettext_noop("History minutes"),
    )
    speed: int = Field(
        default=60,
        ge=1,
        le=100000,
        description=gettext_noop("Scenario minutes per real minute"),
        title=gettext_noop("Speed"),
    )


def scenario_minutes(config: DemoConfig, now: dt.datetime) -> float:
    """How far into the scenario the replay is at ``now`` (minutes from its start)."""
    elapsed_real = (now - config.started_at).total_seconds() / 60
    return config.history_minutes + max(0.0, elapsed_real) * config.speed


@register
class DemoConnector(Connector[DemoConfig]):
    kind: ClassVar[str] = "demo"
    label: ClassVar[str] = gettext_noop("Demo scenario replay")
    default_channel: ClassVar[str] = "news"
    Config: ClassVar[type[BaseModel]] = DemoConfig

    def scenario_minutes_now(self, now: dt.datetime) -> float:
        return scenario_minutes(self.config, now)

    def published_at(self, offset_minutes: float, now: dt.datetime) -> dt.datetime:
        """Map a scenario offset to the real time it is shown as published."""
        config = self.config
        if offset_minutes <= config.history_minutes:
            return config.started_at - dt.timedelta(minutes=config.history_minutes - offset_minutes)
        real = (offset_minutes - config.history_minutes) / config.speed
        return min(now, config.started_at + dt.timedelta(minutes=real))

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        now = dt.datetime.now(dt.UTC)
        scenario = load_scenario(config.scenario)
        released = int(state.get("released", 0))
        horizon = self.scenario_minutes_now(now)
        items: list[RawItemData] = []
        while released < len(scenario) and scenario[released]["offset_minutes"] <= horizon:
            line = scenario[released]
            items.append(_item(line, self.published_at(line["offset_minutes"], now)))
            released += 1
        warnings = ["the scenario has been fully replayed"] if released >= len(scenario) else []
        return FetchResult(items=items, state={"released": released}, warnings=warnings)


def _item(line: dict[str, Any], published: dt.datetime) -> RawItemData:
    return RawItemData(
        external_id=str(line["id"]),
        url=line.get("url") or "",
        title=line.get("title") or "",
        text=line.get("text") or "",
        author=line.get("author") or "",
        author_handle=line.get("author_handle") or "",
        author_followers=line.get("followers"),
        published_at=published,
        channel=line.get("channel") or "",
        site=line.get("site") or "",
        lang=line.get("lang") or "",
        likes=line.get("likes"),
        shares=line.get("shares"),
        comments=line.get("comments"),
        views=line.get("views"),
        raw={"scenario_id": line["id"], "story": line.get("story")},
    )
