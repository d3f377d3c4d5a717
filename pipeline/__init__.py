"""bilateral-barometer: news about a pair of countries → tension scores → a time series.

Stages (one module each): fetch → extract → dedupe → score → store → aggregate. See DESIGN.md.
"""

from .models import Article, Evidence, FetchFailure, Score
from .score import SCORER_VERSION, score_article

__all__ = ["SCORER_VERSION", "Article", "Evidence", "FetchFailure", "Score", "score_article"]
