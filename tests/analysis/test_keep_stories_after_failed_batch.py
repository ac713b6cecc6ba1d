"""A pipeline batch that fails after clustering leaves no trace in the in-memory stories:
what memory holds agrees with what the database holds, so later mentions join committed
stories, a story merged across languages keeps growing, and no mention lands in a story
row that was never committed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import RawItemFactory
from vigil.analysis.dedup import ReprintIndex
from vigil.analysis.models import Story
from vigil.analysis.runtime import runtime
from vigil.analysis.stories import StoryClusterer, StoryMention
from vigil.analysis.stories_eval import DEFAULT_SETS, load_set
from vigil.mentions.models import Mention
from vigil.monitoring.services import create_plan, create_topic
from vigil.pipeline import services as pipeline
from vigil.pipeline.batch import Batch
from vigil.sources.models import RawItem

ROUTINE = [
    "明光净化器用了一个月，卧室空气明显好了，睡眠模式很安静",
    "The Lumina smart lock unlocks fast, even for my parents",
    "明光门锁指纹识别很快，老人用起来也方便",
    "Lumina purifier filters are pricey but the air is much better",
]
ZH_FIRST = "明光K2电水壶烧水时壶盖突然弹开，孩子手臂被开水烫伤，客服四天不回复"
ZH_LATER = "又一位家长说明光K2电水壶壶盖弹开，孩子被开水烫伤，明光客服还说是使用不当"
EN = [
    "Viral in China: a Lumina K2 kettle lid popped open at the boil and scalded a child",
    "Checked our Lumina K2 kettle after the scald reports from China: the lid popped open too",
    "Lumina K2 kettle lid popping open and scalding kids? Unplugging ours tonight",
]
EN_MORE = "Another Lumina K2 kettle lid popped open and scalded a toddler, parents say"


@pytest.fixture
def plan(db: None) -> None:
    plan = create_plan(name="Lumina")
    create_topic(plan, name="Brand", query="明光 OR Lumina", retro_days=0)
    create_topic(plan, name="Kettle", query='"Lumina K2" OR 电水壶 OR kettle', retro_days=0)
    create_topic(
        plan,
        name="Safety",
        query="(明光 OR Lumina) NEAR/20 (烫伤 OR scald* OR 弹开 OR popped)",
        retro_days=0,
    )


@pytest.fixture
def fail_after_analysis(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """``fail(n)``: the next ``n`` batches raise in a stage after analysis and warning, so
    their transaction rolls back once their stories were clustered."""
    stages = pipeline.pipeline_stages()
    left = {"failures": 0}

    def broken(batch: Batch) -> None:
        if left["failures"]:
            left["failures"] -= 1
            raise RuntimeError("a later stage failed")

    monkeypatch.setattr(pipeline, "pipeline_stages", lambda: [*stages, broken])

    def fail(times: int) -> None:
        left["failures"] = times

    yield fail


def _push(text: str, minutes_ago: float) -> RawItem:
    published = timezone.now() - dt.timedelta(minutes=minutes_ago)
    raw = RawItemFactory(payload={"title": "", "text": text, "published_at": published.isoformat()})
    pipeline.process_pending()
    raw.refresh_from_db()
    return raw


def _story_of(text: str) -> int:
    return Mention.objects.get(text=text).story_id


def _assert_memory_matches_database() -> None:
    """Every story in memory is a stored story with the same members, and every stored
    story with mentions of the last three days is in memory."""
    state = runtime()
    assert set(state.story_rows) == set(state.stories.stories)
    for cid, story in state.stories.stories.items():
        pk = state.story_rows[cid]
        stored = Counter(Mention.objects.filter(story_id=pk).values_list("pk", flat=True))
        assert Counter(m.mention_id for m in story.mentions) == stored, f"story {pk}"
        assert Story.objects.filter(pk=pk).exists()
    recent = Mention.objects.filter(
        story__isnull=False, published_at__gte=timezone.now() - dt.timedelta(days=3)
    )
    assert set(recent.values_list("story_id", flat=True)) == set(state.story_rows.values())


def test_a_mention_after_a_failed_batch_joins_no_story_of_that_batch(
    plan, fail_after_analysis
) -> None:
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    fail_after_analysis(2)  # the batch, then its retry item by item
    assert _push(ZH_FIRST, 50).status == RawItem.Status.FAILED
    assert not Mention.objects.filter(text=ZH_FIRST).exists()
    _assert_memory_matches_database()

    _push(EN[0], 45)  # a new story takes the row the failed one had for a moment
    _push(ZH_LATER, 40)  # like the failed post: alone, not in the English story

    assert _story_of(ZH_LATER) != _story_of(EN[0])
    assert Story.objects.get(pk=_story_of(ZH_LATER)).size == 1
    _assert_memory_matches_database()


def test_the_same_post_again_after_a_failed_batch_is_stored_once_in_memory(
    plan, fail_after_analysis
) -> None:
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    fail_after_analysis(2)
    _push(ZH_FIRST, 50)

    _push(ZH_FIRST, 50)  # the source sends it again, and this time all goes well
    _push(ZH_LATER, 40)

    mention = Mention.objects.get(text=ZH_FIRST)
    assert mention.reprint_of_id is None and mention.reprint_group == mention.pk
    assert _story_of(ZH_LATER) == mention.story_id
    assert Story.objects.get(pk=mention.story_id).size == 2
    _assert_memory_matches_database()


def test_a_merge_rolled_back_is_made_again_and_the_story_keeps_growing(
    plan, fail_after_analysis
) -> None:
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    _push(ZH_FIRST, 50)
    chinese = _story_of(ZH_FIRST)
    for i, text in enumerate(EN):
        _push(text, 40 - i)
    english = _story_of(EN[0])
    assert english != chinese

    fail_after_analysis(1)  # the batch that merges the two fails; its retry goes through
    assert _push(ZH_LATER, 30).status == RawItem.Status.DONE

    assert not Story.objects.filter(pk=english).exists()
    assert _story_of(ZH_LATER) == chinese
    _push(EN_MORE, 20)
    assert _story_of(EN_MORE) == chinese
    members = set(Mention.objects.filter(story_id=chinese).values_list("text", flat=True))
    assert members == {ZH_FIRST, ZH_LATER, *EN, EN_MORE}
    assert Story.objects.get(pk=chinese).size == 6
    _assert_memory_matches_database()


@pytest.mark.django_db(transaction=True)
def test_memory_follows_real_commits_and_rollbacks(plan, fail_after_analysis) -> None:
    for i, text in enumerate(ROUTINE):
        _push(text, 600 - i)
    _push(ZH_FIRST, 50)
    fail_after_analysis(2)
    assert _push(ZH_LATER, 40).status == RawItem.Status.FAILED
    _assert_memory_matches_database()

    _push(ZH_LATER, 40)
    assert _story_of(ZH_LATER) == _story_of(ZH_FIRST)
    assert Story.objects.get(pk=_story_of(ZH_FIRST)).size == 2
    _assert_memory_matches_database()


def test_a_batch_undone_after_a_later_one_began_makes_memory_warm_again(plan) -> None:
    _push(ZH_FIRST, 50)
    state = runtime()
    with state.lock:
        older = state.begin_batch()
        state.begin_batch()
    older()  # cannot be put back alone: memory is dropped, then warmed from the database
    assert runtime() is not state
    _push(ZH_LATER, 40)
    assert _story_of(ZH_LATER) == _story_of(ZH_FIRST)
    _assert_memory_matches_database()


# --- the in-memory cores on their own -----------------------------------------------------
def _state(reprints: ReprintIndex, clusterer: StoryClusterer) -> dict[str, Any]:
    """Every table of both cores (white-box: the whole state), copied."""
    stories = {
        sid: [getattr(s, f.name) for f in dataclasses.fields(s)]
        for sid, s in clusterer.stories.items()
    }
    entries = {
        k: (e.doc_id, e.group_id, e.published_at, e.exact) for k, e in reprints._entries.items()
    }
    return _copied(
        {
            "stories": stories,
            "clusterer": {name: getattr(clusterer, name) for name in _CLUSTERER_TABLES},
            "groups": {k: dataclasses.astuple(v) for k, v in reprints._groups.items()},
            "entries": entries,
            "reprints": {name: getattr(reprints, name) for name in _REPRINT_TABLES},
            "heap": sorted(reprints._heap),
        }
    )


def _copied(value: Any) -> Any:
    """The containers copied; what they hold (records, vectors) is never changed in place."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return type(value)(_copied(v) for v in value)
    return value


_CLUSTERER_TABLES = (
    "_df",
    "_docs",
    "_topic_docs",
    "_with_topics",
    "_index",
    "_by_topic",
    "_by_group",
    "_next_id",
    "_newest",
)
_REPRINT_TABLES = ("_keys", "_exact", "_next_key", "_newest", "_horizon")


def _cluster(mentions: list[StoryMention], *, fail_every: int = 0) -> dict[str, Any]:
    """Cluster in batches of seven as the pipeline does; with ``fail_every``, every so
    many batches are first tried with one more mention, four days later than the rest (it
    reprints the last one and pushes older stories out of memory), and rolled back: the
    cores must be exactly as they were before the try."""
    reprints, clusterer = ReprintIndex(), StoryClusterer()
    story_of: dict[Hashable, int] = {}

    def run(batch: list[StoryMention]) -> None:
        reprints.begin()
        clusterer.begin()
        for m in batch:
            found = reprints.add(m.mention_id, f"{m.title}\n{m.text}", m.published_at)
            group = found.group_id if found else m.mention_id
            assignment = clusterer.add(dataclasses.replace(m, reprint_group=group))
            story_of[m.mention_id] = assignment.story_id
            for gone in assignment.merged:
                story_of.update({k: assignment.story_id for k, v in story_of.items() if v == gone})
        clusterer.expire()

    batches = [mentions[i : i + 7] for i in range(0, len(mentions), 7)]
    for n, batch in enumerate(batches):
        if fail_every and n % fail_every == 0:
            later = batch[-1].published_at + dt.timedelta(days=4)
            ghost = dataclasses.replace(batch[-1], mention_id=f"ghost{n}", published_at=later)
            before, assigned = _state(reprints, clusterer), dict(story_of)
            run([*batch, ghost])
            assert reprints.rollback() and clusterer.rollback()
            assert _state(reprints, clusterer) == before
            story_of = assigned
        run(batch)
    return {"story_of": story_of, "state": _state(reprints, clusterer)}


@pytest.mark.parametrize("name", [name for name, _, _ in DEFAULT_SETS])
def test_a_batch_rolled_back_leaves_the_cores_as_if_it_never_came(name: str) -> None:
    _, mentions_path, plan_path = next(s for s in DEFAULT_SETS if s[0] == name)
    mentions = [item.mention for item in load_set(name, mentions_path, plan_path).mentions]

    clean = _cluster(mentions)
    assert _cluster(mentions, fail_every=2) == clean
    assert _cluster(mentions, fail_every=1) == clean
