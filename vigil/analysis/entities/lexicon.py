"""What both languages' entity finders share: the kinds, word sets and the gazetteers
shipped in ``vigil.analysis.lexicons`` (read once per process)."""

from __future__ import annotations

import re
import threading
from importlib import resources

PERSON, ORGANISATION, PLACE = "person", "organisation", "place"

HAS_CJK_RE = re.compile("[\u3400-\u9fff]")


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_lock = threading.Lock()
_gazetteers: dict[str, frozenset[str]] = {}


def gazetteer(name: str, sep: str) -> frozenset[str]:
    if name not in _gazetteers:
        with _lock:
            text = resources.files("vigil.analysis.lexicons").joinpath(name).read_text("utf-8")
            items: set[str] = set()
            for line in text.splitlines():
                if not line.startswith("#"):
                    items.update(i.strip() for i in line.split(sep) if i.strip())
            _gazetteers[name] = frozenset(items)
    return _gazetteers[name]
