"""The scorer's per-sentence features: what the stance model (``model.py``) weighs.

Each linked sentence gives one row; an article's vector is the rows' sum, each row scaled by the
sentence's turn (a backdrop, a dissenting headline) and divided by the article's denominator. The
model is linear in the rows, so every sentence's share of the tension is its own row's part.
"""

from __future__ import annotations

from collections.abc import Sequence

from .stance import CLASSES

MAIN_LANGUAGES = frozenset({"en", "ru", "pl", "kk"})
# Names of the row's entries, in order. The stance is split by sign so that the model can trust the
# tension side and the cooperation side differently; the cue classes (stance.CLASSES) say which kind
# of cue moved it; "cued" is a lean per cued sentence (the model's intercept, shared out by weight).
FEATURES = (
    "tension_stance",
    "cooperation_stance",
    "title_stance",
    "tone",
    "cued",
    *CLASSES,
    "kk_stance",
    "uncurated_stance",
)
N_FEATURES = len(FEATURES)
_ZERO_PARTS = (0.0,) * len(CLASSES)


def sentence_row(
    weight: float, stance: float, parts: Sequence[float], tone: float, is_title: bool, language: str
) -> tuple[float, ...]:
    """One linked sentence's features: its weight (link x emphasis x headline) times each quantity."""
    parts = tuple(parts) or _ZERO_PARTS
    return (
        weight * max(stance, 0.0),
        weight * min(stance, 0.0),
        weight * stance if is_title else 0.0,
        weight * tone,
        weight if stance else 0.0,
        *(weight * p for p in parts),
        weight * stance if language == "kk" else 0.0,
        weight * stance if language not in MAIN_LANGUAGES else 0.0,
    )


def article_vector(rows: Sequence[Sequence[float]], factors: Sequence[float], denominator: float) -> tuple[float, ...]:
    """The article's features: the rows, each scaled by its factor, summed, over the denominator."""
    total = [0.0] * N_FEATURES
    for row, factor in zip(rows, factors, strict=True):
        if factor:
            for k, value in enumerate(row):
                total[k] += factor * value
    return tuple(v / denominator for v in total)
