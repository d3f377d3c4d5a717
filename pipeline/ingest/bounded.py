"""Run a job over many items in a thread pool, never more than a set number at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from ..models import FetchFailure
from .extractor import Result

Item = TypeVar("Item")


def run_bounded(
    items: Iterable[Item], job: Callable[[Item], Result], limit: int, on_done: Callable[[Item, Result], None]
) -> None:
    """Run ``job`` over ``items`` with at most ``limit`` in flight; ``on_done`` runs in this thread.

    ``items`` is read only as room frees up, so a lazy input stays lazy. A job that raises (a bug,
    not a page problem) ends as an "internal error" failure and the batch goes on.
    """
    limit = max(1, limit)
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="fetch") as pool:
        running: dict[Future[Result], Item] = {}
        queue = iter(items)
        exhausted = False
        while running or not exhausted:
            while not exhausted and len(running) < limit:
                try:
                    item = next(queue)
                except StopIteration:
                    exhausted = True
                    break
                running[pool.submit(job, item)] = item
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                error = future.exception()
                if error is not None:  # a bug, not a page problem: keep the batch going, say so
                    url = getattr(item, "url", str(item))
                    reason = f"internal error: {type(error).__name__}: {error}"
                    on_done(item, (FetchFailure(url, reason, "extract"), ()))
                else:
                    on_done(item, future.result())
