"""Documents, and their once-per-document preparation for matching.

Tokenising dominates the cost of matching, so a :class:`PreparedDocument`
tokenises each field once, lazily, and caches every term's hits so that the
thousands of queries that share a term pay for it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from urllib.parse import urlsplit

from vigil.lib.text import TokenColumns, fold, scan, scan_words

__all__ = [
    "DOCUMENT_FIELDS",
    "TEXT_FIELDS",
    "Document",
    "PreparedDocument",
    "PreparedField",
    "prepare",
    "value_key",
]

# Fields searched by terms; site, lang and channel are compared as values.
TEXT_FIELDS = ("title", "text", "author", "url")


@dataclass(slots=True)
class Document:
    """One mention as the matcher sees it."""

    id: str = ""
    title: str = ""
    text: str = ""
    author: str = ""
    url: str = ""
    site: str = ""
    lang: str = ""
    channel: str = ""


#: A document's fields besides ``id``; a stored mention has fields of the same names.
DOCUMENT_FIELDS = ("title", "text", "author", "url", "site", "lang", "channel")


class PreparedField:
    """One text field's tokens, position index and hit cache."""

    __slots__ = ("_full", "_index", "canonical", "glued", "hits", "marks", "source", "texts")

    def __init__(self, source: str) -> None:
        self.source = source
        if source:
            self.texts, self.glued, self.marks, self.canonical = scan_words(source)
        else:
            self.texts, self.glued, self.marks, self.canonical = [], [], {}, " "
        self._index: dict[str, list[int]] | None = None
        self._full: TokenColumns | None = None
        self.hits: dict[int, list[tuple[int, int]]] = {}  # term signature → its spans here

    @property
    def index(self) -> dict[str, list[int]]:
        """Token text → its positions, built on first use."""
        if self._index is None:
            index: dict[str, list[int]] = {}
            for position, token in enumerate(self.texts):
                found = index.get(token)
                if found is None:
                    index[token] = [position]
                else:
                    found.append(position)
            self._index = index
        return self._index

    @property
    def full(self) -> TokenColumns:
        """Offsets and case-kept forms, computed only when asked (highlighting, ``{Apple}``)."""
        if self._full is None:
            self._full = scan(self.source)
        return self._full


@lru_cache(maxsize=65536)
def _host(site: str, url: str) -> str:
    value = site.strip() or url.strip()
    if not value:
        return ""
    if "//" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    return fold(host).strip(".")


@dataclass(slots=True)
class PreparedDocument:
    """A document ready for many queries: fields tokenised on demand, hits cached."""

    document: Document
    fields: dict[str, PreparedField] = dc_field(default_factory=dict)
    host: str = ""
    lang: str = ""
    channel: str = ""
    _haystack: str | None = None

    def __post_init__(self) -> None:
        doc = self.document
        self.host = _host(doc.site, "" if doc.site else doc.url)
        self.lang = fold(doc.lang.strip()).replace("_", "-")
        self.channel = fold(doc.channel.strip())

    def field(self, name: str) -> PreparedField:
        """The prepared form of text field ``name`` (title, text, author, url)."""
        prepared = self.fields.get(name)
        if prepared is None:
            prepared = PreparedField(getattr(self.document, name))
            self.fields[name] = prepared
        return prepared

    @property
    def haystack(self) -> str:
        """Every text field's canonical string plus metadata keys, for the pre-filter."""
        if self._haystack is None:
            texts = [self.field(name).canonical for name in TEXT_FIELDS]
            self._haystack = "\n".join(texts) + "\n" + "".join(self.value_keys())
        return self._haystack

    def value_keys(self) -> list[str]:
        """The keys under which ``site:``/``lang:``/``channel:`` values are filed."""
        keys = [value_key("channel", self.channel)]
        if self.lang:
            keys.append(value_key("lang", self.lang))
            if "-" in self.lang:
                keys.append(value_key("lang", self.lang.split("-")[0]))
        labels = self.host.split(".")
        keys.extend(value_key("site", ".".join(labels[i:])) for i in range(len(labels)))
        return keys


def value_key(field: str, value: str) -> str:
    """The haystack key of a metadata value (control characters never occur in text keys)."""
    return f"\x01{field}={value}\x02"


def prepare(doc: Document | PreparedDocument) -> PreparedDocument:
    """Prepare ``doc`` unless it already is."""
    if isinstance(doc, PreparedDocument):
        return doc
    return PreparedDocument(doc)
