"""Importing files from the UI and the CLI: good rows kept, bad rows reported by line."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vigil.accounts.services import update_preferences
from vigil.cli import main
from vigil.mentions.models import Mention
from vigil.sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "id,标题,正文,发布时间,渠道,点赞\n"
    "1,明光新品发布,明光今日发布新款空气净化器。,2026-11-20 09:00,新闻,5\n"
    "2,,,2026-11-20 10:00,论坛,1\n"
    "3,Kettle complaint,The lid broke after a week.,yesterday-ish,forum,2\n"
    "4,Great vacuum,Lumina robot vacuum works well.,2026-11-21T08:00:00Z,social,x\n"
    "5,Recall news,Lumina recalls kettles.,2026-11-22T08:00:00Z,news,7\n"
)


def test_upload_keeps_good_rows_and_lists_bad_ones(client_for) -> None:
    analyst = client_for("Analyst")
    upload = SimpleUploadedFile("mentions.csv", CSV.encode("utf-8"), content_type="text/csv")
    page = analyst.post(
        "/sources/import/",
        {"source": "Analyst import", "file": upload, "default_timezone": "Asia/Shanghai"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and 'id="import-report"' in text
    assert "2 new, 0 already known, 3 bad rows" in text
    for line in ("3", "4", "5"):
        assert f"<td>{line}</td>" in text
    assert Source.objects.get(name="Analyst import").kind == "upload"
    assert Mention.objects.filter(source__name="Analyst import").count() == 2


def test_the_upload_form_assumes_the_importers_own_time_zone(client_for) -> None:
    """A Weibo export's "2026-11-20 09:00" is Shanghai time for a Shanghai team: the form
    must not silently take it as UTC (eight hours off)."""
    analyst = client_for("Analyst")
    update_preferences(analyst.user, timezone_name="Asia/Shanghai", language="en")
    page = analyst.get("/sources/import/").content.decode()
    assert re.search(r'name="default_timezone"[^>]*value="Asia/Shanghai"', page)
    upload = SimpleUploadedFile("m.csv", CSV.encode("utf-8"), content_type="text/csv")
    analyst.post(
        "/sources/import/",
        {"source": "Shanghai import", "file": upload, "default_timezone": "Asia/Shanghai"},
    )
    first = Mention.objects.get(source__name="Shanghai import", title="明光新品发布")
    assert first.published_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_viewer_cannot_import(client_for) -> None:
    upload = SimpleUploadedFile("m.csv", CSV.encode(), content_type="text/csv")
    assert (
        client_for("Viewer").post("/sources/import/", {"source": "x", "file": upload}).status_code
        == 403
    )


def test_cli_import_reports_lines_and_is_idempotent(tmp_path, capsys) -> None:
    path = tmp_path / "mentions.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import", str(path), "--source", "CLI import"]) == 0
    captured = capsys.readouterr()
    assert "rows=5 new=2 duplicates=0 bad=3 mentions_in_source=2" in captured.out
    assert "mentions.csv: line 3:" in captured.err
    assert main(["import", str(path), "--source", "CLI import"]) == 0
    assert "new=0 duplicates=2" in capsys.readouterr().out


def test_unreadable_file_is_refused_whole(tmp_path, capsys) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK\x03\x04 not a spreadsheet")
    assert main(["import", str(path), "--source", "X"]) == 2
    assert "unsupported file type" in capsys.readouterr().err
