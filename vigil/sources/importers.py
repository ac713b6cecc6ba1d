"""Import mentions from CSV, JSONL (or a JSON array) and XLSX files.

Columns are found by common names in English and Chinese (`title`/`标题`, `published_at`/
`发布时间` …). Every good row becomes a `RawItemData`; every bad row becomes a `RowError` with
its line number, so one typo never costs the rest of the file. Pure Python, no Django.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from vigil.lib.i18n import gettext_noop
from vigil.lib.urls import canonical_url, site_of
from vigil.sources.connectors._charset import decode_bytes
from vigil.sources.connectors._common import parse_datetime, to_int
from vigil.sources.connectors.base import CHANNELS, RawItemData

__all__ = [
    "ImportFormatError",
    "ImportReport",
    "RowError",
    "import_file",
    "parse_csv",
    "parse_jsonl",
    "parse_records",
    "parse_xlsx",
]

# Field -> accepted column names, compared after lower-casing and dropping spaces, _ and -.
COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("externalid", "id", "guid", "uid", "itemid", "postid", "编号", "id号"),
    "url": ("url", "link", "href", "permalink", "链接", "网址", "原文链接", "地址"),
    "title": ("title", "headline", "subject", "标题", "主题"),
    "text": ("text", "content", "body", "message", "summary", "description", "正文", "内容", "摘要"),
    "author": ("author", "user", "username", "authorname", "作者", "发布者", "用户", "用户名"),
    "author_handle": ("authorhandle", "handle", "screenname", "账号", "帐号"),
    "author_followers": ("authorfollowers", "followers", "followerscount", "粉丝", "粉丝数"),
    "published_at": (
        "publishedat", "published", "publishdate", "pubdate", "date", "time", "datetime",
        "createdat", "timestamp", "发布时间", "时间", "日期", "发表时间",
    ),
    "channel": ("channel", "channeltype", "渠道", "渠道类型"),
    "site": ("site", "domain", "source", "sitename", "来源", "站点", "媒体", "网站"),
    "lang": ("lang", "language", "语言"),
    "likes": ("likes", "likecount", "favorites", "点赞", "点赞数"),
    "shares": ("shares", "sharecount", "reposts", "retweets", "转发", "转发数", "分享"),
    "comments": ("comments", "commentcount", "replies", "评论", "评论数", "回复数"),
    "views": ("views", "viewcount", "reads", "impressions", "阅读", "阅读数", "浏览", "浏览量", "播放量"),
}  # fmt: skip
_CHANNEL_NAMES = {
    "新闻": "news", "社交": "social", "微博": "social", "论坛": "forum", "博客": "blog",
    "视频": "video", "其他": "other", "其它": "other",
}  # fmt: skip
_COUNTS = ("author_followers", "likes", "shares", "comments", "views")
#: The largest count the database stores (a signed 64-bit integer): a pushed "likes": 1e30
#: was accepted and then failed in the pipeline, where its sender never heard of it.
_MAX_COUNT = 2**63 - 1
_KEY_CHARS = re.compile(r"[\s_\-]+")


class _Explained(ValueError):
    """An error whose English ``reason`` (``%(name)s`` placeholders, in the catalogue) and
    ``params`` stay apart, so a Django caller can say it in the reader's language."""

    def __init__(self, reason: str, **params: Any) -> None:
        self.reason = reason
        self.params = params
        super().__init__(reason % params if params else reason)


class ImportFormatError(_Explained):
    """The file as a whole cannot be read (wrong type, no header, nothing recognisable)."""


class _BadRow(_Explained):
    """One row cannot be used; becomes a `RowError`."""


@dataclass(frozen=True)
class RowError:
    """A bad row; ``reason``/``params`` as in `ImportFormatError`, ``message`` in English."""

    line: int
    reason: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        return self.reason % self.params if self.params else self.reason

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    items: list[RawItemData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> column used


def import_file(filename: str, content: bytes, *, default_tz: tzinfo = UTC) -> ImportReport:
    """Parse an uploaded file by its extension (.csv/.tsv, .jsonl/.ndjson/.json, .xlsx)."""
    name = filename.lower()
    if name.endswith((".csv", ".tsv", ".txt")):
        return parse_csv(content, default_tz=default_tz)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return parse_jsonl(content, default_tz=default_tz)
    if name.endswith(".xlsx"):
        return parse_xlsx(content, default_tz=default_tz)
    raise ImportFormatError(
        gettext_noop("%(file)s: unsupported file type; use .csv, .jsonl or .xlsx"), file=filename
    )


def parse_csv(content: bytes, *, default_tz: tzinfo = UTC) -> ImportReport:
    """CSV in UTF-8 (with or without BOM), GBK/GB18030 or Big5; delimiter sniffed."""
    decoded = decode_bytes(content)
    text = decoded.text.lstrip("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    report = ImportReport(encoding=decoded.encoding)

    def rows() -> Iterator[tuple[int, list[Any] | RowError]]:
        start = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, RowError(start, gettext_noop("unreadable CSV: %(e)s"), {"e": exc})
                return
            yield start, row
            start = reader.line_num + 1

    _table(rows(), report, default_tz)
    return report


def parse_jsonl(content: bytes, *, default_tz: tzinfo = UTC) -> ImportReport:
    """One JSON object per line; a file holding one JSON array is accepted too."""
    decoded = decode_bytes(content)
    text = decoded.text.lstrip("\ufeff")
    report = ImportReport(encoding=decoded.encoding)
    records: list[tuple[int, Any]] = []
    if text.lstrip().startswith("["):
        try:
            array = json.loads(text)
        except ValueError as exc:
            raise ImportFormatError(gettext_noop("not valid JSON: %(e)s"), e=exc) from exc
        records = [(index + 1, value) for index, value in enumerate(array)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except ValueError as exc:
                report.errors.append(
                    RowError(number, gettext_noop("not valid JSON: %(e)s"), {"e": exc})
                )
    seen: dict[str, int] = {}
    for number, record in records:
        if not isinstance(record, dict):
            report.errors.append(
                RowError(
                    number,
                    gettext_noop("expected a JSON object, got %(type)s"),
                    {"type": type(record).__name__},
                )
            )
            continue
        columns = _match_columns(record.keys())
        _add_row(number, record, columns, report, seen, default_tz)
    return report


def parse_records(records: Iterable[Any], *, default_tz: tzinfo = UTC) -> ImportReport:
    """JSON objects already parsed (the push API); "line" numbers are 1-based positions."""
    report = ImportReport(encoding="json")
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            report.errors.append(
                RowError(
                    number,
                    gettext_noop("expected a JSON object, got %(type)s"),
                    {"type": type(record).__name__},
                )
            )
            continue
        _add_row(number, record, _match_columns(record.keys()), report, seen, default_tz)
    return report


def parse_xlsx(content: bytes, *, default_tz: tzinfo = UTC) -> ImportReport:
    """The first (active) sheet of an Excel workbook; line numbers are sheet row numbers."""
    import openpyxl  # imported here: only imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFormatError(
            gettext_noop("not a readable .xlsx workbook: %(e)s"), e=exc
        ) from exc
    try:
        sheet = workbook.active or workbook.worksheets[0]
        report = ImportReport(encoding="xlsx")
        rows = ((n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1))
        _table(rows, report, default_tz)
    finally:
        workbook.close()
    return report


def _table(
    rows: Iterable[tuple[int, list[Any] | RowError]], report: ImportReport, default_tz: tzinfo
) -> None:
    """Shared by CSV and XLSX: first non-empty row is the header."""
    header: list[str] | None = None
    columns: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, row in rows:
        if isinstance(row, RowError):
            report.errors.append(row)
            continue
        if all(_blank(v) for v in row):
            continue
        if header is None:
            header = [
                str(v).strip() if v is not None else f"column{i + 1}" for i, v in enumerate(row)
            ]
            columns = _match_columns(header)
            if not {"title", "text", "url"} & set(columns):
                raise ImportFormatError(
                    gettext_noop(
                        "line %(line)s: no title, text/content or url column found in header "
                        "%(header)s"
                    ),
                    line=number,
                    header=", ".join(header[:12]),
                )
            report.columns = columns
            continue
        if len(row) > len(header) and any(not _blank(v) for v in row[len(header) :]):
            report.errors.append(
                RowError(
                    number,
                    gettext_noop("%(cells)s cells but the header has %(columns)s columns"),
                    {"cells": len(row), "columns": len(header)},
                )
            )
            continue
        record = {header[i]: value for i, value in enumerate(row) if i < len(header)}
        _add_row(number, record, columns, report, seen, default_tz)
    if header is None:
        raise ImportFormatError(gettext_noop("the file is empty (no header row)"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_columns(names: Iterable[str]) -> dict[str, str]:
    """Field -> the first column whose name is one of the field's accepted names."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(_KEY_CHARS.sub("", str(name).lower()), str(name))
    found: dict[str, str] = {}
    for field_name, accepted in COLUMNS.items():
        for candidate in accepted:
            if candidate in by_key and by_key[candidate] not in found.values():
                found[field_name] = by_key[candidate]
                break
    return found


def _add_row(
    number: int,
    record: Mapping[str, Any],
    columns: dict[str, str],
    report: ImportReport,
    seen: dict[str, int],
    default_tz: tzinfo,
) -> None:
    try:
        item = _item(record, columns, default_tz)
    except _BadRow as exc:
        report.errors.append(RowError(number, exc.reason, exc.params))
        return
    except ValueError as exc:
        report.errors.append(RowError(number, str(exc)))
        return
    if item.external_id in seen:
        report.errors.append(
            RowError(
                number,
                gettext_noop("duplicate id '%(id)s' (first on line %(first)s)"),
                {"id": item.external_id, "first": seen[item.external_id]},
            )
        )
        return
    seen[item.external_id] = number
    report.items.append(item)


def _item(record: Mapping[str, Any], columns: dict[str, str], default_tz: tzinfo) -> RawItemData:
    """One row as RawItemData; raises ValueError with a readable reason for a bad row."""

    def value(name: str) -> Any:
        column = columns.get(name)
        raw = record.get(column) if column else None
        return None if _blank(raw) else raw

    def text(name: str) -> str:
        raw = value(name)
        if raw is None:
            return ""
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()

    item = RawItemData(external_id=text("external_id"), raw=_json_row(record))
    for name in ("url", "title", "text", "author", "author_handle", "site", "lang"):
        setattr(item, name, text(name))
    if not (item.title or item.text or item.url):
        raise _BadRow(gettext_noop("row has no title, text or url"))
    if item.url and not item.url.lower().startswith(("http://", "https://")):
        raise _BadRow(gettext_noop("url '%(url)s' is not an http(s) address"), url=item.url[:80])
    published = value("published_at")
    if published is not None:
        item.published_at = parse_datetime(published, default_tz)
        if item.published_at is None:
            raise _BadRow(
                gettext_noop(
                    "%(column)s '%(value)s' is not a date (use e.g. 2024-05-01 12:30 or ISO 8601)"
                ),
                column=columns["published_at"],
                value=str(published)[:40],
            )
    for name in _COUNTS:
        raw = value(name)
        if raw is not None:
            count = to_int(raw)
            if count is None:
                problem = gettext_noop("%(column)s '%(value)s' is not a whole number")
            elif count < 0:
                problem = gettext_noop("%(column)s '%(value)s' is negative: a count is 0 or more")
            elif count > _MAX_COUNT:
                problem = gettext_noop("%(column)s '%(value)s' is too large to be a count")
            else:
                problem = ""
            if problem:
                raise _BadRow(problem, column=columns[name], value=str(raw)[:20])
            setattr(item, name, count)
    channel = text("channel").lower()
    channel = _CHANNEL_NAMES.get(channel, channel)
    if channel and channel not in CHANNELS:
        raise _BadRow(
            gettext_noop("channel '%(channel)s' is not one of %(channels)s"),
            channel=channel,
            channels=", ".join(CHANNELS),
        )
    item.channel = channel
    item.site = item.site or site_of(item.url)
    if not item.external_id:
        item.external_id = canonical_url(item.url) if item.url else _content_id(item)
    return item


def _content_id(item: RawItemData) -> str:
    """A stable id for a row with neither id nor url, so re-importing it is idempotent."""
    when = item.published_at.isoformat() if item.published_at else ""
    key = "\x1f".join((item.title, item.text, item.author, when))
    return "sha1:" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def _json_row(record: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in record.items():
        if raw is None or isinstance(raw, str | int | float | bool):
            out[str(key)] = raw
        elif hasattr(raw, "isoformat"):
            out[str(key)] = raw.isoformat()
        else:
            out[str(key)] = json.loads(json.dumps(raw, default=str))
    return out
