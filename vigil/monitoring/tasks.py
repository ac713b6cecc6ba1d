"""Background retro searches (thin: the work is in ``vigil.monitoring.retro``)."""

from __future__ import annotations

from vigil.monitoring.retro import run_retro_search, unfinished_searches
from vigil.pipeline.embedded import stopping
from vigil.pipeline.runner import task


@task("monitoring.retro_search")
def retro_search_task(search_id: int) -> str:
    search = run_retro_search(search_id, should_stop=stopping)
    return search.status if search else "not claimed"


@task("monitoring.resume_retro_searches", every=60)
def resume_retro_searches() -> int:
    """Pick up searches left queued or running by a stopped process."""
    ids = unfinished_searches()
    for search_id in ids:
        run_retro_search(search_id, should_stop=stopping)
    return len(ids)
