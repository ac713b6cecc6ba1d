"""The accurate sentiment path, within a time budget (thin: the work is in services).

The fast path scores every mention in the pipeline; this task re-scores matched
mentions with the embedding model (≈10 docs/s on one thread), newest first, for at most
``ACCURATE_BUDGET_SECONDS`` per run, so a burst never holds up the pipeline.
"""

from __future__ import annotations

from vigil.analysis.services import refine_sentiment
from vigil.pipeline.embedded import stopping
from vigil.pipeline.runner import task


@task("analysis.refine_sentiment", every=30)
def refine_sentiment_task(budget_seconds: float = 10.0) -> int:
    return refine_sentiment(budget_seconds=budget_seconds, should_stop=stopping)
