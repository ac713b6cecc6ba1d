"""URL canonicalisation, so that one article shared with different tracking tags is one mention.

`canonical_url` is deliberately conservative: it drops only parameters that never change which
page is served (campaign tags, click ids, share tokens), keeps everything else, and sorts the
query so that parameter order does not matter.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonical_url", "is_tracking_param", "site_of"]

#: Exact parameter names (lower-case) that only track clicks or shares.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # ad and analytics click ids
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi",
        "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ncid", "cmpid",
        "ref_src", "ref_url", "_ga", "_gl",
        # Chinese platforms: Alibaba spm/scm, WeChat share ids, Bilibili/Weibo/Xiaohongshu shares
        "spm", "scm", "from", "share_token", "share_source", "share_medium", "share_plat",
        "share_session_id", "share_from", "share_tag", "sharer_sharetime", "sharer_shareid",
        "sharer_shareinfo", "sharer_shareinfo_first", "shareid", "vd_source", "xhsshare",
        "appuid", "apptime", "xsec_source", "wfr", "isappinstalled", "clicktime", "enterid",
        "scene", "subscene", "chksm", "sessionid", "timestamp", "unique_k", "bbid", "tt_from",
        "utm_source_type",
    }
)  # fmt: skip

_TRACKING_PREFIXES = ("utm_", "pk_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_HOST = re.compile(
    r"https?://([A-Za-z0-9.\-]+)(?=[:/?#]|$)", re.IGNORECASE
)  # plain hosts, no userinfo
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters that identify a click or share rather than a page."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Return one spelling per page: lower-case scheme/host, no fragment, no default port,
    no tracking parameters, sorted query, normalised percent-escapes.

    Input that is not an absolute http(s) URL is returned stripped but otherwise unchanged, so
    callers can store whatever a source gave without losing it.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return raw
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    # Credentials are dropped on purpose: they never belong in a stored URL.
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_path(parts.path) or "/"
    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    pairs.sort()
    query = urlencode(pairs, quote_via=quote, safe="/:@!$'()*,;=")
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalise_path(path: str) -> str:
    """Re-quote the path so `%7E`, `~` and raw UTF-8 all come out the same."""
    return quote(unquote(path), safe="/:@!$&'()*+,;=~-._")


def site_of(url: str) -> str:
    """The site a URL belongs to, as shown to users: its host without `www.` or port."""
    fast = _HOST.match(url)
    if fast:
        host = fast.group(1)
    else:
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
