"""Chinese pages say stored codes (kinds, health, sentiment, languages …) in Chinese."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.factories import MentionFactory
from vigil.sources.connectors import connector_kinds, get_connector_class
from vigil.sources.forms import config_fields, kind_label
from vigil.sources.services import create_source

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(client, url: str) -> str:
    response = client.get(url, **ZH)
    assert response.status_code == 200
    return response.content.decode()


def _has_han(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_every_connector_label_field_and_help_has_a_chinese_translation() -> None:
    with translation.override("zh-hans"):
        for kind in connector_kinds():
            if not get_connector_class(kind).__module__.startswith("vigil."):
                continue  # registered by another test
            fields = config_fields(kind)
            texts = [kind_label(kind), *(f.label for f in fields)]
            texts += [f.help for f in fields if f.help]
            untranslated = [t for t in texts if not _has_han(t)]
            assert not untranslated, (kind, untranslated)


def test_add_source_form_shows_kinds_fields_and_help_in_chinese(client_for) -> None:
    analyst = client_for("Analyst")
    page = _page(analyst, "/sources/add/?kind=reddit")
    assert "Reddit（搜索或子版块）" in page and "RSS / Atom 订阅源或新闻搜索" in page
    assert "子版块" in page and "每次运行读取的页数" in page
    assert "Max pages" not in page and "Pages to read per run" not in page
    assert "测试采集" in page


def test_push_kind_offers_no_test_fetch(client_for) -> None:
    analyst = client_for("Analyst")
    fields = analyst.get("/sources/add/?kind=push", HTTP_HX_REQUEST="true", **ZH)
    text = fields.content.decode()
    assert "签名密钥" in text and "测试采集" not in text and "添加" in text


def test_push_source_page_shows_labels_not_codes_and_no_schedule(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(
        name="Vendor push", kind="push", config={"signing_secret": "abc"}, actor=admin.user
    )
    page = _page(admin, f"/sources/{source.pk}/")
    assert "推送（POST /api/ingest）" in page and "尚未收到条目" in page
    assert "签名密钥" in page and "signing_secret" not in page and "{'" not in page
    assert "abc" not in page.split("<h2>")[0]  # masked in the configuration table
    assert "每 900 秒" not in page and "下次运行" not in page
    listing = _page(admin, "/sources/")
    assert "推送（POST /api/ingest）" in listing and ">push<" not in listing


def test_pulled_source_page_keeps_its_schedule(client_for) -> None:
    admin = client_for("Administrator")
    source = create_source(
        name="Feed", kind="rss", config={"url": "https://example.com/f.xml"}, actor=admin.user
    )
    page = _page(admin, f"/sources/{source.pk}/")
    assert "RSS / Atom 订阅源或新闻搜索" in page and "尚未运行" in page
    assert "下次运行" in page and ">new<" not in page


def test_mentions_show_sentiment_language_emotion_and_tier_in_chinese(client_for) -> None:
    analyst = client_for("Analyst")
    mention = MentionFactory(
        lang="zh",
        sentiment="negative",
        emotion="disgust",
        emotions={"disgust": 0.8},
        authority_tier="self_media",
        impact=42.0,
    )
    listing = _page(analyst, "/mentions/")
    assert "负面" in listing and "中文" in listing and ">negative<" not in listing
    page = _page(analyst, f"/mentions/{mention.pk}/")
    assert "负面" in page and "厌恶" in page and "自媒体" in page and "中文" in page
    for code in (">negative<", ">disgust<", "self_media", ">zh<", ">positive<"):
        assert code not in page, code
    assert '<option value="positive" >正面</option>' in page.replace("\n", "")


def test_topic_form_names_its_languages(client_for) -> None:
    analyst = client_for("Analyst")
    page = _page(analyst, "/topics/new/")
    assert "中文" in page and "英文" in page and "日文" in page
    assert not re.search(r">\s*ja\s*</label>", page)
