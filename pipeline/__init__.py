"""bilateral-barometer: news about a pair of countries → tension scores → a time series.

Stages: fetch → extract → dedupe → score → store → aggregate, imports running downward (docs/layout.md,
"Project layout"); the contracts are in docs/contracts.md.
"""

from .models import Article, Evidence, FetchFailure, Score
from .scoring.score import SCORER_VERSION, score_article

__all__ = ["SCORER_VERSION", "Article", "Evidence", "FetchFailure", "Score", "score_article"]
