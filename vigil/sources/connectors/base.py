"""The connector contract: one class per source kind, registered by name.

A connector turns a validated config plus the source's saved state into a `FetchResult`: the
raw items it found and the new state (cursors, since-ids, ETag/Last-Modified, a bounded window
of recently seen ids). `Connector.fetch` wraps the kind-specific `fetch_raw` with what every
kind needs — duplicate ids dropped, already-seen ids skipped, future dates clamped, missing dates
counted, transport errors turned into `ConnectorError` — so each kind stays short.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from vigil.lib.http import FetchError, HttpClient
from vigil.lib.i18n import problem_of

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

CHANNELS = ("news", "social", "forum", "blog", "video", "other")
SEEN_WINDOW = 2000


@dataclass
class RawItemData:
    """One item as a source gave it; the pipeline normalises it into a Mention."""

    external_id: str
    url: str = ""
    title: str = ""
    text: str = ""
    author: str = ""
    author_handle: str = ""
    author_followers: int | None = None
    published_at: datetime | None = None  # aware UTC; None when the source gives none
    channel: str = ""  # one of CHANNELS; "" means the source's default
    site: str = ""
    lang: str = ""
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    views: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class FetchResult:
    items: list[RawItemData]
    state: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False


class ConnectorError(Exception):
    """A fetch that failed as a whole. The message is kept on the source's health panel;
    `permanent` is True when only a config change can fix it (bad key, 404, blocked address).

    `code` and `params` name a common failure (see ``vigil.sources.failures``) so screens
    can say it in the reader's language; failures of ``vigil.lib.http`` need none, being
    classified from the exception chain.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        code: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.params = params or {}


class ConnectorConfig(BaseModel):
    """Base for per-kind configs: unknown keys are refused so typos surface at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SeenIds:
    """A bounded, most-recent-first window of item ids kept in source state.

    Ids are stored as short hashes so the state stays small even for long URL ids.
    """

    KEY = "seen_ids"

    def __init__(self, state: Mapping[str, Any], window: int = SEEN_WINDOW) -> None:
        stored = state.get(self.KEY)
        self._order: list[str] = [str(x) for x in stored] if isinstance(stored, list) else []
        self._known = set(self._order)
        self.window = window

    @staticmethod
    def digest(external_id: str) -> str:
        return hashlib.blake2b(external_id.encode("utf-8"), digest_size=8).hexdigest()

    def __contains__(self, external_id: object) -> bool:
        return isinstance(external_id, str) and self.digest(external_id) in self._known

    def updated(self, external_ids: list[str]) -> list[str]:
        """The window after seeing `external_ids` (all of them are kept, even past the bound,
        so a long feed is not re-yielded on its next fetch)."""
        fresh = list(dict.fromkeys(self.digest(x) for x in external_ids))
        fresh_set = set(fresh)
        older = [d for d in self._order if d not in fresh_set]
        return fresh + older[: max(0, self.window - len(fresh))]


ConfigT = TypeVar("ConfigT", bound=BaseModel)


class Connector(ABC, Generic[ConfigT]):
    """Base class of every source kind. Subclasses set the class attributes and implement
    `fetch_raw`; the framework calls `fetch`. Parametrise with the kind's Config class
    (``class RssConnector(Connector[RssConfig])``) so `self.config` is typed."""

    kind: ClassVar[str]
    label: ClassVar[str]
    default_channel: ClassVar[str] = "other"
    Config: ClassVar[type[BaseModel]]
    seen_window: ClassVar[int] = SEEN_WINDOW
    # False for sources that are fed (push API, file import): the scheduler skips them.
    pull: ClassVar[bool] = True

    def __init__(self, config: ConfigT, http: HttpClient) -> None:
        self.config = config
        self.http = http

    async def fetch(self, state: Mapping[str, Any]) -> FetchResult:
        """Fetch new items. Raises `ConnectorError` only when nothing could be fetched."""
        fetched_at = datetime.now(UTC)
        previous = dict(state or {})
        try:
            result = await self.fetch_raw(dict(previous))
        except FetchError as exc:
            raise ConnectorError(str(exc), permanent=exc.permanent) from exc
        return _finish(result, previous, fetched_at, self.seen_window)

    @abstractmethod
    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        """Kind-specific fetch; may return items already seen (they are filtered out)."""


def _finish(
    result: FetchResult, previous: Mapping[str, Any], fetched_at: datetime, window: int
) -> FetchResult:
    """Apply the rules every kind shares; see the module docstring."""
    warnings = list(result.warnings)
    seen = SeenIds(previous, window)
    by_id: dict[str, RawItemData] = {}
    duplicates = missing_dates = future = 0
    for item in result.items:
        if not item.external_id:
            item.external_id = (
                item.url
                or "sha1:"
                + hashlib.sha1(
                    f"{item.title}\n{item.text}".encode(), usedforsecurity=False
                ).hexdigest()
            )
        if item.external_id in by_id:
            duplicates += 1
            continue
        by_id[item.external_id] = item
        item.raw = _json_safe(item.raw)
        if item.published_at is None:
            missing_dates += 1
        else:
            if item.published_at.tzinfo is None:
                item.published_at = item.published_at.replace(tzinfo=UTC)
            item.published_at = item.published_at.astimezone(UTC)
            if item.published_at > fetched_at:
                item.published_at = fetched_at
                future += 1
    new_items = [item for item in by_id.values() if item.external_id not in seen]
    if duplicates:
        warnings.append(
            f"{_items(duplicates)} repeated an id already in this response; kept the first of each"
        )
    if missing_dates:
        warnings.append(f"{_items(missing_dates)} had no date; fetched time used")
    if future:
        warnings.append(f"{_items(future)} dated in the future; fetched time used")
    state = dict(result.state)
    state[SeenIds.KEY] = seen.updated(list(by_id))
    return FetchResult(
        items=new_items, state=state, warnings=warnings, not_modified=result.not_modified
    )


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


_PLAIN = frozenset({str, int, float, bool})


def _json_safe(value: Any) -> Any:
    """A copy of `value` that json.dumps accepts (datetimes as ISO strings, others as str)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        if type(value) is dict and all(
            type(k) is str and (v is None or type(v) in _PLAIN) for k, v in value.items()
        ):
            return value  # the common case: already JSON-safe, no copy needed
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


# -- registry --------------------------------------------------------------------------------

_REGISTRY: dict[str, type[Connector[Any]]] = {}
_LOADED = False


def register(cls: type[Connector[Any]]) -> type[Connector[Any]]:
    """Class decorator adding a connector kind to the registry."""
    kind = getattr(cls, "kind", "")
    if not kind or not kind.isidentifier():
        raise TypeError(f"{cls.__name__} needs a `kind` that is a plain identifier")
    config = getattr(cls, "Config", None)
    if not (isinstance(config, type) and issubclass(config, BaseModel)):
        raise TypeError(f"{cls.__name__}.Config must be a pydantic model")
    if cls.default_channel not in CHANNELS:
        raise TypeError(f"{cls.__name__}.default_channel must be one of {', '.join(CHANNELS)}")
    existing = _REGISTRY.get(kind)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise TypeError(f"connector kind {kind!r} is already registered by {existing.__name__}")
    _REGISTRY[kind] = cls
    return cls


def load_connectors() -> None:
    """Import every module of this package so their `@register` decorators run."""
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module(__package__ or "vigil.sources.connectors")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    _LOADED = True


def connector_kinds() -> list[str]:
    load_connectors()
    return sorted(_REGISTRY)


def pull_kinds() -> list[str]:
    """Kinds the scheduler fetches (not the push and import kinds)."""
    load_connectors()
    return sorted(kind for kind, cls in _REGISTRY.items() if cls.pull)


def get_connector_class(kind: str) -> type[Connector[Any]]:
    load_connectors()
    try:
        return _REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ConnectorError(
            f"unknown source kind {kind!r}; known kinds: {known}",
            permanent=True,
            code="unknown_kind",
            params={"kind": kind},
        ) from None


def validate_config(kind: str, data: Mapping[str, Any]) -> BaseModel:
    """Check a source's config, raising `ConnectorError` with one line per bad field."""
    cls = get_connector_class(kind)
    if isinstance(data, BaseModel):
        data = data.model_dump()
    try:
        return cls.Config.model_validate(dict(data))
    except ValidationError as exc:
        # "url: …" for a field; a rule across fields has no location and reads on its own.
        # Each problem is kept (JSON-safe) to be said in the reader's language.
        problems = [
            {"field": ".".join(str(p) for p in err["loc"]), **problem_of(err)}
            for err in exc.errors()
        ]
        said = "; ".join(
            (f"{'.'.join(str(p) for p in err['loc'])}: " if err["loc"] else "")
            + str(err["msg"]).removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise ConnectorError(
            f"invalid {kind} config: {said}",
            permanent=True,
            code="bad_config",
            params={"kind": kind, "problems": problems},
        ) from exc


def build_connector(kind: str, config: Mapping[str, Any], http: HttpClient) -> Connector[Any]:
    """Validate `config` and instantiate the connector for `kind`."""
    return get_connector_class(kind)(validate_config(kind, config), http)
