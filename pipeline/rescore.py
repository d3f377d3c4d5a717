"""Re-score every stored article with the current scorer version.

The new version's scores are written first (old ones kept meanwhile), and only when every article
has one are older versions retired; an interrupted rescore leaves the old scores in place and a
rerun picks up where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import store
from .score import SCORER_VERSION, score_article
from .settings import Settings

BATCH = 200


@dataclass(frozen=True)
class RescoreReport:
    version: str
    scored: int
    already: int
    retired: int


def rescore_all(settings: Settings, progress: Callable[[int, int], None] | None = None) -> RescoreReport:
    """Score every article lacking a current-version score, then retire the older versions."""
    conn = store.connect(settings.db, create=False)  # rescoring a database that is not there is a typo
    try:
        total = store.article_count(conn)
        already = store.score_versions(conn).get(SCORER_VERSION, 0)
        done, scored, batch = already, 0, []
        pair = settings.watched_pair()
        for article_id, title, text, language in store.iter_unscored(conn, SCORER_VERSION):
            batch.append((article_id, score_article(text, title=title, language=language or None, pair=pair)))
            if len(batch) >= BATCH:
                scored += store.write_scores(conn, batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            scored += store.write_scores(conn, batch)
            done += len(batch)
        if progress:
            progress(done, total)
        retired = store.retire_scores(conn, SCORER_VERSION)
        return RescoreReport(SCORER_VERSION, scored, already, retired)
    finally:
        conn.close()
