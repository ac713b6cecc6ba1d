"""Decode page and file bytes when the declared charset may be missing or wrong.

Chinese sites often declare UTF-8 (or GB2312) while serving GBK, GB18030 or Big5. We trust, in
order: a byte-order mark, a declaration that strictly decodes (checked against the other CJK
encodings, because Big5 bytes also decode as GBK without error), strict UTF-8, and finally
charset-normalizer's detection.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

__all__ = ["Decoded", "decode_bytes", "declared_charset"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared names mapped to the superset actually used by the sites that declare them.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "ascii": "cp1252",
    "latin_1": "cp1252",
}
_CJK = ("gb18030", "big5hkscs", "shift_jis", "euc_jp", "euc_kr")
_SINGLE_BYTE = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str  # what the page said ("" when nothing)

    @property
    def mismatch(self) -> bool:
        """True when the declared charset was wrong (worth a warning on the source)."""
        return bool(self.declared) and _normal(self.declared) != _normal(self.encoding)


def declared_charset(content: bytes, content_type: str | None = None) -> str:
    """The charset named by the Content-Type header, else by a meta tag or XML declaration."""
    if content_type:
        match = _HEADER.search(content_type)
        if match:
            return match.group(1)
    head = content[:4096]
    found = _XML_DECL.search(head[:200]) or _META.search(head)
    return found.group(1).decode("ascii", "replace") if found else ""


def decode_bytes(content: bytes, content_type: str | None = None) -> Decoded:
    """Decode `content` into text, choosing the encoding as described in the module docstring."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return Decoded(content.decode(name, "replace"), name.replace("-sig", ""), name)
    declared = declared_charset(content, content_type)
    wanted = _normal(declared) if declared else ""
    if wanted and wanted not in ("utf_8", *_SINGLE_BYTE):
        text = _strict(content, wanted)
        if text is not None:
            best = _detect(content, [wanted, *(c for c in _CJK if c != wanted)])
            if best is None or best == wanted:
                return Decoded(text, wanted, declared)
            return Decoded(content.decode(best, "replace"), best, declared)
    text = _strict(content, "utf_8")
    if text is not None:
        return Decoded(text, "utf-8", declared)
    best = _detect(content, None)
    if wanted in _SINGLE_BYTE and best not in _CJK:
        return Decoded(content.decode(wanted, "replace"), wanted, declared)
    if best is not None:
        return Decoded(content.decode(best, "replace"), best, declared)
    fallback = wanted or "gb18030"
    return Decoded(content.decode(fallback, "replace"), fallback, declared)


def _normal(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return "utf_8"
    if canonical == "iso8859_1":
        canonical = "latin_1"
    return _SUPERSETS.get(canonical, canonical)


def _strict(content: bytes, encoding: str) -> str | None:
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(content: bytes, candidates: list[str] | None) -> str | None:
    """charset-normalizer's best guess (mapped to a superset), or None."""
    sample = content[:200_000]
    match = (
        from_bytes(sample, cp_isolation=candidates).best()
        if candidates
        else from_bytes(sample).best()
    )
    if match is None:
        return None
    return _normal(match.encoding)
