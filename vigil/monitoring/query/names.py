"""The names a query is written with, for teaching the Chinese segmenter (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["names_in_queries"]

_QUOTED = re.compile(r'"([^"]{2,40})"')
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,12}")


def names_in_queries(queries: Iterable[str]) -> list[str]:
    """Quoted phrases and runs of Chinese characters in ``queries``: the brand and product
    names a plan watches, which jieba should keep whole ("明光电水壶", not 明光 / 电水壶)."""
    names: set[str] = set()
    for query in queries:
        names.update(_QUOTED.findall(query))
        names.update(_CJK_RUN.findall(query))
    return sorted(n.strip() for n in names if len(n.strip()) >= 2)
