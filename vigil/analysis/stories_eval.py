"""``vigil eval stories``: how well mentions are grouped into stories, against labels.

A labelled set is a JSONL file of mentions in the demo scenario's format (``id``,
``offset_minutes``, ``title``, ``text``, ``site``, ``author``, ``story``, ``reprint_of``)
and a plan (a JSON object whose ``topics`` hold ``query`` and ``exclude``). Each mention
goes through what the pipeline does — match the plan's topics, find reprints, cluster —
in publication order, and only matched mentions are clustered, as in the pipeline. The
gold story of a mention is its ``story`` label; an unlabelled mention (routine chatter)
is a story of its own together with its reprints.

Figures: B-cubed precision/recall/F1 (per mention, so a big story weighs more), pairwise
precision/recall/F1 (per pair of mentions), and for each labelled story how many stories
it was split into and the share of its mentions in the largest one.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vigil.analysis.dedup import ReprintIndex
from vigil.analysis.keywords import add_terms
from vigil.analysis.stories import StoryClusterer, StoryMention
from vigil.monitoring.query.document import Document
from vigil.monitoring.query.names import names_in_queries
from vigil.monitoring.query.percolator import Percolator

__all__ = [
    "DEFAULT_SETS",
    "LabelledSet",
    "StoryEvalReport",
    "cluster_set",
    "format_reports",
    "load_set",
    "score_clusters",
]

_HERE = Path(__file__).resolve().parent
#: (name, mentions, plan) of the shipped labelled sets.
DEFAULT_SETS = [
    (
        "stories",
        _HERE / "training" / "stories" / "mentions.jsonl",
        _HERE / "training" / "stories" / "plan.json",
    ),
    (
        "demo",
        _HERE.parent / "demo" / "scenario" / "mentions.jsonl",
        _HERE.parent / "demo" / "scenario" / "company.json",
    ),
]
_START = datetime(2025, 5, 5, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LabelledMention:
    mention: StoryMention
    gold: str  # the story label, or "~" + the reprint chain's first id for chatter
    labelled: bool
    lang: str


@dataclass
class LabelledSet:
    name: str
    mentions: list[LabelledMention]  # matched mentions only, in publication order
    unmatched: int = 0


@dataclass
class StoryEvalReport:
    name: str
    mentions: int
    unmatched: int
    gold_stories: int
    predicted_stories: int
    bcubed: tuple[float, float, float]
    pairwise: tuple[float, float, float]
    # label -> (mentions, stories it is split into, share of the largest, languages)
    split: dict[str, tuple[int, int, float, str]] = field(default_factory=dict)
    mixed: int = 0  # predicted stories holding mentions of two or more gold stories

    def as_dict(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "mentions": self.mentions,
            "unmatched": self.unmatched,
            "gold_stories": self.gold_stories,
            "predicted_stories": self.predicted_stories,
            "bcubed": dict(zip(("precision", "recall", "f1"), self.bcubed, strict=True)),
            "pairwise": dict(zip(("precision", "recall", "f1"), self.pairwise, strict=True)),
            "mixed": self.mixed,
            "split": {
                label: {"mentions": n, "stories": k, "largest_share": share, "languages": langs}
                for label, (n, k, share, langs) in self.split.items()
            },
        }


def _plan_percolator(plan_path: Path) -> Percolator:
    """The plan's topics, and its names taught to jieba, as the match stage does."""
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    percolator = Percolator()
    for i, topic in enumerate(plan["topics"]):
        percolator.add(i, topic["query"], exclude=topic.get("exclude") or None)
    add_terms(names_in_queries(topic["query"] for topic in plan["topics"]))
    return percolator


def load_set(name: str, mentions_path: Path, plan_path: Path) -> LabelledSet:
    """Read a labelled set and match it against its plan (unmatched mentions are left out)."""
    percolator = _plan_percolator(plan_path)
    lines = [json.loads(line) for line in mentions_path.read_text("utf-8").splitlines() if line]
    lines.sort(key=lambda line: (line["offset_minutes"], line["id"]))
    root: dict[str, str] = {}
    out: list[LabelledMention] = []
    unmatched = 0
    for line in lines:
        parent = line.get("reprint_of")
        root[line["id"]] = root.get(parent, parent) if parent else line["id"]
        title, text = line.get("title") or "", line.get("text") or ""
        document = Document(
            id=line["id"],
            title=title,
            text=text,
            author=line.get("author") or "",
            url=line.get("url") or "",
            site=line.get("site") or "",
            lang=line.get("lang") or "",
            channel=line.get("channel") or "",
        )
        topics = tuple(sorted(percolator.match_keys(document)))  # type: ignore[type-var]
        if not topics:
            unmatched += 1
            continue
        mention = StoryMention(
            mention_id=line["id"],
            text=text,
            published_at=_START + timedelta(minutes=line["offset_minutes"]),
            source=line.get("site") or "",
            title=title,
            topics=topics,
            lang=line.get("lang") or "",
        )
        label = line.get("story")
        out.append(
            LabelledMention(mention, label or "~" + root[line["id"]], bool(label), line["lang"])
        )
    return LabelledSet(name, out, unmatched)


def cluster_set(
    labelled: LabelledSet, make: Callable[[], StoryClusterer] = StoryClusterer
) -> dict[Hashable, int]:
    """Cluster the set as the pipeline does (reprints first) and return each mention's story."""
    reprints = ReprintIndex()
    clusterer = make()
    for item in labelled.mentions:
        m = item.mention
        found = reprints.add(m.mention_id, f"{m.title}\n{m.text}", m.published_at)
        group = found.group_id if found else m.mention_id
        clusterer.add(_with_group(m, group))
    # Read membership at the end: stories may have been merged since a mention was added.
    return {m.mention_id: s.story_id for s in clusterer.stories.values() for m in s.mentions}


def _with_group(m: StoryMention, group: Hashable) -> StoryMention:
    return StoryMention(
        m.mention_id,
        m.text,
        m.published_at,
        m.source,
        m.title,
        group,
        m.cited_source,
        m.topics,
        m.lang,
    )


def score_clusters(labelled: LabelledSet, predicted: dict[Hashable, int]) -> StoryEvalReport:
    """B-cubed and pairwise figures of ``predicted`` against the set's labels."""
    gold = {item.mention.mention_id: item.gold for item in labelled.mentions}
    ids = list(gold)
    by_gold: dict[str, set[Hashable]] = defaultdict(set)
    by_pred: dict[int, set[Hashable]] = defaultdict(set)
    for mid in ids:
        by_gold[gold[mid]].add(mid)
        by_pred[predicted[mid]].add(mid)
    precision = recall = 0.0
    for mid in ids:
        overlap = len(by_gold[gold[mid]] & by_pred[predicted[mid]])
        precision += overlap / len(by_pred[predicted[mid]])
        recall += overlap / len(by_gold[gold[mid]])
    bcubed = _prf(precision / len(ids), recall / len(ids)) if ids else (0.0, 0.0, 0.0)
    same_both = sum(
        n * (n - 1) // 2 for n in Counter((gold[m], predicted[m]) for m in ids).values()
    )
    same_pred = sum(len(v) * (len(v) - 1) // 2 for v in by_pred.values())
    same_gold = sum(len(v) * (len(v) - 1) // 2 for v in by_gold.values())
    pairwise = _prf(
        same_both / same_pred if same_pred else 1.0, same_both / same_gold if same_gold else 1.0
    )
    langs = {item.mention.mention_id: item.lang for item in labelled.mentions}
    split = {}
    for label in sorted({i.gold for i in labelled.mentions if i.labelled}):
        members = by_gold[label]
        pieces = Counter(predicted[m] for m in members)
        split[label] = (
            len(members),
            len(pieces),
            round(pieces.most_common(1)[0][1] / len(members), 3),
            "+".join(sorted({langs[m] for m in members})),
        )
    mixed = sum(1 for members in by_pred.values() if len({gold[m] for m in members}) > 1)
    return StoryEvalReport(
        name=labelled.name,
        mentions=len(ids),
        unmatched=labelled.unmatched,
        gold_stories=sum(1 for i in split),
        predicted_stories=len(by_pred),
        bcubed=bcubed,
        pairwise=pairwise,
        split=split,
        mixed=mixed,
    )


def _prf(precision: float, recall: float) -> tuple[float, float, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def format_reports(reports: Iterable[StoryEvalReport]) -> str:
    lines = []
    for r in reports:
        lines.append(
            f"{r.name}: {r.mentions} clustered mentions ({r.unmatched} match no topic), "
            f"{r.gold_stories} labelled stories plus chatter, {r.predicted_stories} stories found, "
            f"{r.mixed} mixing two or more"
        )
        lines.append("  B-cubed   precision {:.3f}  recall {:.3f}  F1 {:.3f}".format(*r.bcubed))
        lines.append("  pairwise  precision {:.3f}  recall {:.3f}  F1 {:.3f}".format(*r.pairwise))
        for label, (n, pieces, share, langs) in r.split.items():
            lines.append(
                f"  {label:<28} {n:>4} mentions ({langs:<5}) in {pieces:>3} stories, "
                f"largest holds {share:.0%}"
            )
    return "\n".join(lines)
