"""The ``vigil query check|match`` and ``vigil bench match`` commands, through argparse."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from vigil.monitoring.commands import register


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="vigil")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_query_check_prints_parsed_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("query", "check", "(华为 OR Huawei) 降价 -二手") == 0
    assert capsys.readouterr().out == "(华为 OR huawei) AND 降价 AND NOT 二手\n"


def test_query_check_reports_column_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("query", "check", "apple NEAR pie") == 2
    assert capsys.readouterr().out == "error at column 7: NEAR needs a distance, e.g. NEAR/5\n"


def test_query_match_prints_ids_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "1", "text": "华为Mate60降价了"}),
        "{not json",
        json.dumps({"id": "2", "text": "nothing here"}),
        json.dumps({"id": "3", "title": "Huawei cuts prices", "text": "", "lang": "en"}),
        json.dumps({"id": "4", "text": "二手华为降价"}),
        json.dumps(["a list"]),
        json.dumps({"id": 5, "text": "Huawei", "site": "huawei.com", "channel": "news"}),
    ]
    data = tmp_path / "posts.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("query", "match", "(华为 OR huawei) -二手", str(data)) == 0
    captured = capsys.readouterr()
    assert captured.out == "1\n3\n5\n"
    assert ":2: skipped, bad JSON" in captured.err
    assert ":6: skipped, bad JSON" in captured.err


def test_query_match_refuses_bad_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "posts.jsonl"
    data.write_text("", encoding="utf-8")
    assert run("query", "match", "(apple", str(data)) == 2
    assert capsys.readouterr().out.startswith("error at column 1:")


def test_bench_match_reports_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("bench", "match", "--queries", "200", "--docs", "300", "--sample", "20") == 0
    out = capsys.readouterr().out
    for words in ("build:", "percolator:", "naive:", "ratio:", "agree"):
        assert words in out


def test_bench_match_build_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("bench", "match", "--queries", "100", "--build-only") == 0
    assert "build:" in capsys.readouterr().out
