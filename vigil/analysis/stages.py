"""The analyse stage: language, sentiment (overall and toward each matched topic),
emotion, entities, reprints, stories and impact for every new mention of a batch.

Everything here is the fast path; the accurate sentiment path refines matched
mentions later within a time budget (``vigil.analysis.tasks``).
"""

from __future__ import annotations

from vigil.analysis.services import analyse_mentions
from vigil.pipeline.batch import Batch


def analyse(batch: Batch) -> None:
    mentions = batch.new_mentions()
    if mentions:
        # A rolled-back batch must leave no reprint or story in memory either.
        analyse_mentions(mentions, on_rollback=batch.on_rollback)


analyse.name = "analyse"  # type: ignore[attr-defined]
