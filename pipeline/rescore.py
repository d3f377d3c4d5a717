"""Re-score the stored articles with the current scorer version of a pair, or of every followed pair.

The new version's scores are written first (old ones kept meanwhile), and only when every article
has one are that pair's older versions retired; an interrupted rescore leaves the old scores in
place and a rerun picks up where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .resources import DEFAULT_PAIR
from .scoring.actors import Pair
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
    pair: str = DEFAULT_PAIR


def rescore_all(
    settings: Settings, progress: Callable[[int, int], None] | None = None, *, pair: Pair | None = None
) -> RescoreReport:
    """Score every article lacking a score of ``pair``'s current version (default: the watched pair),
    then retire that pair's older versions."""
    pair = pair or settings.watched_pair()
    # rescoring a database that is not there is a typo
    with Store.open(settings.db, create=False, pair=pair) as db:
        total = db.article_count()
        version = scorer_version(SCORER_BASE, pair)  # the pair's and its data files': an edited lexicon is new
        already = db.score_versions(pair).get(version, 0)
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
        retired = db.retire_scores(version, pair)
        return RescoreReport(version, scored, already, retired, pair.id)


def rescore_followed(
    settings: Settings, progress: Callable[[str, int, int], None] | None = None
) -> list[RescoreReport]:
    """``rescore_all`` for every pair the database follows whose file loads (in id order); ``progress``
    is told the pair too."""
    with Store.open(settings.db, create=False, pair=settings.watched_pair()) as db:
        followed = db.pairs(with_own=False)  # all = what the database follows, not also the default pair
    pairs = sorted(settings.scoring_pairs(followed), key=lambda p: p.id)
    reports = []
    for pair in pairs:
        told = None if progress is None else (lambda done, total, p=pair.id: progress(p, done, total))
        reports.append(rescore_all(settings, told, pair=pair))
    return reports
