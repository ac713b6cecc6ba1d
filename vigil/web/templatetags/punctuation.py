"""Punctuation in the reader's language: Chinese text takes full-width marks (名称：值,
（说明）), English half-width ones. A zh trial read 「✓ 有效: …」 and 「(已搜索 0 条)」."""

from __future__ import annotations

from django import template
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
