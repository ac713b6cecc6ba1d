from __future__ import annotations

import pytest

from vigil.analysis.langid import identify_language, identify_languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The new phone's battery lasts two full days, very impressed.", "en"),
        ("这家店的服务态度太差了，再也不来了。", "zh"),
        ("我买的iPhone 15 Pro Max真的很卡，客服也不管", "zh"),
        ("Just tried the 星巴克 seasonal latte and it was lovely", "en"),
        ("佢哋今日去咗邊度呀", "zh"),
        ("Le service client a été très rapide et aimable.", "fr"),
        ("この商品はとても良かったです", "ja"),
    ],
)
def test_identifies_language(text: str, expected: str) -> None:
    assert identify_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "12345 678", "😀😀😀", "https://example.com/a/b"])
def test_undecidable_text_is_und(text: str) -> None:
    assert identify_language(text) == "und"


def test_batch_matches_single() -> None:
    texts = ["Great service", "服务很好", ""]
    assert identify_languages(texts) == [identify_language(t) for t in texts]
