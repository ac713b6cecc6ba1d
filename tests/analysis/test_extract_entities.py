from __future__ import annotations

from vigil.analysis.entities import Entity, extract_entities, link_to_topics


def _kinds(text: str) -> dict[str, str]:
    return {e.name: e.kind for e in extract_entities(text)}


def test_english_organisations_people_and_places() -> None:
    found = _kinds(
        "Apple CEO Tim Cook said on Monday that Harbor Bank Ltd would open a branch in Leeds. "
        "The University of Oxford and the FDA disagreed."
    )
    assert found["Apple"] == "organisation"
    assert found["Tim Cook"] == "person"
    assert found["Harbor Bank Ltd"] == "organisation"
    assert found["Leeds"] == "place"
    assert found["University of Oxford"] == "organisation"
    assert found["FDA"] == "organisation"


def test_titles_and_person_of_organisation() -> None:
    found = _kinds("Mr. Smith told Reuters that Dr Jane Foster of Keystone Insurance resigned.")
    assert found["Smith"] == "person"
    assert found["Jane Foster"] == "person"
    assert found["Keystone Insurance"] == "organisation"
    assert found["Reuters"] == "organisation"


def test_sentence_openers_are_not_entities() -> None:
    found = _kinds("Honestly the service was bad. Absolutely furious. Why is it so slow?")
    assert found == {}


def test_chinese_entities_with_gazetteer_and_suffix_glue() -> None:
    found = _kinds("星澜科技有限公司的张伟在北京大学说，华为和腾讯在深圳发布了新品。")
    assert found["星澜科技有限公司"] == "organisation"
    assert found["张伟"] == "person"
    assert found["北京大学"] == "organisation"
    assert found["华为"] == "organisation"  # jieba tags it as a person
    assert found["深圳"] == "place"


def test_counts_repeated_names() -> None:
    entities = extract_entities("Reuters reported it first. Later Reuters updated the story.")
    assert entities[0] == Entity("Reuters", "organisation", 2)


def test_link_entities_to_topics() -> None:
    entities = extract_entities("Harbor Bank Ltd opened in Leeds; 海港银行也在杭州开业。")
    links = link_to_topics(
        entities, {"bank": ["Harbor Bank", "海港银行"], "city": ["Leeds"], "x": ["Le"]}
    )
    assert links["Harbor Bank Ltd"] == ["bank"]
    assert links["海港银行"] == ["bank"]
    assert links["Leeds"] == ["city"]


def test_ordinary_chinese_words_are_not_places_or_people() -> None:
    # jieba's dictionary tags 东西, 新鲜, 壶盖 as places and 顾客, 明白, 阳光 as names; a
    # trial's mention page listed "壶盖" (a kettle lid) as a place.
    for text in (
        "这个东西很新鲜，哥哥长大了",
        "明光水壶壶盖弹开烫伤孩子，壶嘴还漏水",
        "顾客很生气，我明白了，这不公正",
        "阳光明媚，明星代言",
        "汤洒了一地，戴久了耳朵疼，于本周发布",
    ):
        assert _kinds(text) == {}, text


def test_chinese_places_by_gazetteer_or_administrative_suffix() -> None:
    found = _kinds("我在北京和上海出差，朝阳区的用户反映，杭州市消协介入，蚌埠也有")
    assert {k for k, v in found.items() if v == "place"} == {
        "北京",
        "上海",
        "朝阳区",
        "杭州市",
        "蚌埠",
    }
    assert _kinds("城中村和小区") == {}


def test_chinese_people_need_a_full_name_or_a_cue() -> None:
    assert _kinds("董明珠表示格力不会降价")["董明珠"] == "person"
    assert _kinds("雷军发微博回应")["雷军"] == "person"
    assert _kinds("客服主管王强说会退款")["王强"] == "person"
    assert "张伟" not in _kinds("张伟和朋友")  # two characters and no cue: not guessed


def test_english_model_numbers_months_and_sentence_openers() -> None:
    found = _kinds(
        "Ordered the Qubrix Air in April. The R7 and X9 ship with GPS and a PC app. "
        "Shares of Solquist Therapeutics rose. Veridane Pharma said it would cut prices. "
        "I bought it from Shopvane in Leeds."
    )
    assert found["Qubrix Air"] == "organisation" and "Ordered the Qubrix Air" not in found
    assert found["Solquist Therapeutics"] == "organisation"
    assert found["Veridane Pharma"] == "organisation"  # not a person for saying something
    assert found["Leeds"] == "place"
    for noise in ("April", "R7", "X9", "GPS", "PC", "Shopvane"):
        assert noise not in found, noise
