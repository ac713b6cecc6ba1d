"""``vigil eval dedup``: planted near-duplicates among many look-alike posts.

We generate distinct same-topic posts in English and Chinese, copy some of them with
2% and 10% edits (word edits for English, character edits for Chinese, plus English
character typos as the hard case), publish the copies later, and feed everything to
a :class:`~vigil.analysis.dedup.ReprintIndex` in time order. Recall is the share of
copies grouped with their original; a false match is a mention grouped with a post
of another family (a distinct post called a reprint).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from vigil.analysis.dedup import DedupConfig, ReprintIndex, ReprintMatch, shingles
from vigil.analysis.dedup_corpus import chinese_post, english_post

__all__ = ["DedupReport", "edit_chars", "edit_words", "run_dedup_eval"]

_ZH_FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"


def edit_words(text: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    """Substitute, delete or insert ``rate`` of the words (at least one edit)."""
    words = text.split()
    for _ in range(max(1, round(rate * len(words)))):
        op = rng.random()
        i = rng.randrange(len(words))
        if op < 0.4 and len(words) > 2:
            del words[i]
        elif op < 0.7:
            words.insert(i, rng.choice(vocab))
        else:
            words[i] = rng.choice(vocab)
    return " ".join(words)


def edit_chars(text: str, rate: float, rng: random.Random, alphabet: str) -> str:
    """Substitute, delete or insert ``rate`` of the characters (at least one edit)."""
    chars = list(text)
    for _ in range(max(1, round(rate * len(chars)))):
        op = rng.random()
        i = rng.randrange(len(chars))
        if op < 0.4 and len(chars) > 2:
            del chars[i]
        elif op < 0.7:
            chars.insert(i, rng.choice(alphabet))
        else:
            chars[i] = rng.choice(alphabet)
    return "".join(chars)


class _DistinctGuard:
    """Keeps the ground truth honest: distinct posts have true shingle Jaccard < 0.3.

    Candidates come from a deliberately loose LSH (32 bands of 2 rows) and are checked
    exactly, so "false match" below means the index joined posts that really differ.
    """

    def __init__(self, max_jaccard: float = 0.3) -> None:
        import rensa

        self._rensa = rensa
        self._lsh = rensa.RMinHashLSH(0.1, 64, 32)
        self._sets: list[set[str]] = []
        self._sketches: list[object] = []
        self._max = max_jaccard
        self.rejected = 0

    def accept(self, text: str) -> bool:
        toks = set(shingles(text))
        m = self._rensa.RMinHash(64, 11)
        m.update(sorted(toks))
        for key in self._lsh.query(m):
            if m.jaccard(self._sketches[key]) < self._max - 0.15:
                continue  # far below the bar even allowing for estimation error
            other = self._sets[key]
            if len(toks & other) / max(1, len(toks | other)) >= self._max:
                self.rejected += 1
                return False
        self._lsh.insert(len(self._sets), m)
        self._sets.append(toks)
        self._sketches.append(m)
        return True


@dataclass
class _Doc:
    doc_id: str
    family: str
    text: str
    at: datetime
    kind: str  # "base" or "<case>@<rate>"


@dataclass
class DedupReport:
    """Figures printed by the command; ``recall`` is keyed by ``case@rate``."""

    docs: int
    distinct: int
    recall: dict[str, float] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    false_matches: int = 0
    false_examples: list[tuple[str, str]] = field(default_factory=list)
    docs_per_s: float = 0.0  # median over the timed passes
    cpu_docs_per_s: float = 0.0  # median, per CPU-second
    pass_docs_per_s: list[float] = field(default_factory=list)  # every pass, in order
    batch_docs_per_s: float = 0.0
    backend: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "docs": self.docs,
            "distinct": self.distinct,
            "recall": self.recall,
            "planted": self.planted,
            "false_matches": self.false_matches,
            "docs_per_s": round(self.docs_per_s),
            "cpu_docs_per_s": round(self.cpu_docs_per_s),
            "pass_docs_per_s": [round(x) for x in self.pass_docs_per_s],
            "batch_docs_per_s": round(self.batch_docs_per_s),
            "backend": self.backend,
        }


def _build_corpus(distinct: int, planted: int, rates: tuple[float, ...], seed: int) -> list[_Doc]:
    rng = random.Random(seed)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    docs: list[_Doc] = []
    guard = _DistinctGuard()
    i = 0
    while i < distinct:
        zh = i % 2 == 1
        text = chinese_post(rng) if zh else english_post(rng)
        if not guard.accept(text):
            continue  # too close to an earlier post to count as "distinct"
        at = start + timedelta(seconds=rng.uniform(0, 2 * 86400))
        docs.append(_Doc(f"d{i}", f"d{i}", text, at, "base"))
        i += 1
    en_vocab = sorted({w for d in docs[:2000:2] for w in d.text.split()})
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    cases: list[tuple[str, bool, Callable[[str, float], str]]] = [
        ("en-words", False, lambda t, r: edit_words(t, r, rng, en_vocab)),
        ("en-chars", False, lambda t, r: edit_chars(t, r, rng, alphabet)),
        ("zh-chars", True, lambda t, r: edit_chars(t, r, rng, _ZH_FILLER)),
    ]
    for case, zh, edit in cases:
        pool = [
            d
            for d in docs
            if d.kind == "base" and (d.doc_id[1:].isdigit()) and (int(d.doc_id[1:]) % 2 == 1) == zh
        ]
        for rate in rates:
            for n, original in enumerate(rng.sample(pool, planted)):
                copy_at = original.at + timedelta(minutes=rng.uniform(1, 600))
                docs.append(
                    _Doc(
                        f"{case}@{rate}#{n}",
                        original.family,
                        edit(original.text, rate),
                        copy_at,
                        f"{case}@{rate}",
                    )
                )
    docs.sort(key=lambda d: d.at)
    return docs


def _timed_pass(
    docs: list[_Doc], config: DedupConfig | None, backend: str | None
) -> tuple[ReprintIndex, list[ReprintMatch | None], float, float]:
    """Index every document into a fresh index, one at a time: (index, results, wall s, CPU s)."""
    index = ReprintIndex(config, backend=backend)
    began, cpu = time.perf_counter(), time.process_time()
    results = [index.add(d.doc_id, d.text, d.at) for d in docs]
    return index, results, time.perf_counter() - began, time.process_time() - cpu


def run_dedup_eval(
    distinct: int = 20000,
    planted: int = 300,
    rates: tuple[float, ...] = (0.02, 0.10),
    seed: int = 7,
    config: DedupConfig | None = None,
    backend: str | None = None,
    passes: int = 5,
) -> DedupReport:
    """Build the corpus, index it one mention at a time and in batches, and score it.

    Throughput is the median of ``passes`` timed passes, each into a fresh index: on a
    shared virtual machine one pass can run at half speed for reasons outside the
    process, so a single pass says little. Every pass gives the same groups; the
    first one is scored.
    """
    docs = _build_corpus(distinct, planted, rates, seed)
    family = {d.doc_id: d.family for d in docs}
    index, results, wall, cpu = _timed_pass(docs, config, backend)
    walls, cpus = [wall], [cpu]
    for _ in range(passes - 1):
        _, _, wall, cpu = _timed_pass(docs, config, backend)
        walls.append(wall)
        cpus.append(cpu)

    batch_index = ReprintIndex(config, backend=backend)
    batch = [(d.doc_id, d.text, d.at) for d in docs]
    began = time.perf_counter()
    for i in range(0, len(batch), 512):
        batch_index.add_many(batch[i : i + 512])
    batch_elapsed = time.perf_counter() - began

    report = DedupReport(docs=len(docs), distinct=distinct, backend=index.backend)
    report.pass_docs_per_s = [len(docs) / max(w, 1e-9) for w in walls]
    report.docs_per_s = len(docs) / max(statistics.median(walls), 1e-9)
    report.cpu_docs_per_s = len(docs) / max(statistics.median(cpus), 1e-9)
    report.batch_docs_per_s = len(docs) / batch_elapsed
    hits: dict[str, int] = {}
    for doc, match in zip(docs, results, strict=True):
        if doc.kind != "base":
            report.planted[doc.kind] = report.planted.get(doc.kind, 0) + 1
            if index.group_of(doc.doc_id) == index.group_of(doc.family):
                hits[doc.kind] = hits.get(doc.kind, 0) + 1
        if match is not None and family[str(match.matched_id)] != doc.family:
            report.false_matches += 1
            if len(report.false_examples) < 5:
                other = next(d.text for d in docs if d.doc_id == match.matched_id)
                report.false_examples.append((doc.text, other))
    report.recall = {k: hits.get(k, 0) / n for k, n in sorted(report.planted.items())}
    return report


def format_report(report: DedupReport) -> str:
    """Plain-text table for the terminal."""
    lines = [
        f"backend: {report.backend}",
        f"mentions: {report.docs} ({report.distinct} distinct look-alike posts, "
        f"{sum(report.planted.values())} planted copies)",
        "",
        f"{'case':<16}{'planted':>8}{'recall':>9}",
    ]
    for case, recall in report.recall.items():
        lines.append(f"{case:<16}{report.planted[case]:>8}{recall:>9.3f}")
    lines += [
        "",
        f"false matches (distinct posts grouped together): {report.false_matches}",
        f"throughput, one at a time: {report.docs_per_s:,.0f} docs/s "
        f"({report.cpu_docs_per_s:,.0f} per CPU-second), median of "
        f"{len(report.pass_docs_per_s)} passes; slowest "
        f"{min(report.pass_docs_per_s, default=0):,.0f}, fastest "
        f"{max(report.pass_docs_per_s, default=0):,.0f}",
        f"throughput, batches of 512: {report.batch_docs_per_s:,.0f} docs/s",
    ]
    for a, b in report.false_examples:
        lines += ["", f"  false match: {a!r}", f"         with: {b!r}"]
    return "\n".join(lines)
