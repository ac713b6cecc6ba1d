"""Punctuation in the reader's language: Chinese text takes full-width marks (名称：值,
（说明）), English half-width ones. A zh trial read 「✓ 有效: …」 and 「(已搜索 0 条)」."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """ ": " in English, "：" in Chinese (no space after it)."""
    return pgettext("punctuation", ": ")


@register.simple_tag
def open_paren() -> str:
    """ " (" in English, "（" in Chinese."""
    return pgettext("punctuation", " (")


@register.simple_tag
def close_paren() -> str:
    return pgettext("punctuation", ")")


def list_separator() -> str:
    """How the active language separates the items of a list: 、 in Chinese (a trial read
    "此前已通知、尚未确认：admin, Zhou Ming"), a comma otherwise."""
    return "、" if (translation.get_language() or "").startswith("zh") else ", "


def sentence_gap() -> str:
    """What goes between two sentences: a space in English, nothing after Chinese 。 (a zh
    trial read 「预警已上报。 处置人员…」)."""
    return "" if (translation.get_language() or "").startswith("zh") else " "


def sentences(*parts: str) -> str:
    """Sentences joined as the active language joins them (empty parts left out)."""
    return sentence_gap().join(str(p) for p in parts if p)


@register.simple_tag(name="sentence_gap")
def sentence_gap_tag() -> str:
    return sentence_gap()
