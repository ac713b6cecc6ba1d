"""Analysts' corrections of what the models said (sentiment, emotion, relevance): taken,
audited, shown at once, re-scored, and kept for retraining and agreement figures."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from vigil.accounts.audit import record_audit
from vigil.analysis.impact import score_mention
from vigil.analysis.models import Correction
from vigil.analysis.runtime import runtime
from vigil.analysis.services import (
    EMOTIONS,
    LABEL_SCORES,
    RELEVANCE,
    SENTIMENTS,
    mention_text,
    refresh_stories,
    signals_of,
)
from vigil.mentions.models import Mention


class CorrectionError(ValueError):
    """A correction that cannot be taken (unknown field or value)."""


@transaction.atomic
def correct_mention(
    mention: Mention, field: str, value: str, *, actor: Any
) -> tuple[Correction, bool]:
    """An analyst overrides the model: shown at once, audited, kept for retraining.

    Answers the correction and whether it was made now (``False``: the same correction
    was already in force, so the caller can say nothing was created), as ``get_or_create``.
    """
    allowed = {"sentiment": SENTIMENTS, "emotion": EMOTIONS + ("none",), "relevance": RELEVANCE}
    if field not in allowed:
        raise CorrectionError(
            gettext("cannot correct “%(field)s”; choose sentiment, emotion or relevance")
            % {"field": field}
        )
    if value not in allowed[field]:
        raise CorrectionError(
            gettext("%(name)s must be one of: %(values)s")
            % {"name": field, "values": ", ".join(allowed[field])}
        )
    model_value = {"sentiment": mention.sentiment, "emotion": mention.emotion, "relevance": ""}[
        field
    ]
    attr = {
        "sentiment": "sentiment_corrected",
        "emotion": "emotion_corrected",
        "relevance": "relevance",
    }[field]
    latest = mention.corrections.filter(field=field).order_by("-at", "-id").first()
    if latest is not None and latest.value == value and getattr(mention, attr) == value:
        return latest, False  # the same correction again: nothing changes or is recorded
    # What was in force: the model's reading until a first correction (a re-trial read
    # "— → 中性" where the model had said 负面).
    before = {attr: getattr(mention, attr) or model_value}
    setattr(mention, attr, value)
    mention.save(update_fields=[attr])
    correction = Correction.objects.create(
        mention=mention,
        field=field,
        model_value=model_value,
        value=value,
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_audit(actor, f"mention.corrected.{field}", mention, before=before, after={attr: value})
    if field in ("sentiment", "relevance"):
        _rescore_after_correction(mention, field)
    return correction, True


def _rescore_after_correction(mention: Mention, field: str) -> None:
    """A corrected sentiment changes the tone of the mention's own impact, and a corrected
    sentiment or relevance the figures of its story: recompute them as the screens show."""
    if field == "sentiment" and mention.impact is not None:
        score = (
            mention.sentiment_score
            if mention.sentiment_corrected == mention.sentiment
            else LABEL_SCORES[mention.sentiment_corrected]
        )
        impact = score_mention(signals_of(mention, score, keep_unknown=True), runtime().authority)
        mention.impact, mention.impact_explained = impact.score, impact.as_dict()
        mention.save(update_fields=["impact", "impact_explained"])
    if mention.story_id:
        refresh_stories({mention.story_id})


def _latest_corrections(field: str) -> dict[int, Correction]:
    """Each corrected mention's latest correction of ``field`` (an analyst may change their mind)."""
    latest: dict[int, Correction] = {}
    for correction in (
        Correction.objects.filter(field=field).select_related("mention").order_by("at")
    ):
        latest[correction.mention_id] = correction
    return latest


def agreement(field: str = "sentiment") -> tuple[int, int, float | None]:
    """(corrections, of which the model already agreed, agreement share) for a field.

    The latest correction per mention counts; a model label equal to the analyst's
    is agreement (analysts also confirm labels).
    """
    latest = _latest_corrections(field)
    total = len(latest)
    agreed = sum(1 for c in latest.values() if c.model_value == c.value)
    return total, agreed, (agreed / total if total else None)


def export_corrections(path: str) -> int:
    """Write sentiment corrections as JSONL for ``vigil train sentiment --corrections``."""
    import json

    latest = _latest_corrections("sentiment")
    with open(path, "w", encoding="utf-8") as out:
        for correction in latest.values():
            mention = correction.mention
            out.write(
                json.dumps(
                    {
                        "text": mention_text(mention),
                        "label": correction.value,
                        "lang": mention.lang,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return len(latest)
