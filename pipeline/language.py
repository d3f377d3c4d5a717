"""Offline language identification (py3langid), with a confidence the scorer can use."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Kazakh written in Cyrillic shares most letters with Russian; these letters are Kazakh-only.
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_MIN_CHARS = 12


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability in [0, 1]); ("", 0.0) when the text is too short to tell."""
    sample = (text or "")[:5000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < _MIN_CHARS:
        return "", 0.0
    kazakh = sum(ch in _KAZAKH_LETTERS for ch in sample)
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in sample)
    # py3langid sometimes calls short Kazakh text Russian or Mongolian; Kazakh-only letters settle it.
    if cyrillic and kazakh / cyrillic > 0.02:
        return "kk", 0.95
    code, prob = _identifier().classify(sample)
    return str(code), float(prob)
