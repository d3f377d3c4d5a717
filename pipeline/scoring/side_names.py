"""A cheap test that a text cannot name either side of the pair, so the scorer can skip its passes.

Most pages an ingest reads from a general feed never mention either country; their score is
settled before any cue is matched (every link is 0, so relevance, tension, tone and evidence are
0), and the per-sentence passes are a fifth of a worker's time. ``may_name_a_side`` answers from
the text's distinct words alone; it may say True for a text that names no side (the full passes
then decide), never False for one that does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .actors import RECOGNISED_A, RECOGNISED_B, SIDE_A, SIDE_B, Pair
from .patterns import GAP, han_words
from .sentences import MAX_SENTENCE_CHARS

# The kinds through which a sentence can name a side: a side's names, and the other side's claims
# (read as that side in a sentence about recognising them). Epithets, "both", weak names and third
# parties link a sentence only where a side is named outright somewhere (relevance._named, _sides).
SIDE_KINDS = frozenset({SIDE_A, SIDE_B, RECOGNISED_A, RECOGNISED_B})
# sentences._TOKEN, over the whole text at once: the scorer's tokens of each sentence are tokens of
# the whole text (sentences end at white space), once folded as the tokenizer folds them. Final and
# inner sigma are folded together because str.lower() picks one by what follows the letter.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def _fold(text: str) -> str:
    return text.replace("’", "'").replace("ё", "е").replace("ς", "σ")  # str.translate is slower


# sentences._cut cuts a sentence longer than MAX_SENTENCE_CHARS at its last space, or anywhere
# when there is no space in the second half: a cut inside a word makes tokens the text lacks.
# (The look-behind starts a try only where a run starts: linear in the text.)
_LONG_RUN = re.compile(f"(?<![^ ])[^ ]{{{MAX_SENTENCE_CHARS // 2 - 1}}}")


_Rests = tuple[tuple[str, ...], ...]  # the words after the first, of each pattern opening with a word


@lru_cache(maxsize=64)
def _side_patterns(language: str, pair: Pair) -> tuple[dict[str, _Rests], tuple[tuple[int, dict[str, _Rests]], ...]]:
    """The side patterns matched in ``language``, indexed by their first word (as patterns.PatternMatcher
    indexes them): whole words, and prefix stems grouped by length; each with its other words."""
    exact: dict[str, list[tuple[str, ...]]] = {}
    stems: dict[int, dict[str, list[tuple[str, ...]]]] = {}
    for pattern in pair.patterns_for(language):
        if pattern.kind not in SIDE_KINDS:
            continue
        first, *rest = (_fold(word) for word in pattern.words)
        words = tuple(word for word in rest if word not in ("*", GAP))
        if first.endswith("*"):
            stems.setdefault(len(first) - 1, {}).setdefault(first[:-1], []).append(words)
        else:
            exact.setdefault(first, []).append(words)
    return (
        {word: tuple(rests) for word, rests in exact.items()},
        tuple(
            (length, {stem: tuple(rests) for stem, rests in found.items()}) for length, found in sorted(stems.items())
        ),
    )


def _present(word: str, words: frozenset[str]) -> bool:
    if word.endswith("*"):
        stem = word[:-1]
        return any(w.startswith(stem) for w in words)
    return word in words


def may_name_a_side(text: str, language: str, pair: Pair) -> bool:
    """False when no sentence of ``text`` can match a side pattern of ``pair`` in ``language``: no
    pattern has each of its words matched by some word of the text."""
    if _LONG_RUN.search(text):
        return True  # the sentence splitter may cut a word in two: leave it to the full passes
    exact, stems = _side_patterns(language, pair)
    words = frozenset(w for token in _WORD.findall(_fold(text.lower())) for w in han_words(token))  # as matched
    for word in words:
        rests = list(exact.get(word, ()))
        for length, found in stems:
            if length > len(word):
                break
            rests.extend(found.get(word[:length], ()))
        if any(all(_present(other, words) for other in rest) for rest in rests):
            return True
    return False
