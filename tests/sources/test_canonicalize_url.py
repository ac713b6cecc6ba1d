"""Canonical URLs: one spelling per page, tracking parameters dropped."""

from __future__ import annotations

import pytest

from vigil.lib.urls import canonical_url, site_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://News.Example.COM:443/a/b?utm_source=x&b=2&a=1#frag",
            "https://news.example.com/a/b?a=1&b=2",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x?fbclid=abc&gclid=1", "http://example.com:8080/x"),
        (
            "https://item.example.cn/p.htm?id=42&spm=a21.b&scm=1&from=timeline",
            "https://item.example.cn/p.htm?id=42",
        ),
        (
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=ab&chksm=zz&scene=21",
            "https://mp.weixin.qq.com/s?__biz=MzA&idx=1&mid=1&sn=ab",
        ),
        (
            "https://www.bilibili.com/video/BV1xx?vd_source=abc&share_source=copy",
            "https://www.bilibili.com/video/BV1xx",
        ),
        ("https://example.com/%7Euser/中文", "https://example.com/~user/%E4%B8%AD%E6%96%87"),
        ("https://user:pw@example.com/x", "https://example.com/x"),
        ("not a url", "not a url"),
        ("mailto:a@example.com", "mailto:a@example.com"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_site_of() -> None:
    assert site_of("https://WWW.Example.com:8443/x") == "example.com"
    assert site_of("https://bbs.example.cn/t/1") == "bbs.example.cn"
    assert site_of("garbage") == ""
