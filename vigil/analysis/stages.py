"""Pipeline stage of the analysis app."""

from __future__ import annotations

from vigil.pipeline.batch import Batch


def analyse(batch: Batch) -> None:
    """Placeholder until the stage is written (does nothing)."""
