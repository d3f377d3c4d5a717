"""Re-score every stored article with the current scorer version.

The new version's scores are written first (old ones kept meanwhile), and only when every article
has one are older versions retired; an interrupted rescore leaves the old scores in place and a
rerun picks up where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .scoring.pair_data import scorer_version
from .scoring.score import SCORER_BASE, score_article
from .settings import Settings
from .store import Store

BATCH = 200


@dataclass(frozen=True)
class RescoreReport:
    version: str
    scored: int
    already: int
    retired: int


def rescore_all(settings: Settings, progress: Callable[[int, int], None] | None = None) -> RescoreReport:
    """Score every article lacking a current-version score, then retire the older versions."""
    with Store.open(settings.db, create=False) as db:  # rescoring a database that is not there is a typo
        total = db.article_count()
        pair = settings.watched_pair()
        version = scorer_version(SCORER_BASE, pair)  # the pair's and its data files': an edited lexicon is new
        already = db.score_versions().get(version, 0)
        done, scored, batch = already, 0, []
        for article in db.iter_unscored(version):
            score = score_article(article.text, title=article.title, language=article.language or None, pair=pair)
            batch.append((article.id, score))
            if len(batch) >= BATCH:
                scored += db.write_scores(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            scored += db.write_scores(batch)
            done += len(batch)
        if progress:
            progress(done, total)
        retired = db.retire_scores(version)
        return RescoreReport(version, scored, already, retired)
