"""Render leaflets in a pool of worker processes (WeasyPrint is not thread-safe).

Every budget problem is collected and reported together; a worker that dies fails the build
with the leaflet it was rendering, and the pool never waits on a dead worker.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from .errors import BudgetError, RenderError
from .leaflets import LeafletJob


def render_one(job: LeafletJob):
    """Write one leaflet; WeasyPrint is imported in the worker, never in the parent."""
    from .pdf import write_leaflet

    return write_leaflet(job)


def worker_count(jobs: int) -> int:
    """Return how many workers to start: one per CPU (or ASIPACK_WORKERS), never more than jobs."""
    wanted = int(os.environ.get("ASIPACK_WORKERS") or os.cpu_count() or 1)
    return max(1, min(wanted, jobs))


def render_leaflets(jobs: list[LeafletJob], *, on_done: Callable[[LeafletJob], None] = lambda job: None,
                    processes: int | None = None) -> list:
    """Render every job (here if one process will do, else in a pool); return results in job order."""
    if not jobs:
        return []
    processes = processes or worker_count(len(jobs))
    if processes == 1:  # one leaflet (or one core): render here, no process to start
        outcomes = ((index, run_here(job)) for index, job in enumerate(jobs))
        return collect(jobs, outcomes, on_done)
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        # the longest jobs first (a booklet), so no worker is left with one long job at the end
        longest_first = sorted(range(len(jobs)), key=lambda index: -jobs[index].page_budget)
        futures = {pool.submit(render_one, jobs[index]): index for index in longest_first}
        return collect(jobs, ((futures[future], future) for future in as_completed(futures)), on_done)


def run_here(job: LeafletJob) -> Future:
    """Render a job in this process, as a finished future (so one loop collects both ways)."""
    future: Future = Future()
    try:
        future.set_result(render_one(job))
    except BudgetError as error:
        future.set_exception(error)
    return future


def collect(jobs: list[LeafletJob], outcomes, on_done: Callable[[LeafletJob], None]) -> list:
    """Gather (index, future) outcomes: results in job order, every budget problem reported together."""
    results: dict[int, object] = {}
    over_budget: list[str] = []
    for index, future in outcomes:
        job = jobs[index]
        try:
            results[index] = future.result()
        except BudgetError as error:
            over_budget.append(str(error))
        except BrokenProcessPool as error:
            raise RenderError(
                f"a worker process died while rendering leaflet '{job.slug}' ({job.lang}); "
                "the build stopped and site/ is unchanged. Run again; if it repeats, build with one "
                "worker (ASIPACK_WORKERS=1) to see the error."
            ) from error
        on_done(job)
    if over_budget:
        raise BudgetError("\n".join(sorted(over_budget)))
    return [results[index] for index in range(len(jobs))]
