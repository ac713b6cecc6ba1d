"""`vigil analyze sentiment`, `vigil eval sentiment`, `vigil train sentiment`.

Thin shells: parse arguments, call the pure cores in vigil.analysis, print.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register"]


def _subparsers(
    subparsers: argparse._SubParsersAction, name: str, help_text: str
) -> argparse._SubParsersAction:
    """Reuse the ``name`` group when another app already registered it (e.g. ``eval``)."""
    existing = subparsers.choices.get(name) if subparsers.choices else None
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
    parser = subparsers.add_parser(name, help=help_text)
    return parser.add_subparsers(dest=f"{name}_command", required=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    analyze = _subparsers(subparsers, "analyze", "analyse text from stdin")
    p = analyze.add_parser("sentiment", help="one JSON line of sentiment per input line")
    p.add_argument("--lang", default=None, help="language of every line (default: identify)")
    p.add_argument("--path", choices=("fast", "accurate"), default="fast")
    p.set_defaults(func=handle_analyze_sentiment)

    evaluate = _subparsers(subparsers, "eval", "measure accuracy and speed")
    p = evaluate.add_parser("sentiment", help="accuracy of sentiment on a labelled JSONL file")
    p.add_argument("file", type=Path, help='JSONL lines {"text", "label", "lang"?}')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--path", choices=("fast", "accurate"), default="fast")
    p.add_argument(
        "--toward",
        action="store_true",
        help='sentiment toward each line\'s "target" (a name in the text), as topics are '
        'scored; names in its "others" list are treated as other topics',
    )
    p.set_defaults(func=handle_eval_sentiment)

    train = _subparsers(subparsers, "train", "train shipped models")
    p = train.add_parser("sentiment", help="retrain the sentiment models (reproducible)")
    p.add_argument("--dev", type=Path, default=None, help="brand-mention dev set JSONL")
    p.add_argument("--with-corrections", action="store_true", help="blend analysts' corrections")
    p.add_argument(
        "--corrections",
        type=Path,
        default=None,
        help="corrections JSONL (default with --with-corrections: this installation's)",
    )
    p.add_argument("--out", type=Path, default=None, help="model directory (default: shipped)")
    p.add_argument("--cache", type=Path, default=None, help="training-data cache directory")
    p.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds on --dev (0: skip; default 5)"
    )
    p.add_argument("--no-accurate", action="store_true", help="skip the e5 head (slow)")
    p.add_argument(
        "--rebuild-corpus",
        action="store_true",
        help="regenerate brand_mentions.jsonl from vigil/analysis/training/corpus first",
    )
    p.set_defaults(func=handle_train_sentiment)


def handle_analyze_sentiment(args: argparse.Namespace) -> int:
    from vigil.analysis.sentiment import score_sentiments

    batch: list[str] = []

    def flush() -> None:
        for result in score_sentiments(batch, [args.lang] * len(batch), args.path):
            sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        batch.clear()

    for line in sys.stdin:
        batch.append(line.rstrip("\n"))
        if len(batch) >= 256:
            flush()
    flush()
    return 0


def handle_eval_sentiment(args: argparse.Namespace) -> int:
    from vigil.analysis.langid import identify_language
    from vigil.analysis.sentiment.evaluate import evaluate
    from vigil.analysis.sentiment.targeted import target_spans, topic_window

    texts: list[str] = []
    labels: list[str] = []
    langs: list[str | None] = []
    groups: list[str] = []  # "lang:kind" when the file gives each item a kind
    with args.file.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in ("positive", "neutral", "negative"):
                print(
                    f"{args.file}:{number}: label must be positive/neutral/negative",
                    file=sys.stderr,
                )
                return 2
            text = str(row["text"])
            if args.toward:
                spans = target_spans(text, str(row.get("target") or ""))
                if not spans:
                    print(f"{args.file}:{number}: target not found in text", file=sys.stderr)
                    return 2
                others = [s for name in row.get("others") or [] for s in target_spans(text, name)]
                langs.append(row.get("lang") or identify_language(text))
                text = topic_window(text, spans, others)
            else:
                langs.append(row.get("lang"))
            texts.append(text)
            labels.append(row["label"])
            groups.append(
                f"{row.get('lang') or langs[-1]}:{row['kind']}" if row.get("kind") else ""
            )
    report = evaluate(texts, labels, langs, args.path, groups=groups if any(groups) else None)
    if args.json:
        print(json.dumps(report))
        return 0
    width = max([8, *(len(name) + 1 for name in report)])
    print(f"{'set':<{width}} {'n':>6} {'polar acc':>10} {'3-class acc':>12} {'macro-F1':>9}")
    for name, value in report.items():
        if isinstance(value, dict):
            print(
                f"{name:<{width}} {value['n']:>6} {value['polar_accuracy']:>10.1%} "
                f"{value['accuracy']:>12.1%} {value['macro_f1']:>9.3f}"
            )
    print(f"{report['docs_per_s']} docs/s ({args.path} path)")
    return 0


def handle_train_sentiment(args: argparse.Namespace) -> int:
    from vigil.analysis.training.train import train_sentiment

    if args.with_corrections and args.corrections is None:
        # The installation's own corrections, exported from its database.
        import tempfile

        from vigil.cli import setup_django

        setup_django()
        from vigil.analysis.corrections import export_corrections

        args.corrections = Path(tempfile.mkdtemp(prefix="vigil-corrections-")) / "corrections.jsonl"
        count = export_corrections(str(args.corrections))
        print(f"{count} sentiment corrections exported from the database to {args.corrections}")
    if args.rebuild_corpus:
        from vigil.analysis.training.corpus import CORPUS_PATH, write_corpus

        print(f"{write_corpus()} brand mentions written to {CORPUS_PATH}")
    train_sentiment(
        dev=args.dev,
        corrections=args.corrections if args.with_corrections else None,
        out=args.out,
        cache=args.cache,
        accurate_path=not args.no_accurate,
        folds=args.folds,
    )
    return 0
