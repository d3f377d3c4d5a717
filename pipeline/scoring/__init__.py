"""The scorer: ``score_article`` and its parts (language, normalisation, sentences, actors, cues,
relevance, stance). Pure functions of their inputs and the pair's data files; no HTTP, no SQL."""

from .score import SCORER_VERSION, score_article

__all__ = ["SCORER_VERSION", "score_article"]
