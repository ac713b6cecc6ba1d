"""Analysis verbs: analyse new mentions, keep stories current (analysts' corrections are
in ``corrections``).

The pure cores (language, sentiment, emotion, entities, reprints, stories, impact) live
beside this module; here they meet the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from vigil.analysis.emotion import score_emotion
from vigil.analysis.entities import extract_entities
from vigil.analysis.impact import MentionSignals, score_group, score_mention
from vigil.analysis.langid import identify_languages
from vigil.analysis.models import Story
from vigil.analysis.runtime import runtime, story_mention, topics_by_mention
from vigil.analysis.sentiment import score_sentiments, score_sentiments_toward
from vigil.analysis.signals import story_merged
from vigil.analysis.stories import propagation_path
from vigil.mentions.models import Mention
from vigil.mentions.services import effective_sentiment_is
from vigil.monitoring.models import Match
from vigil.pipeline.bulk import update_rows

MENTION_FIELDS = [
    "lang",
    "sentiment",
    "sentiment_score",
    "sentiment_confidence",
    "sentiment_path",
    "emotion",
    "emotions",
    "entities",
    "reprint_of",
    "reprint_group",
    "story",
    "authority_tier",
    "reach",
    "impact",
    "impact_explained",
    "analysed_at",
]
SENTIMENTS = ("positive", "neutral", "negative")
EMOTIONS = ("anger", "fear", "sadness", "joy", "surprise", "disgust")
RELEVANCE = ("relevant", "noise")


def mention_text(mention: Mention) -> str:
    return f"{mention.title}\n{mention.text}".strip()


def signals_of(
    mention: Mention, score: float | None = None, *, keep_unknown: bool = False
) -> MentionSignals:
    """The impact core's view of a mention; ``score`` replaces the model's sentiment (with
    ``keep_unknown``, a None score stays unknown)."""
    return MentionSignals(
        published_at=mention.published_at,
        url=mention.url or mention.site,
        sentiment=score if score is not None or keep_unknown else mention.sentiment_score,
        followers=mention.author_followers,
        likes=mention.likes or 0,
        shares=mention.shares or 0,
        comments=mention.comments or 0,
        views=mention.views,
    )


# A label's sentiment as a number, for scoring with what the screens show: the impact core
# counts a mention as negative below -0.05, and a model label or an analyst's correction
# must count the same way (a "negative" at -0.03 was left out of a story's tone).
LABEL_SCORES = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


def shown_sentiment_score(mention: Mention) -> float | None:
    """The sentiment the screens show, as a score: the model's own when the shown label is
    the model's, else the label's; None for unknown sentiment and for noise."""
    label = mention.effective_sentiment
    if mention.relevance == "noise" or label not in LABEL_SCORES:
        return None
    if not mention.sentiment_corrected and mention.sentiment_score is not None:
        score = mention.sentiment_score
        # Keep the model's nuance only where it falls on the side its label says.
        if (label == "negative") == (score < -0.05):
            return score
    return LABEL_SCORES[label]


def analyse_mentions(
    mentions: list[Mention], on_rollback: Callable[[Callable[[], None]], None] | None = None
) -> None:
    """Analyse mentions just stored by the pipeline and save the results in bulk.

    ``on_rollback`` is given how to undo the batch's changes to the in-memory reprints and
    stories, to call if the transaction the results are written in rolls back.
    """
    state = runtime()
    texts = [mention_text(m) for m in mentions]
    langs = identify_languages(texts)
    overall = score_sentiments(texts, langs)
    matches = list(Match.objects.filter(mention__in=mentions))
    topics = topics_by_mention((match.mention_id, match.topic_id) for match in matches)
    _score_toward_topics(
        matches,
        {m.pk: m for m in mentions},
        dict(zip([m.pk for m in mentions], langs, strict=True)),
    )
    now = timezone.now()
    with state.lock:
        undo = state.begin_batch()
        if on_rollback is not None:
            on_rollback(undo)
        reprints = state.reprints.add_many(
            [(m.pk, t, m.published_at) for m, t in zip(mentions, texts, strict=True)]
        )
        # The in-memory index may remember mentions deleted since (retention, tests):
        # a reprint of something no longer stored starts its own group.
        referenced = {r.original_id for r in reprints if r} | {r.group_id for r in reprints if r}
        alive = set(Mention.objects.filter(pk__in=referenced).values_list("pk", flat=True))
        merged: dict[int, int] = {}  # folded Story pk -> the pk it was folded into
        for mention, reprint, lang in zip(mentions, reprints, langs, strict=True):
            if reprint and {reprint.original_id, reprint.group_id} <= alive:
                # A copy published before every one seen so far becomes the group's
                # original: it is no reprint of itself (a trial read "reprint of #169" on #169).
                original = reprint.original_id if reprint.original_id != mention.pk else None
                mention.reprint_group, mention.reprint_of_id = reprint.group_id, original
            else:
                mention.reprint_group, mention.reprint_of_id = mention.pk, None
            if mention.pk in topics:
                mention.story_id = _assign_story(state, mention, topics[mention.pk], lang, merged)
        for mention in mentions:  # earlier mentions of the batch may sit in a folded story
            while mention.story_id in merged:
                mention.story_id = merged[mention.story_id]
        touched = {m.story_id for m in mentions if m.story_id}
        for gone in state.stories.expire():  # quiet for three days: out of memory, kept stored
            state.drop_row(gone.story_id)
    rows = []
    for mention, lang, sentiment, text in zip(mentions, langs, overall, texts, strict=True):
        emotion = score_emotion(text)
        impact = score_mention(
            signals_of(mention, sentiment.score if sentiment.label != "unknown" else None),
            state.authority,
        )
        reach = next((f.value for f in impact.factors if f.key == "reach"), None)
        tier = next((f.label for f in impact.factors if f.key == "authority"), "")
        rows.append(
            {
                "id": mention.pk,
                "lang": lang if lang != "und" else mention.lang,
                "sentiment": sentiment.label,
                "sentiment_score": sentiment.score,
                "sentiment_confidence": sentiment.confidence,
                "sentiment_path": "fast",
                "emotion": emotion.dominant or "",
                "emotions": {k: round(v, 3) for k, v in emotion.scores.items() if v},
                "entities": [
                    {"name": e.name, "kind": e.kind, "count": e.count}
                    for e in extract_entities(text)[:20]
                ]
                if mention.pk in topics
                else [],
                "reprint_of_id": mention.reprint_of_id,
                "reprint_group": mention.reprint_group,
                "story_id": mention.story_id,
                "authority_tier": _tier_name(tier),
                "reach": int(reach) if reach is not None else None,
                "impact": impact.score,
                "impact_explained": impact.as_dict(),
                "analysed_at": now,
            }
        )
    update_rows(Mention, rows, MENTION_FIELDS)
    refresh_stories(touched)


def readable_title(text: str) -> str:
    """A story title without a Weibo repost chain: "comment//@a: //@b: original" → original."""
    if "//@" in text:
        tail = text.rsplit("//@", 1)[1]
        for colon in (":", "："):
            if colon in tail:
                return tail.split(colon, 1)[1].strip() or text
    return text


def _tier_name(label: str) -> str:
    # "source authority (national)" -> "national"
    return label.rsplit("(", 1)[-1].rstrip(")") if "(" in label else ""


def _score_toward_topics(
    matches: list[Match], mentions: dict[int, Mention], langs: dict[int, str]
) -> None:
    if not matches:
        return
    by_mention: dict[int, list[Match]] = {}
    for match in matches:
        by_mention.setdefault(match.mention_id, []).append(match)
    items, item_langs = [], []
    for match in matches:
        mention = mentions[match.mention_id]
        field = "text" if match.spans.get("text") else "title"
        text = mention.text if field == "text" else mention.title
        spans = [tuple(s) for s in match.spans.get(field) or []]
        # Other topics named in the same text end this topic's run of sentences.
        others = [
            tuple(s)
            for other in by_mention[match.mention_id]
            if other is not match
            for s in other.spans.get(field) or []
        ]
        items.append((text, spans, others))
        item_langs.append(langs.get(match.mention_id))
    results = score_sentiments_toward(items, item_langs)
    update_rows(
        Match,
        [
            {"id": m.pk, "sentiment": r.label, "sentiment_score": r.score}
            for m, r in zip(matches, results, strict=True)
        ],
        ["sentiment", "sentiment_score"],
    )


def _assign_story(
    state: Any, mention: Mention, topics: tuple[int, ...], lang: str, merged: dict[int, int]
) -> int:
    """The Story pk of the mention's story, creating the row for a new story and folding
    the rows of stories the clusterer merged into it (recorded in ``merged``)."""
    assignment = state.stories.add(story_mention(mention, topics, lang if lang != "und" else ""))
    story_pk = state.story_rows.get(assignment.story_id)
    if story_pk is None or not Story.objects.filter(pk=story_pk).exists():
        story = Story.objects.create(
            title=(mention.title or mention.text)[:300] or "—",
            first_seen=mention.published_at,
            last_seen=mention.published_at,
        )
        story_pk = story.pk
        state.set_row(assignment.story_id, story_pk)
    for folded in assignment.merged:
        gone = state.drop_row(folded)
        if gone is not None and gone != story_pk:
            merge_stories(story_pk, gone)
            merged[gone] = story_pk
    return story_pk


def merge_stories(keep: int, gone: int) -> None:
    """Fold stored story ``gone`` into ``keep``: its mentions move, other apps are told
    (alerts follow the survivor), and its row goes. Figures are refreshed by the caller."""
    Mention.objects.filter(story_id=gone).update(story_id=keep)
    story_merged.send(sender=Story, keep=keep, gone=gone)
    Story.objects.filter(pk=gone).delete()


def refresh_stories(story_ids: set[int], now: dt.datetime | None = None) -> None:
    """Recompute the figures of the given stories from their mentions."""
    if not story_ids:
        return
    now = now or timezone.now()
    state = runtime()
    by_row = {pk: cid for cid, pk in state.story_rows.items()}
    for story in Story.objects.filter(pk__in=story_ids):
        members = Mention.objects.filter(story=story)
        # Negative share as the screens show it: corrections win, noise is left out.
        shown = ~Q(relevance="noise")
        figures = members.aggregate(
            size=Count("id"),
            sources=Count("site", distinct=True),
            first=Min("published_at"),
            last=Max("published_at"),
            last_hour=Count("id", filter=Q(published_at__gte=now - dt.timedelta(hours=1))),
            negative=Count("id", filter=shown & effective_sentiment_is("negative")),
            judged=Count("id", filter=shown & ~effective_sentiment_is("unknown")),
        )
        impact = score_group(
            [
                signals_of(m, shown_sentiment_score(m), keep_unknown=True)
                for m in members.order_by("-published_at")[:500]
            ],
            subject="story",
            table=state.authority,
        )
        cluster = state.stories.stories.get(by_row.get(story.pk, -1))
        story.size, story.sources = figures["size"], figures["sources"]
        story.first_seen, story.last_seen = (
            figures["first"] or story.first_seen,
            figures["last"] or story.last_seen,
        )
        story.growth_per_hour = figures["last_hour"]
        story.negative_share = (
            figures["negative"] / figures["judged"] if figures["judged"] else None
        )
        if cluster is not None:
            story.title = readable_title(cluster.title())[:300] or story.title
            story.top_terms = cluster.top_terms()
        story.impact, story.impact_explained = impact.score, impact.as_dict()
        story.suggested_level = impact.level or ""
        story.save()


def refine_sentiment(
    budget_seconds: float = 10.0, batch: int = 16, should_stop: Any = lambda: False
) -> int:
    """Re-score matched, fast-path mentions with the accurate model; return how many.

    Only languages the accurate path can change are picked (today: those other than
    English and Chinese, see ``scorer.refines``), so no e5 time is spent for nothing.
    """
    import time

    from vigil.analysis.sentiment.scorer import FAST_LANGUAGES, refines

    skip = sorted(lang for lang in FAST_LANGUAGES if not refines(lang))

    deadline = time.monotonic() + budget_seconds
    done = 0
    since = timezone.now() - dt.timedelta(days=3)
    while time.monotonic() < deadline and not should_stop():
        mentions = list(
            Mention.objects.filter(
                sentiment_path="fast", matches__isnull=False, published_at__gte=since
            )
            .exclude(relevance="noise")
            .exclude(lang__in=skip)
            .distinct()
            .order_by("-published_at")[:batch]
        )
        if not mentions:
            break
        results = score_sentiments(
            [mention_text(m) for m in mentions], [m.lang or None for m in mentions], path="accurate"
        )
        update_rows(
            Mention,
            [
                {
                    "id": m.pk,
                    "sentiment": r.label,
                    "sentiment_score": r.score,
                    "sentiment_confidence": r.confidence,
                    "sentiment_path": "accurate",
                }
                for m, r in zip(mentions, results, strict=True)
            ],
            ["sentiment", "sentiment_score", "sentiment_confidence", "sentiment_path"],
        )
        done += len(mentions)
    return done


# --- stories as the screens show them -------------------------------------------------------
def local_time_text(moment: dt.datetime) -> str:
    """A time as wall-clock text in the reader's zone: Plotly draws an offset-less date as
    it is written, and would draw a UTC one in UTC."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def story_propagation(story: Story, limit: int = 500) -> dict[str, Any]:
    """A story's members in time order, its reprint edges and the graph of them."""
    members = list(story.mentions.order_by("published_at", "id")[:limit])
    by_id = {m.pk: m for m in members}
    edges = propagation_path(story_mention(m) for m in members)
    path = [
        {"parent": by_id[e.parent], "child": by_id[e.child], "at": e.at, "delay": e.delay}
        for e in edges
        if e.parent in by_id and e.child in by_id
    ]
    sites = sorted({m.site or "?" for m in members})
    row = {site: i for i, site in enumerate(sites)}
    nodes = {
        m.pk: {
            "x": local_time_text(m.published_at),
            "y": row[m.site or "?"],
            "label": (m.title or m.text)[:60],
            "site": m.site,
            "sentiment": m.effective_sentiment,
            "size": m.impact or 0,
        }
        for m in members
    }
    lines = [[nodes[e["parent"].pk], nodes[e["child"].pk]] for e in path]
    graph = {"nodes": list(nodes.values()), "edges": lines, "sites": sites}
    return {"members": members, "path": path, "graph": graph}
