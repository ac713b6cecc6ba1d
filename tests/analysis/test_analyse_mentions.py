"""The analyse stage on real rows: language, sentiment (overall and toward topics),
emotion, entities, reprints, stories, impact; corrections override and are audited."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone, translation

from tests.factories import RawItemFactory, SourceFactory
from vigil.accounts.models import AuditEntry
from vigil.accounts.services import update_preferences
from vigil.analysis.corrections import agreement, correct_mention, export_corrections
from vigil.analysis.figures import with_last_hour
from vigil.analysis.models import Correction, Story
from vigil.analysis.services import refresh_stories
from vigil.mentions.models import Mention
from vigil.monitoring.models import Match
from vigil.monitoring.services import create_plan, create_topic
from vigil.pipeline.services import process_pending

pytestmark = pytest.mark.django_db

SCALD = "明光电水壶壶盖自己弹开，孩子被开水烫伤了，客服还说是使用不当，太气人了！"


@pytest.fixture
def topics():  # noqa: ANN201
    plan = create_plan(name="Brand")
    lumina = create_topic(plan, name="Lumina", query="明光 OR Lumina", retro_days=0)
    corvane = create_topic(plan, name="Corvane", query="科旺 OR Corvane", retro_days=0)
    return lumina, corvane


def _push(text: str, source=None, **payload):  # noqa: ANN001, ANN003, ANN202
    return RawItemFactory(
        **({"source": source} if source else {}), payload={"title": "", "text": text, **payload}
    )


def test_every_new_mention_is_analysed(topics) -> None:
    _push(SCALD, author_followers=1_200_000, shares=300)
    _push("The Lumina purifier is great, quiet and effective. Love it!")
    process_pending()
    zh, en = Mention.objects.order_by("id")
    assert (zh.lang, en.lang) == ("zh", "en")
    assert zh.sentiment == "negative" and en.sentiment == "positive"
    assert (
        zh.analysed_at is not None and zh.impact is not None and zh.impact_explained["explanation"]
    )
    assert zh.emotion in {"anger", "fear", "sadness", "disgust"}


def test_sentiment_toward_each_topic_can_differ_from_the_whole(topics) -> None:
    lumina, corvane = topics
    _push("科旺的电水壶质量很好，非常满意。明光的电水壶烫伤孩子，太差劲了，再也不买。")
    process_pending()
    toward = {m.topic_id: m.sentiment for m in Match.objects.all()}
    assert toward[lumina.pk] == "negative"
    assert toward[corvane.pk] == "positive"


def test_sentiment_toward_a_topic_reads_on_until_another_topic_is_named(topics) -> None:
    lumina, corvane = topics
    _push(
        "Bought the Lumina kettle on Monday. The lid cracked by Thursday and support never "
        "answered. Corvane replaced mine the same day, brilliant service."
    )
    process_pending()
    toward = {m.topic_id: m.sentiment for m in Match.objects.all()}
    assert toward[lumina.pk] == "negative"
    assert toward[corvane.pk] == "positive"


def test_reprints_join_the_original_and_matched_mentions_form_a_story(topics) -> None:
    a, b = SourceFactory(name="weibo"), SourceFactory(name="forum")
    _push(SCALD, source=a, site="weibo.example")
    process_pending()
    _push("转发：" + SCALD.replace("太气人了", "太过分了"), source=b, site="tieba.example")
    process_pending()
    original, reprint = Mention.objects.order_by("id")
    assert reprint.reprint_of_id == original.pk and reprint.reprint_group == original.pk
    assert original.story_id and original.story_id == reprint.story_id
    story = Story.objects.get(pk=original.story_id)
    assert story.size == 2 and story.sources == 2 and story.impact is not None


def test_a_copy_published_before_the_first_one_seen_is_no_reprint_of_itself(topics) -> None:
    now = timezone.now()
    _push(SCALD, site="weibo.example", published_at=now.isoformat())
    process_pending()
    _push(
        "转发：" + SCALD,
        site="tieba.example",
        published_at=(now - dt.timedelta(hours=1)).isoformat(),
    )
    process_pending()
    seen_first, published_first = Mention.objects.order_by("id")
    assert published_first.reprint_group == seen_first.reprint_group
    assert published_first.reprint_of_id is None


def test_unmatched_mentions_do_not_make_stories(topics) -> None:
    _push("今天天气很好，适合出去玩。")
    process_pending()
    assert Mention.objects.get().story_id is None and not Story.objects.exists()


def test_a_correction_overrides_is_audited_and_counts_in_agreement(
    topics, make_user, tmp_path
) -> None:
    analyst = make_user("Analyst")
    _push(SCALD)
    _push("明光发布新款空气净化器，售价1999元。")
    process_pending()
    scald, launch = Mention.objects.order_by("id")
    correct_mention(scald, "sentiment", scald.sentiment, actor=analyst)  # confirms the model
    other = "neutral" if launch.sentiment != "neutral" else "positive"
    correct_mention(launch, "sentiment", other, actor=analyst)
    launch.refresh_from_db()
    assert launch.effective_sentiment == other and launch.sentiment != other
    assert AuditEntry.objects.filter(action="mention.corrected.sentiment").count() == 2
    assert agreement("sentiment") == (2, 1, 0.5)
    path = tmp_path / "corrections.jsonl"
    assert export_corrections(str(path)) == 2
    assert f'"label": "{other}"' in path.read_text(encoding="utf-8")


def test_noise_is_left_out_of_lists(topics, make_user, client_for) -> None:
    _push("明光路上新开了一家面馆")
    process_pending()
    mention = Mention.objects.get()
    correct_mention(mention, "relevance", "noise", actor=make_user("Analyst"))
    viewer = client_for("Viewer")
    assert viewer.get("/api/mentions").json()["count"] == 0


#: The toward-topic note's Chinese, until the catalogue is rebuilt (`make messages`).
TOWARD_ZH = {
    "as the model read it, not changed by the correction of the whole mention": (
        "模型判断，未随整条更正调整"
    ),
    "corrected by an analyst; the model said %(model)s": "已由分析员校正；模型判断为%(model)s",
}


def _zh_catalogue() -> dict:
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.trans_real.translation("zh-hans")._catalog._catalogs[0]


def test_correction_screen_and_api(topics, client_for) -> None:
    _push(SCALD)
    process_pending()
    mention = Mention.objects.get()
    analyst = client_for("Analyst")
    page = analyst.get(f"/mentions/{mention.pk}/").content.decode()
    # Nothing an analyst has not chosen is preselected: one click on Save must not record
    # a correction nobody made (relevance was never set).
    relevance = page[page.index('value="relevance"') :]
    relevance = relevance[: relevance.index("</select>")]
    assert 'value="" selected disabled' in relevance
    empty = analyst.post(f"/analysis/mentions/{mention.pk}/correct/", {"field": "relevance"})
    assert empty.status_code == 200 and Correction.objects.count() == 0
    panel = analyst.post(
        f"/analysis/mentions/{mention.pk}/correct/", {"field": "emotion", "value": "anger"}
    )
    assert panel.status_code == 200 and "anger" in panel.content.decode()
    api = analyst.post(
        f"/api/mentions/{mention.pk}/corrections",
        data={"field": "sentiment", "value": "bogus"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert (
        client_for("Viewer")
        .post(f"/analysis/mentions/{mention.pk}/correct/", {"field": "emotion", "value": "joy"})
        .status_code
        == 403
    )
    assert Correction.objects.count() == 1
    # Toward-topic sentiment stays the model's, and says so once the whole mention is
    # corrected (a zh trial read 中性 overall beside 正面 toward the brand, unexplained).
    whole = "not changed by the correction of the whole mention"
    assert whole not in analyst.get(f"/mentions/{mention.pk}/").content.decode()
    analyst.post(
        f"/analysis/mentions/{mention.pk}/correct/", {"field": "sentiment", "value": "positive"}
    )
    assert whole in analyst.get(f"/mentions/{mention.pk}/").content.decode()
    # In brackets after the sentiment, as one phrase: not 「负面 明光 · 模型判断；…」 (a zh trial).
    with mock.patch.dict(_zh_catalogue(), TOWARD_ZH):
        zh = analyst.get(f"/mentions/{mention.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "（模型判断，未随整条更正调整）" in zh.content.decode()
    assert (
        "模型判断为 " not in zh.content.decode()
        and '</span> <span class="muted">（' not in zh.content.decode()
    )


def test_analysis_screens_render(topics, client_for) -> None:
    a = SourceFactory(name="weibo")
    _push(SCALD, source=a, site="weibo.example")
    _push("转发：" + SCALD, source=SourceFactory(name="b"), site="b.example")
    process_pending()
    viewer = client_for("Viewer")
    overview = viewer.get("/analysis/").content.decode()
    assert "Sentiment by topic" in overview and "Lumina" in overview
    story = Story.objects.get()
    detail = viewer.get(f"/analysis/stories/{story.pk}/").content.decode()
    assert "Propagation path" in detail and "b.example" in detail
    mention_page = viewer.get(f"/mentions/{Mention.objects.first().pk}/").content.decode()
    assert 'id="analysis-panel"' in mention_page and "why this score" in mention_page
    assert "estimated reach (people)" in mention_page  # the formula, as a table
    viewer.cookies["django_language"] = "zh-hans"
    zh_story = viewer.get(f"/analysis/stories/{story.pk}/").content.decode()
    assert "信息源权威度" in zh_story and "负面舆情占比" in zh_story
    assert "Magnitude" not in zh_story and "weight" not in zh_story
    api = viewer.get(f"/api/stories/{story.pk}").json()
    assert api["size"] == 2 and len(api["propagation"]) == 1
    listed = viewer.get("/api/stories").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == story.pk
    assert viewer.get("/api/stories", {"min_size": 3}).json() == {"items": [], "count": 0}
    assert viewer.get("/api/stories", {"min_size": 0}).status_code == 422


def test_accurate_path_refines_matched_mentions_within_a_budget(topics) -> None:
    from vigil.analysis.services import refine_sentiment

    _push("La bouilloire Lumina a brûlé mon fils, le service client ne répond pas. Honteux !")
    _push(SCALD)  # matched, but Chinese: the fast head is the better model
    _push("Il fait beau aujourd'hui, parfait pour une promenade.")  # not matched
    process_pending()
    french, chinese, other = Mention.objects.order_by("id")
    assert french.lang == "fr" and french.sentiment == "unknown"  # no French fast head
    assert refine_sentiment(budget_seconds=30) == 1
    french.refresh_from_db()
    chinese.refresh_from_db()
    other.refresh_from_db()
    assert french.sentiment_path == "accurate" and french.sentiment in {"negative", "unknown"}
    assert chinese.sentiment_path == other.sentiment_path == "fast"
    assert refine_sentiment(budget_seconds=30) == 0


def test_story_titles_drop_repost_chains() -> None:
    from vigil.analysis.services import readable_title

    assert (
        readable_title("四天不回复？？//@消费维权观察: 【孩子被烫伤】原文") == "【孩子被烫伤】原文"
    )
    assert readable_title("求扩散//@a：//@b：原帖内容") == "原帖内容"
    assert readable_title("No chain here") == "No chain here"


def _story_of_two(topics) -> tuple[Story, Mention, Mention]:  # noqa: ANN001
    _push(SCALD, source=SourceFactory(name="weibo"), site="weibo.example", author="小王")
    _push("转发：" + SCALD, source=SourceFactory(name="b"), site="b.example", author="")
    process_pending()
    original, reprint = Mention.objects.order_by("id")
    return Story.objects.get(), original, reprint


def test_a_storys_tone_counts_the_labels_the_screens_show(topics, make_user) -> None:
    story, original, reprint = _story_of_two(topics)
    # A model "negative" just below zero is negative in the list's column: the impact's
    # tone must count it too (it used the score's -0.05 cut and said 0 % negative).
    Mention.objects.update(sentiment="negative", sentiment_score=-0.03)
    refresh_stories({story.pk})
    story.refresh_from_db()
    assert story.negative_share == 1.0 and story.impact_explained["tone"]["value"] == 1.0
    # An analyst's correction changes the story's figures and the mention's own score.
    before = Mention.objects.get(pk=reprint.pk).impact
    correct_mention(reprint, "sentiment", "positive", actor=make_user("Analyst"))
    story.refresh_from_db()
    reprint.refresh_from_db()
    assert story.negative_share == 0.5 and story.impact_explained["tone"]["value"] == 0.5
    assert reprint.impact < before
    # Noise leaves the story's tone.
    correct_mention(original, "relevance", "noise", actor=make_user("Analyst"))
    story.refresh_from_db()
    assert story.negative_share == 0.0


def test_a_storys_last_hour_is_counted_when_read(topics, client_for) -> None:
    story, original, reprint = _story_of_two(topics)
    hours_ago = timezone.now() - dt.timedelta(hours=3)
    Mention.objects.filter(pk=original.pk).update(published_at=hours_ago)
    Mention.objects.filter(pk=reprint.pk).update(published_at=hours_ago)
    Story.objects.filter(pk=story.pk).update(growth_per_hour=2)  # as of its last update
    assert with_last_hour(Story.objects.all()).get().last_hour == 0
    page = client_for("Viewer").get("/analysis/stories/").content.decode()
    row = page[page.index(f"/analysis/stories/{story.pk}/") :]
    assert 'data-label="Last hour">0</td>' in row[: row.index("</tr>")]


def test_propagation_path_names_authors_and_says_delays_in_the_readers_words(
    topics, client_for
) -> None:
    story, original, reprint = _story_of_two(topics)
    start = dt.datetime(2026, 11, 24, 1, 25, tzinfo=dt.UTC)
    Mention.objects.filter(pk=original.pk).update(published_at=start)
    Mention.objects.filter(pk=reprint.pk).update(
        published_at=start + dt.timedelta(days=2, hours=10, minutes=49)
    )
    viewer = client_for("Viewer")
    update_preferences(viewer.user, timezone_name="Asia/Shanghai", language="en")
    page = viewer.get(f"/analysis/stories/{story.pk}/").content.decode()
    path = page[page.index("Reprinted by") : page.index("Timeline")]
    assert ">小王</a>" in path and f"小王{original.pk}" not in path  # no id glued on
    assert f">#{reprint.pk}</a>" in path  # an author-less mention goes by its number
    assert "2 d 10 h" in path and "days," not in path
    # The graph's times are wall-clock times in the reader's zone, like the table's.
    assert "2026-11-24T09:25:" in page and "+00:00" not in page
    viewer.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):  # the catalogue as `make messages` will compile it
        catalog = translation.trans_real.translation("zh-hans")._catalog._catalogs[0]
        with mock.patch.dict(catalog, {"%(d)s d %(h)s h": "%(d)s 天 %(h)s 小时"}):
            zh = viewer.get(f"/analysis/stories/{story.pk}/").content.decode()
    assert "2 天 10 小时" in zh and "days," not in zh  # never a raw timedelta


def test_the_same_correction_again_is_recorded_once(topics, client_for) -> None:
    _push(SCALD)
    process_pending()
    mention = Mention.objects.get()
    analyst = client_for("Analyst")
    url = f"/api/mentions/{mention.pk}/corrections"
    body = {"field": "sentiment", "value": "neutral"}
    first = analyst.post(url, data=body, content_type="application/json")
    again = analyst.post(url, data=body, content_type="application/json")
    assert first.status_code == 201
    assert again.status_code == 200  # nothing was created: the one in force is answered
    assert again.json() == first.json()
    assert Correction.objects.count() == 1
    assert AuditEntry.objects.filter(action="mention.corrected.sentiment").count() == 1
    changed = analyst.post(url, data={**body, "value": "negative"}, content_type="application/json")
    back = analyst.post(url, data=body, content_type="application/json")  # back again: a change
    assert changed.status_code == back.status_code == 201
    assert Correction.objects.count() == 3


def test_corrections_refuse_bad_fields_and_values_in_the_callers_language(
    topics, client_for, zh_hans_catalogue
) -> None:
    _push(SCALD)
    process_pending()
    mention = Mention.objects.get()
    analyst = client_for("Analyst")
    url = f"/api/mentions/{mention.pk}/corrections"
    field = analyst.post(url, data={"field": "mood", "value": "x"}, content_type="application/json")
    assert field.status_code == 422
    assert "'sentiment', 'emotion' or 'relevance'" in field.json()["error"]["message"]
    value = analyst.post(
        url,
        data={"field": "emotion", "value": "bored"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert value.status_code == 400 and "anger" in value.json()["error"]["message"]
    assert "must be one of" not in value.json()["error"]["message"]
    assert (
        analyst.post(
            "/api/mentions/999999/corrections",
            data={"field": "emotion", "value": "joy"},
            content_type="application/json",
        ).status_code
        == 404
    )
