"""Text folding and tokenising shared across Vigil (vigil.lib.text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.lib.text import canonical, fold, has_cjk, is_cjk, scan, scan_words, tokenize


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("Café", "cafe"),
        ("Straße", "strasse"),
        ("ﬁle", "file"),
        ("华为", "华为"),
    ],
)
def test_fold_width_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_cjk_detection() -> None:
    assert is_cjk("华") and is_cjk("カ") and not is_cjk("a") and not is_cjk("한")
    assert has_cjk("abc华") and not has_cjk("abc")


def test_tokenize_splits_words_numbers_and_cjk_characters_with_offsets() -> None:
    tokens = tokenize("Huawei的Mate60，降价 #华为 @Tim")
    assert [t.text for t in tokens] == ["huawei", "的", "mate60", "降", "价", "华", "为", "tim"]
    assert [(t.start, t.end) for t in tokens][:3] == [(0, 6), (6, 7), (7, 13)]
    assert [t.mark for t in tokens] == ["", "", "", "", "", "#", "", "@"]
    assert tokens[4].glued and not tokens[3].glued  # 降价 glued; 降 follows "，"


def test_whitespace_glues_cjk_but_punctuation_does_not() -> None:
    assert [t.glued for t in tokenize("华 为，手")] == [False, True, False]


def test_canonical_string_wraps_words_and_joins_cjk() -> None:
    assert canonical(scan("Apple的iPhone，很好 OK")) == " apple 的 iphone 很好 ok "


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fast_scan_agrees_with_full_scan(text: str) -> None:
    full = scan(text)
    texts, glued, marks, canon = scan_words(text)
    assert texts == full.texts and glued == full.glued and marks == full.marks
    assert canon == canonical(full)
    assert all(0 <= s < e <= len(text) for s, e in zip(full.starts, full.ends, strict=True))


def test_traditional_chinese_folds_to_simplified_keeping_offsets() -> None:
    from vigil.lib.text import fold, to_simplified

    assert to_simplified("明光電水壺燙傷") == "明光电水壶烫伤"
    assert fold("蘋果手機") == "苹果手机"
    assert len(to_simplified("香港蘋果日報")) == len("香港蘋果日報")


def test_a_simplified_query_matches_a_traditional_post_and_highlights_it() -> None:
    from vigil.monitoring.query import Document, parse

    found = parse("苹果 AND 电水壶").match(Document(text="蘋果和明光電水壺"))
    assert found is not None and found.terms == ["蘋果", "電水壺"]
    assert parse('"電水壺"').match(Document(text="明光电水壶")) is not None
