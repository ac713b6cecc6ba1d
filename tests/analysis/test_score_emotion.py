from __future__ import annotations

import pytest

from vigil.analysis.emotion import EMOTIONS, EmotionLexicon, score_emotion


@pytest.mark.parametrize(
    ("text", "dominant"),
    [
        ("I am furious, they scammed me and nobody answers!", "anger"),
        ("Terrified after my phone exploded on the nightstand", "fear"),
        ("So disappointed and heartbroken, my order never came", "sadness"),
        ("Absolutely delighted with the new update, thank you!", "joy"),
        ("Wow, did not see that coming at all — shocking news", "surprise"),
        ("Found a cockroach in my salad. Disgusting.", "disgust"),
        ("客服态度太差，我非常不满，气死了！", "anger"),
        ("充电时手机自燃，太可怕了😱", "fear"),
        ("等了一个月还是没到，太失望了[泪]", "sadness"),
        ("物流超快，包装完好，非常满意，给个好评", "joy"),
        ("没想到这家公司居然会这样，震惊", "surprise"),
        ("外卖里吃出头发和蟑螂，恶心", "disgust"),
    ],
)
def test_dominant_emotion_in_both_languages(text: str, dominant: str) -> None:
    assert score_emotion(text).dominant == dominant


def test_negated_joy_reads_as_sadness_not_joy() -> None:
    en = score_emotion("I am not happy with this at all")
    zh = score_emotion("一点都不开心")
    for result in (en, zh):
        assert result.raw["joy"] == 0
        assert result.raw["sadness"] > 0
        assert result.hits[0].negated


def test_negated_fear_is_dropped() -> None:
    result = score_emotion("Honestly, I'm not afraid of this brand")
    assert result.raw["fear"] == 0
    assert result.dominant is None


def test_negation_scope_stops_at_punctuation_and_previous_term() -> None:
    assert not score_emotion("No, I am happy").hits[0].negated
    result = score_emotion("没想到居然自燃了")
    assert [h.negated for h in result.hits] == [False, False, False]


def test_longest_chinese_term_wins() -> None:
    result = score_emotion("对这个结果很不满意")
    assert [h.term for h in result.hits] == ["不满意"]
    assert result.dominant == "anger"


def test_intensifier_raises_weight() -> None:
    plain = score_emotion("I am angry").raw["anger"]
    strong = score_emotion("I am very angry").raw["anger"]
    assert strong > plain


def test_neutral_text_has_no_dominant_emotion() -> None:
    result = score_emotion("The quarterly report will be published on Tuesday.")
    assert result.dominant is None
    assert result.intensity == 0
    assert set(result.scores) == set(EMOTIONS)


def test_tie_has_no_dominant_emotion() -> None:
    result = score_emotion("sad but happy")
    assert result.raw["sadness"] == result.raw["joy"]
    assert result.dominant is None


def test_custom_lexicon_and_bad_emotion_is_refused() -> None:
    lexicon = EmotionLexicon([("meh", "sadness", 1.0)], [("绝绝子", "joy", 2.0)])
    assert lexicon.score("meh 绝绝子").raw == {
        "anger": 0.0,
        "fear": 0.0,
        "sadness": 1.0,
        "joy": 2.0,
        "surprise": 0.0,
        "disgust": 0.0,
    }
    with pytest.raises(ValueError, match="unknown emotion"):
        EmotionLexicon([("x", "boredom", 1.0)], [])
