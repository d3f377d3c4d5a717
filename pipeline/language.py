"""Offline language identification (py3langid), with a confidence the scorer can use."""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Kazakh written in Cyrillic shares most letters with Russian; these letters are Kazakh-only
# (і is left out: Ukrainian and Belarusian use it too).
_KAZAKH_LETTERS = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
_MIN_CHARS = 12
_SAMPLE_CHARS = 1500  # enough for a confident call; the cost grows with the sample
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_KAZAKH = re.compile("[" + "".join(sorted(_KAZAKH_LETTERS)) + "]")
# News this tool reads comes in these languages; restricting py3langid to them stops short, name-heavy
# texts ("Kazakhstan and Russia") from being called Acehnese or Latin.
_NEWS_LANGUAGE_CODES = """
en ru pl kk uk be de fr es it pt nl sv no da fi et lv lt cs sk sl hr sr bg
ro hu el tr az hy ka uz ky mn zh ja ko ar fa he hi ur id vi th
"""
NEWS_LANGUAGES = tuple(_NEWS_LANGUAGE_CODES.split())


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(NEWS_LANGUAGES))
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability in [0, 1]); ("", 0.0) when the text is too short to tell."""
    sample = (text or "")[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < _MIN_CHARS:
        return "", 0.0
    kazakh = len(_KAZAKH.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    # py3langid sometimes calls short Kazakh text Russian or Mongolian; Kazakh-only letters settle it.
    if cyrillic and kazakh / cyrillic > 0.02:
        return "kk", 0.95
    code, prob = _identifier().classify(sample)
    return str(code), float(prob)
