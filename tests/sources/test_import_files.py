"""CSV, JSONL and XLSX imports: good rows kept, bad rows reported with line numbers."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from vigil.sources.importers import (
    ImportFormatError,
    import_file,
    parse_csv,
    parse_jsonl,
    parse_xlsx,
)

CSV = """id,url,title,content,author,published_at,channel,likes
1,https://news.example.com/a?utm_source=x,Acme recall,Acme recalls chargers,Jane,2024-05-01T12:00:00Z,news,10
2,,Bad date,Some text,Joe,yesterday-ish,news,
3,ftp://files.example.com/x,Bad url,text,,2024-05-01,news,
4,,"Multi
line title",Body,Ann,2024/05/01 20:00,论坛,1.2万
5,,,,,,,
6,,Bad channel,text,,,radio,
7,,Bad count,text,,,,many
1,,Duplicate id,text,,,,
"""


def test_csv_keeps_good_rows_and_reports_bad_ones() -> None:
    report = parse_csv(CSV.encode("utf-8"), default_tz=ZoneInfo("Asia/Shanghai"))
    assert [i.external_id for i in report.items] == ["1", "4"]
    first, multi = report.items
    assert first.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert first.site == "news.example.com"
    assert first.likes == 10
    assert multi.title == "Multi\nline title"
    assert multi.channel == "forum"
    assert multi.likes == 12000
    assert multi.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    errors = {e.line: e.message for e in report.errors}
    assert sorted(errors) == [3, 4, 7, 8, 9, 10]  # the quoted title spans lines 5-6
    assert "'yesterday-ish' is not a date" in errors[3]
    assert "not an http(s) address" in errors[4]
    assert "no title, text or url" in errors[7]
    assert "channel 'radio'" in errors[8]
    assert "'many' is not a whole number" in errors[9]
    assert "duplicate id '1' (first on line 2)" in errors[10]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_and_chinese_headers(encoding: str) -> None:
    text = "标题,正文,发布时间,来源,点赞数\n艾克美召回充电器,网友热议召回事件的后续进展情况,2024年5月1日 20:00,微博,35\n售后问题,等待维修三周仍未解决，消费者十分不满,2024-05-01 18:30,论坛,7\n"
    report = parse_csv(text.encode(encoding), default_tz=ZoneInfo("Asia/Shanghai"))
    assert report.errors == []
    assert [i.title for i in report.items] == ["艾克美召回充电器", "售后问题"]
    assert report.items[0].published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert report.items[0].site == "微博"
    assert report.items[0].likes == 35
    assert report.items[0].external_id.startswith("sha1:")


def test_semicolon_csv_is_sniffed() -> None:
    report = parse_csv(b"title;url\nHello;https://a.example/1\n")
    assert [(i.title, i.url) for i in report.items] == [("Hello", "https://a.example/1")]


def test_jsonl_with_bad_lines() -> None:
    lines = [
        '{"id": "a1", "title": "Acme", "text": "ok", "date": 1714564800, "shares": 3}',
        "",
        '{"id": "a2", "title": ',
        '["not", "an", "object"]',
        '{"id": "a3", "content": "fine", "time": "Wed, 01 May 2024 12:00:00 +0000", "views": "1,234"}',
    ]
    report = parse_jsonl("\n".join(lines).encode())
    assert [i.external_id for i in report.items] == ["a1", "a3"]
    assert report.items[0].published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert report.items[1].views == 1234
    assert [e.line for e in report.errors] == [3, 4]
    assert "not valid JSON" in report.errors[0].message
    assert "expected a JSON object" in report.errors[1].message


def test_xlsx_rows_with_line_numbers() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Title", "URL", "Published At", "Comments"])
    sheet.append(["Acme recall", "https://a.example/1", datetime(2024, 5, 1, 20, 0), 5])
    sheet.append(["No date is fine", None, None, 2.0])
    sheet.append([None, None, None, None])
    sheet.append(["Bad count", None, None, "lots"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = parse_xlsx(buffer.getvalue(), default_tz=ZoneInfo("Asia/Shanghai"))
    assert [i.title for i in report.items] == ["Acme recall", "No date is fine"]
    assert report.items[0].published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert report.items[1].comments == 2
    assert [(e.line, "'lots' is not a whole number" in e.message) for e in report.errors] == [
        (5, True)
    ]


def test_whole_file_problems() -> None:
    with pytest.raises(ImportFormatError, match="unsupported file type"):
        import_file("data.pdf", b"%PDF")
    with pytest.raises(ImportFormatError, match="not a readable .xlsx"):
        import_file("data.xlsx", b"not a zip")
    with pytest.raises(
        ImportFormatError, match=r"no title, text/content or url column .* foo, bar$"
    ):
        import_file("data.csv", b"foo,bar\n1,2\n")
    with pytest.raises(ImportFormatError, match="empty"):
        import_file("data.csv", b"")
