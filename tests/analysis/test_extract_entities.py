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
