"""Source authority tiers and the default domain → tier table.

Six tiers, most authoritative first: central/official media and government sites,
national media, industry media, portals, self-media (blogs, KOL and brand accounts on
platforms), individuals. On social platforms the tier belongs to the author, not the
domain: a verified account with a large following is self-media, everyone else an
individual. Installations override any entry (``AuthorityTable(overrides=…)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = ["DEFAULT_DOMAINS", "SOCIAL_PLATFORMS", "AuthorityTable", "Tier"]


class Tier(StrEnum):
    CENTRAL = "central"
    NATIONAL = "national"
    INDUSTRY = "industry"
    PORTAL = "portal"
    SELF_MEDIA = "self_media"
    INDIVIDUAL = "individual"


TIER_WEIGHT: dict[Tier, float] = {
    Tier.CENTRAL: 1.0,
    Tier.NATIONAL: 0.8,
    Tier.INDUSTRY: 0.6,
    Tier.PORTAL: 0.5,
    Tier.SELF_MEDIA: 0.35,
    Tier.INDIVIDUAL: 0.2,
}

# Typical audience of one article when nothing better is known (views, followers).
TIER_REACH: dict[Tier, int] = {
    Tier.CENTRAL: 2_000_000,
    Tier.NATIONAL: 500_000,
    Tier.INDUSTRY: 50_000,
    Tier.PORTAL: 300_000,
    Tier.SELF_MEDIA: 20_000,
    Tier.INDIVIDUAL: 300,
}

_C, _N, _I, _P = Tier.CENTRAL, Tier.NATIONAL, Tier.INDUSTRY, Tier.PORTAL
DEFAULT_DOMAINS: dict[str, Tier] = {
    # Central / official (China)
    "people.com.cn": _C,
    "xinhuanet.com": _C,
    "news.cn": _C,
    "cctv.com": _C,
    "cctv.cn": _C,
    "cntv.cn": _C,
    "gov.cn": _C,
    "chinadaily.com.cn": _C,
    "gmw.cn": _C,
    "cnr.cn": _C,
    "china.com.cn": _C,
    "chinanews.com.cn": _C,
    "chinanews.com": _C,
    "cri.cn": _C,
    "qstheory.cn": _C,
    "youth.cn": _C,
    "ce.cn": _C,
    "cgtn.com": _C,
    "stdaily.com": _C,
    # National (China)
    "thepaper.cn": _N,
    "caixin.com": _N,
    "yicai.com": _N,
    "bjnews.com.cn": _N,
    "infzm.com": _N,
    "huanqiu.com": _N,
    "jiemian.com": _N,
    "21jingji.com": _N,
    "nbd.com.cn": _N,
    "eeo.com.cn": _N,
    "cs.com.cn": _N,
    "stcn.com": _N,
    "cnstock.com": _N,
    "caijing.com.cn": _N,
    "southcn.com": _N,
    "dahe.cn": _N,
    "chinatimes.net.cn": _N,
    # Industry (China)
    "36kr.com": _I,
    "huxiu.com": _I,
    "tmtpost.com": _I,
    "cnbeta.com.tw": _I,
    "ithome.com": _I,
    "autohome.com.cn": _I,
    "dongchedi.com": _I,
    "pcauto.com.cn": _I,
    "leiphone.com": _I,
    "geekpark.net": _I,
    "iyiou.com": _I,
    "linkshop.com": _I,
    "cls.cn": _I,
    "eastmoney.com": _I,
    # Portals (China)
    "sina.com.cn": _P,
    "sina.cn": _P,
    "sohu.com": _P,
    "163.com": _P,
    "qq.com": _P,
    "ifeng.com": _P,
    "toutiao.com": _P,
    "baidu.com": _P,
    "msn.cn": _P,
    # Official / wire / national (English)
    "gov": _C,
    "gov.uk": _C,
    "europa.eu": _C,
    "un.org": _C,
    "who.int": _C,
    "reuters.com": _N,
    "apnews.com": _N,
    "bloomberg.com": _N,
    "nytimes.com": _N,
    "wsj.com": _N,
    "ft.com": _N,
    "bbc.co.uk": _N,
    "bbc.com": _N,
    "cnn.com": _N,
    "theguardian.com": _N,
    "washingtonpost.com": _N,
    "economist.com": _N,
    "cnbc.com": _N,
    "npr.org": _N,
    "afp.com": _N,
    "scmp.com": _N,
    "nikkei.com": _N,
    "latimes.com": _N,
    "usatoday.com": _N,
    "foxnews.com": _N,
    "nbcnews.com": _N,
    "abcnews.go.com": _N,
    "cbsnews.com": _N,
    "politico.com": _N,
    "axios.com": _N,
    "forbes.com": _N,
    # Industry (English)
    "techcrunch.com": _I,
    "theverge.com": _I,
    "wired.com": _I,
    "arstechnica.com": _I,
    "engadget.com": _I,
    "zdnet.com": _I,
    "venturebeat.com": _I,
    "theinformation.com": _I,
    "electrek.co": _I,
    "insideevs.com": _I,
    "skift.com": _I,
    "americanbanker.com": _I,
    "fiercepharma.com": _I,
    "adage.com": _I,
    "retaildive.com": _I,
    "businessinsider.com": _I,
    # Portals (English)
    "yahoo.com": _P,
    "msn.com": _P,
    "news.google.com": _P,
    "aol.com": _P,
}

# Platforms where the author, not the site, decides the tier.
SOCIAL_PLATFORMS: frozenset[str] = frozenset(
    {
        "weibo.com",
        "weibo.cn",
        "mp.weixin.qq.com",
        "douyin.com",
        "kuaishou.com",
        "bilibili.com",
        "xiaohongshu.com",
        "zhihu.com",
        "tieba.baidu.com",
        "douban.com",
        "x.com",
        "twitter.com",
        "facebook.com",
        "instagram.com",
        "youtube.com",
        "tiktok.com",
        "reddit.com",
        "linkedin.com",
        "threads.net",
        "medium.com",
        "substack.com",
        "bsky.app",
        "mastodon.social",
    }
)
_GOV_SUFFIXES = ("gov", "gov.cn", "gov.uk", "gov.au", "gc.ca", "gob.mx", "gouv.fr", "europa.eu")


def _host(url_or_domain: str) -> str:
    text = url_or_domain.strip().lower()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    return host.removeprefix("www.").removeprefix("m.")


class AuthorityTable:
    """Domain → tier with suffix matching (news.sina.com.cn → sina.com.cn), overridable."""

    def __init__(
        self,
        overrides: Mapping[str, Tier | str] | None = None,
        *,
        include_defaults: bool = True,
        unknown: Tier = Tier.SELF_MEDIA,
        kol_followers: int = 100_000,
    ) -> None:
        self._table: dict[str, Tier] = dict(DEFAULT_DOMAINS) if include_defaults else {}
        for domain, tier in (overrides or {}).items():
            self._table[_host(domain) or domain.lower()] = Tier(tier)
        self.unknown = unknown
        self.kol_followers = kol_followers

    def tier_for(
        self, url_or_domain: str, *, followers: int | None = None, verified: bool = False
    ) -> Tier:
        """The tier of a mention's source; ``followers``/``verified`` matter on platforms."""
        host = _host(url_or_domain)
        if not host:
            return self._by_author(followers, verified) if followers is not None else self.unknown
        parts = host.split(".")
        for i in range(len(parts)):
            candidate = ".".join(parts[i:])
            if candidate in self._table:
                return self._table[candidate]
            if candidate in SOCIAL_PLATFORMS:
                return self._by_author(followers, verified)
        if host.endswith(_GOV_SUFFIXES) or any(p == "gov" for p in parts[:-1]):
            return Tier.CENTRAL
        return self.unknown

    def _by_author(self, followers: int | None, verified: bool) -> Tier:
        big = (followers or 0) >= self.kol_followers
        if big or (verified and (followers or 0) >= self.kol_followers // 10):
            return Tier.SELF_MEDIA
        return Tier.INDIVIDUAL
