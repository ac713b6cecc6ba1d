"""The pipeline's warn stage: active alert rules over the batch's new mentions."""

from __future__ import annotations

from vigil.pipeline.batch import Batch


def warn(batch: Batch) -> None:
    """Evaluate rules on the new mentions; alerts and deliveries commit with the batch."""
    from vigil.alerts.services.evaluate import evaluate_new_mentions

    evaluate_new_mentions(batch.new_mentions())


warn.name = "warn"  # type: ignore[attr-defined]
