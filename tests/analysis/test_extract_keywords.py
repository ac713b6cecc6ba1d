from __future__ import annotations

from vigil.analysis.keywords import Background, add_terms, extract_keywords, hot_words, terms


def test_english_terms_drop_stop_words_and_add_phrases() -> None:
    out = terms("The battery drain is really bad after the update")
    assert "the" not in out and "is" not in out
    assert "battery drain" in out
    assert "update" in out


def test_chinese_terms_are_segmented_words_without_stop_words() -> None:
    out = terms("我们的手机电池在充电的时候爆炸了")
    assert "的" not in out and "我们" not in out
    assert "爆炸" in out


def test_registered_brand_names_stay_whole() -> None:
    add_terms(["霁青X9", "Quillon Bank"])
    zh = terms("霁青X9的屏幕又坏了")
    en = terms("quillon bank app is down again")
    assert "霁青X9" in zh
    assert "Quillon Bank" in en
    assert "quillon" not in en


def test_keywords_rank_the_repeated_topic_first() -> None:
    text = "Battery drain after the update. Battery drain everywhere; my battery drain is awful."
    top = extract_keywords(text, top_k=3)
    assert top[0][0] == "battery drain"
    assert top[0][1] == 1.0


def test_chinese_keywords_use_idf_so_rare_words_beat_common_ones() -> None:
    top = [t for t, _ in extract_keywords("手机电池爆炸，手机问题很多，电池爆炸太危险了", top_k=3)]
    assert "爆炸" in top


def test_hot_words_rise_against_the_background() -> None:
    background = Background.from_texts(
        ["Delivery was fine and the app works", "Great app, quick delivery", "App update today"] * 5
    )
    today = [
        "Data breach at the bank, my card details leaked",
        "Is the data breach real? Card details for sale",
        "Data breach confirmed, change your card PIN",
        "The app works fine for me",
    ]
    hot = hot_words(today, background, top_k=5)
    assert hot[0].term == "data breach"
    assert hot[0].docs == 3
    assert hot[0].lift > 1
    assert all(h.term != "app" for h in hot)


def test_hot_words_need_min_docs() -> None:
    assert hot_words(["unique zebra words", "other lonely text"], min_docs=2) == []


def test_hot_words_drop_a_word_nearly_always_used_in_a_phrase() -> None:
    from vigil.analysis.keywords import HotWord, _drop_subsumed

    def word(term: str, docs: int) -> HotWord:
        return HotWord(term, docs, docs, 0.0, 1.0, float(docs))

    words = [
        word("battery drain", 9),
        word("battery", 10),  # 9 of its 10 uses are the phrase: dropped
        word("kettle", 10),
        word("kettle lid", 3),  # too rare to speak for "kettle"
        word("lid", 3),  # as often as "kettle lid": dropped
        word("scald", 4),
    ]
    assert [w.term for w in _drop_subsumed(words)] == [
        "battery drain",
        "kettle",
        "kettle lid",
        "scald",
    ]
    assert [w.term for w in _drop_subsumed(words, top_k=2)] == ["battery drain", "kettle"]
