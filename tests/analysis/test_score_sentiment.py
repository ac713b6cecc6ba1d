from __future__ import annotations

import threading

import pytest

from vigil.analysis.sentiment import (
    SentimentResult,
    score_sentiment,
    score_sentiment_toward,
    score_sentiments,
)
from vigil.analysis.sentiment.targeted import topic_window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Absolutely love this phone, the camera is amazing and support was fantastic!",
            "positive",
        ),
        ("Terrible service. The app crashed twice and nobody answered my complaint.", "negative"),
        ("质量太差了，用了两天就坏了，客服也不理人，非常失望。", "negative"),
        ("非常好用，物流很快，包装也很精致，推荐购买！", "positive"),
    ],
)
def test_clear_cases_get_their_label(text: str, expected: str) -> None:
    result = score_sentiment(text)
    assert result.label == expected
    assert (result.score > 0) == (expected == "positive")


def test_result_is_bounded_and_carries_language() -> None:
    result = score_sentiment("服务很好")
    assert isinstance(result, SentimentResult)
    assert -1.0 <= result.score <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert result.lang == "zh"


def test_empty_text_is_unknown() -> None:
    result = score_sentiment("   ")
    assert result.label == "unknown"
    assert result.score == 0.0


def test_other_language_on_fast_path_is_unknown_not_a_guess() -> None:
    result = score_sentiment("Le service était vraiment excellent", lang="fr")
    assert result.label == "unknown"
    assert result.lang == "fr"


def test_given_language_is_used() -> None:
    assert score_sentiment("great", lang="en").lang == "en"


def test_batch_agrees_with_single() -> None:
    texts = ["Worst airline ever, lost my bag again.", "物流很快，好评", "", "Great value."]
    batch = score_sentiments(texts)
    for text, result in zip(texts, batch, strict=True):
        single = score_sentiment(text)
        assert result.label == single.label
        assert result.score == pytest.approx(single.score, abs=1e-4)


def test_threads_share_the_model() -> None:
    out: list[str] = []

    def work() -> None:
        out.append(score_sentiment("The refund never arrived and support ignored me.").label)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == ["negative"] * 8


def test_sentiment_toward_topic_reads_its_own_clause() -> None:
    text = "Novalume phones are wonderful and reliable, but Routeo support is a useless joke."
    start = text.index("Routeo")
    toward_rival = score_sentiment_toward(text, [(start, start + 6)])
    toward_us = score_sentiment_toward(text, [(0, 8)])
    assert toward_rival.score < toward_us.score
    assert toward_rival.label == "negative"


def test_topic_window_narrows_to_sentence_and_clause() -> None:
    text = "星澜的手机很好用。但是驰越的车质量太差了，客服也不理人。"
    assert topic_window(text, [(0, 2)], others=[(11, 13)]) == "星澜的手机很好用。"
    assert "驰越" in topic_window(text, [(11, 13)], others=[(0, 2)])
    assert "星澜" not in topic_window(text, [(11, 13)], others=[(0, 2)])
    text = "Novalume phones are wonderful and reliable, but Routeo support is a useless joke."
    assert topic_window(text, [(0, 8)]) == "Novalume phones are wonderful and reliable,"


def test_topic_window_runs_on_until_another_topic_is_named() -> None:
    text = "Got the Brisa K2 kettle on Monday. Lid cracked by Thursday. Support never answered."
    assert topic_window(text, [(8, 13)]) == text
    text = "昨天买了澜图的扫地机。用了一晚上就不动了。后来换了驰越的，很好用。"
    assert (
        topic_window(text, [(4, 6)], others=[(25, 27)])
        == "昨天买了澜图的扫地机。 用了一晚上就不动了。"
    )
    assert topic_window(text, [(25, 27)], others=[(4, 6)]) == "后来换了驰越的，很好用。"
    # A sentence naming two topics passes its run on to neither.
    text = "I switched from Telvaro to Quorrin. Best decision this year."
    assert (
        topic_window(text, [(16, 23)], others=[(27, 34)]) == "I switched from Telvaro to Quorrin."
    )


def test_a_brand_and_its_product_topic_named_by_the_same_words_share_the_run() -> None:
    # The demo's review: the brand topic matched "Lumina", the product topic "Lumina" and
    # "purifier"; the brand's window stopped at the first sentence, a neutral one, and the
    # model called it negative. A competitor still ends the run.
    text = "I put the Lumina purifier to the test. Quiet, and the air is clean. Verdict: worth it."
    brand, product = [(10, 16)], [(10, 16), (17, 25)]
    assert topic_window(text, brand, others=product) == text
    assert topic_window(text, product, others=brand) == text
    text = "明光智能门锁用了一个月。电池很耐用。结论：值得买。"
    assert topic_window(text, [(0, 2)], others=[(0, 2), (4, 6)]) == (
        "明光智能门锁用了一个月。 电池很耐用。 结论：值得买。"
    )
    text = "I put the Lumina purifier next to a Corvane one. Corvane was louder."
    competitor = [(36, 43), (49, 56)]
    assert topic_window(text, brand, others=[*product, *competitor]) == (
        "I put the Lumina purifier next to a Corvane one."
    )


def test_time_words_are_not_contrasts() -> None:
    # "for a while" was read as a contrast and cut the window to "… purifier for a".
    text = "I've had the Lumina air purifier for a while now and it is basically silent."
    assert topic_window(text, [(13, 19)]) == text
    assert topic_window("Lumina is fine, while Corvane is loud.", [(0, 6)]) == "Lumina is fine,"
    text = "明光的售后响应很快，而且态度很好，值得推荐。"
    assert topic_window(text, [(0, 2)]) == text
    assert topic_window("明光的屏幕很好，而电池很差。", [(0, 2)]) == "明光的屏幕很好，"


def test_sentiment_toward_a_brand_named_before_the_complaint() -> None:
    text = "Got the Brisa K2 kettle on Monday. Lid cracked by Thursday and support never answered."
    assert score_sentiment_toward(text, [(8, 13)]).label == "negative"
    text = "昨天买了澜图的扫地机。用了一晚上就坏了，客服也找不到人，太失望了。"
    assert score_sentiment_toward(text, [(4, 6)]).label == "negative"


def test_topic_window_without_spans_is_whole_text() -> None:
    assert topic_window("abc. def.", []) == "abc. def."
