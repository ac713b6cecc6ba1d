"""Search stored mentions with the monitoring query language.

The query's required literals (the percolator's keys) narrow the candidates with the
database's index; every candidate is then checked exactly by the query evaluator, so
results are the same as live matching. SQLite uses its FTS5 trigram table; PostgreSQL
uses pg_trgm for Latin keys and a CJK-character tsvector for Chinese keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from vigil.lib.text import is_cjk
from vigil.mentions.models import Mention
from vigil.monitoring.query import Document, MatchResult, Query, QuerySyntaxError, parse
from vigil.monitoring.query.document import DOCUMENT_FIELDS
from vigil.monitoring.query.keys import requirements, set_cost

SCAN_LIMIT = 5000
PG_CJK_VECTOR = "to_tsvector('simple'::regconfig, regexp_replace(search_text, '([\\u3400-\\u9fff])', ' \\1 ', 'g'))"


@dataclass
class SearchHit:
    mention: Mention
    match: MatchResult


@dataclass
class SearchResult:
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    exact: bool = True  # False when the scan limit cut the count short
    error: str = ""
    column: int | None = None


def _key_condition(key: str) -> Q:
    vendor = connection.vendor
    # FTS5's trigram index answers LIKE only for 3+ characters (shorter: no rows at all),
    # so two-character Chinese words fall back to a scan of search_text on SQLite.
    if vendor == "sqlite" and len(key) >= 3 and "%" not in key and "_" not in key:
        sql = "SELECT rowid FROM mentions_mention_fts WHERE search_text LIKE %s"
        return Q(id__in=RawSQL(sql, [f"%{key}%"]))  # noqa: S611 - the key is a parameter
    if vendor == "postgresql" and any(is_cjk(c) for c in key):
        # Each CJK character is a token of the index. Asking the index for all of them
        # (AND) and then for the key as a substring, like SQLite does, is exact for the
        # index; a phrase query made PostgreSQL recompute the indexed expression on every
        # row holding the characters (seconds for a common two-character word).
        tokens = []
        for word in key.split():
            tokens.extend(list(word) if any(is_cjk(c) for c in word) else [word])
        sql = (
            f"SELECT id FROM mentions_mention WHERE {PG_CJK_VECTOR} @@ plainto_tsquery('simple', %s) "  # noqa: S608 - a constant expression; the key is a parameter
            "AND search_text LIKE %s"
        )
        return Q(id__in=RawSQL(sql, [" ".join(tokens), f"%{_like_escaped(key)}%"]))  # noqa: S611
    return Q(search_text__contains=key)


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def candidates(query: Query, mentions: QuerySet[Mention]) -> QuerySet[Mention]:
    """Mentions that can match: those holding one key of the cheapest text key set."""
    options = [keys for keys in requirements(query.root) if all("\x01" not in k for k in keys)]
    if not options:
        return mentions
    keys = min(options, key=set_cost)
    condition = Q()
    for key in keys:
        # Keep leading/trailing spaces out of the index lookup; the exact check follows.
        condition |= _key_condition(key.strip() or key)
    return mentions.filter(condition)


def search_mentions(
    q: str,
    mentions: QuerySet[Mention],
    *,
    offset: int = 0,
    limit: int = 25,
    scan_limit: int = SCAN_LIMIT,
) -> SearchResult:
    """The page ``[offset, offset+limit)`` of ``mentions`` matching ``q``, in their order."""
    try:
        query = parse(q)
    except QuerySyntaxError as exc:
        return SearchResult(error=exc.localized(gettext), column=exc.column)
    result = SearchResult()
    scanned = 0
    pool = candidates(query, mentions)
    if not pool.ordered:
        pool = pool.order_by("-published_at", "-id")
    # Thousands of candidates are checked to count the matches, but only a page is shown:
    # read just the fields the query looks at, and work out highlights for the page only.
    page: dict[int, MatchResult] = {}
    # The cap goes into the SQL (LIMIT) so the database can stop early, walking the date
    # order, instead of gathering every candidate of a common word first.
    capped = pool.values_list("pk", *DOCUMENT_FIELDS)[: scan_limit + 1]
    for values in capped.iterator(chunk_size=500):
        scanned += 1
        if scanned > scan_limit:
            result.exact = False
            break
        doc = Document(id=str(values[0]), **dict(zip(DOCUMENT_FIELDS, values[1:], strict=True)))
        if offset <= result.count < offset + limit:
            found = query.match(doc)
            if found is None:
                continue
            page[values[0]] = found
        elif not query.test(doc):
            continue
        result.count += 1
    shown = Mention.objects.select_related("source").in_bulk(list(page))
    result.hits = [SearchHit(shown[pk], found) for pk, found in page.items() if pk in shown]
    return result
