"""Pipeline stage of the alerts app."""

from __future__ import annotations

from vigil.pipeline.batch import Batch


def warn(batch: Batch) -> None:
    """Placeholder until the stage is written (does nothing)."""
