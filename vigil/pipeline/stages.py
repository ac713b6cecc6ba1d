"""The first pipeline stages: normalise → deduplicate → store.

Later stages (match, analyse, warn) are appended in ``settings.PIPELINE_STAGES`` by the
apps that own them; each receives the same ``Batch`` after ``store`` has given every
entry its ``Mention``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from typing import Any

from django.db.models import F
from django.utils import timezone

from vigil.lib.text import scan_words
from vigil.lib.urls import canonical_url, site_of
from vigil.mentions.models import Mention
from vigil.pipeline.batch import Batch, Entry, MentionDraft
from vigil.pipeline.bulk import insert_ignoring_conflicts
from vigil.sources.models import Channel

# Texts shorter than this are too generic ("great!", "+1") to call two of them the same item.
MIN_CONTENT_DEDUP_CHARS = 20
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_CHANNELS = set(Channel.values)


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def content_key_of(title: str, text: str) -> str:
    """sha1 of the width-folded, case-folded text without punctuation or spaces."""
    folded = unicodedata.normalize("NFKC", f"{title} {text}").casefold()
    folded = _NOT_WORD.sub("", folded)
    if len(folded) < MIN_CONTENT_DEDUP_CHARS:
        return ""
    return hashlib.sha1(folded.encode()).hexdigest()  # noqa: S324 - a key, not security


def search_text_of(title: str, text: str, author: str, url: str) -> str:
    """The fields in the query language's canonical form, one per line, for indexed search."""
    return "\n".join(scan_words(part)[3] if part else "" for part in (title, text, author, url))


def guess_language(text: str) -> str:
    """A cheap first guess (zh / en / ""); the analysis stage replaces it."""
    sample = text[:500]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cjk and cjk * 3 >= latin:
        return "zh"
    if latin:
        return "en"
    return ""


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _count(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def item_key_of(canonical: str, source_id: int, external_id: str) -> str:
    """The mention's identity: its canonical URL, else its source and external id."""
    basis = canonical or f"item:{source_id}:{external_id}"
    return hashlib.sha1(basis.encode()).hexdigest()  # noqa: S324 - a key, not security


def draft_from_payload(
    payload: dict[str, Any],
    *,
    default_channel: str,
    fetched_at: dt.datetime,
    source_id: int = 0,
    external_id: str = "",
) -> MentionDraft:
    """Turn a connector's raw item (RawItemData as JSON) into a mention draft."""
    url = str(payload.get("url") or "").strip()
    canonical = canonical_url(url) if url else ""
    title = clean_text(str(payload.get("title") or ""))[:500]
    text = clean_text(str(payload.get("text") or ""))
    if not title and not text:
        raise ValueError("item has neither title nor text")
    published = _parse_time(payload.get("published_at")) or fetched_at
    # A date in the future is a publisher's mistake; the fetch time is the honest bound.
    published = min(published, fetched_at)
    channel = str(payload.get("channel") or default_channel)
    lang = str(payload.get("lang") or "") or guess_language(f"{title} {text}")
    return MentionDraft(
        channel=channel if channel in _CHANNELS else Channel.OTHER,
        title=title,
        text=text,
        url=url[:2000],
        canonical_url=canonical[:2000],
        item_key=item_key_of(canonical, source_id, external_id),
        content_key=content_key_of(title, text),
        author=str(payload.get("author") or "")[:200],
        author_handle=str(payload.get("author_handle") or "")[:200],
        author_followers=_count(payload.get("author_followers")),
        site=(str(payload.get("site") or "") or (site_of(url) if url else ""))[:255],
        lang=lang[:12],
        published_at=published,
        fetched_at=fetched_at,
        likes=_count(payload.get("likes")),
        shares=_count(payload.get("shares")),
        comments=_count(payload.get("comments")),
        views=_count(payload.get("views")),
        raw=payload.get("raw") or {},
        search_text=search_text_of(title, text, str(payload.get("author") or ""), url),
    )


def normalise(batch: Batch) -> None:
    for entry in batch.entries:
        raw = entry.raw
        try:
            entry.draft = draft_from_payload(
                raw.payload,
                default_channel=raw.source.channel,
                fetched_at=raw.fetched_at,
                source_id=raw.source_id,
                external_id=raw.external_id,
            )
        except (ValueError, TypeError) as exc:
            entry.error = f"cannot normalise: {exc}"


normalise.name = "normalise"  # type: ignore[attr-defined]


def deduplicate(batch: Batch) -> None:
    """Mark entries whose URL, or whose text from another source, is already a mention."""
    live = batch.live()
    item_keys = {e.draft.item_key for e in live if e.draft}
    content_keys = {e.draft.content_key for e in live if e.draft and e.draft.content_key}
    by_item = {m.item_key: m for m in Mention.objects.filter(item_key__in=item_keys)}
    by_content: dict[str, Mention] = {}
    for mention in Mention.objects.filter(content_key__in=content_keys).order_by("id"):
        by_content.setdefault(mention.content_key, mention)
    first_by_item: dict[str, Entry] = {}
    first_by_content: dict[str, Entry] = {}
    for entry in live:
        draft = entry.draft
        if draft is None:
            continue
        existing = by_item.get(draft.item_key)
        if existing is None and draft.content_key:
            candidate = by_content.get(draft.content_key)
            if candidate is not None and candidate.source_id != entry.raw.source_id:
                existing = candidate
        if existing is not None:
            entry.duplicate_of = existing
            continue
        # Duplicates inside the batch point at the first entry; store links them.
        leader = first_by_item.get(draft.item_key)
        if leader is None and draft.content_key:
            candidate_entry = first_by_content.get(draft.content_key)
            if candidate_entry is not None and candidate_entry.raw.source_id != entry.raw.source_id:
                leader = candidate_entry
        if leader is not None:
            entry.leader = leader
            continue
        first_by_item[draft.item_key] = entry
        if draft.content_key:
            first_by_content.setdefault(draft.content_key, entry)


deduplicate.name = "deduplicate"  # type: ignore[attr-defined]


def store(batch: Batch) -> None:
    """Insert new mentions in bulk; count duplicates on the mention they repeat.

    Another worker may insert the same item concurrently (PostgreSQL, two sources with
    one URL): rows are inserted with ON CONFLICT DO NOTHING and read back by key, and
    only keys absent before the insert count as new.
    """
    leaders = [e for e in batch.live() if e.duplicate_of is None and e.leader is None]
    keys = [e.draft.item_key for e in leaders if e.draft]
    before = set(Mention.objects.filter(item_key__in=keys).values_list("item_key", flat=True))
    insert_ignoring_conflicts(
        Mention,
        [_row(e) for e in leaders if e.draft and e.draft.item_key not in before],
    )
    by_key = {m.item_key: m for m in Mention.objects.filter(item_key__in=keys)}
    duplicate_counts: Counter[int] = Counter()
    for entry in leaders:
        key = entry.draft.item_key if entry.draft else ""
        entry.mention = by_key.get(key)
        entry.is_new = key not in before
        if entry.mention is not None and not entry.is_new:
            duplicate_counts[entry.mention.pk] += 1
    for entry in batch.live():
        target = entry.duplicate_of or (entry.leader.mention if entry.leader else None)
        if target is not None:
            entry.mention = target
            duplicate_counts[target.pk] += 1
    for mention_id, count in duplicate_counts.items():
        Mention.objects.filter(pk=mention_id).update(duplicate_count=F("duplicate_count") + count)


store.name = "store"  # type: ignore[attr-defined]


def _row(entry: Entry) -> dict[str, Any]:
    if entry.draft is None:
        raise ValueError("an entry without a draft cannot be stored")
    return {**entry.draft.__dict__, "source_id": entry.raw.source_id}
