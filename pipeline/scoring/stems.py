"""The word-stem model: what the words of the sentences about the two sides lean to, learnt from real articles.

The rules read cues; a real article often carries its stance in words no cue file holds (an outlet's
framing, technical wording of a measure). ``pipeline/data/model/stems.toml`` holds one weight per word
stem (a token's first ``letters`` letters; tokens shorter than ``min_length`` lend none: negators and
conjunctions carry no topic, and their weights were only the lean of short texts), a ridge regression of
the signed label of the real-article ledgers' items about the pair (tension +1, cooperation -1, neutral 0)
on the stems of their linked sentences, stacked with the rule's
logit (``scripts/train_stems.py``). An article's logit is ``rule_scale x rule + scale x g x sum(w) /
sqrt(n)`` over the ``n`` distinct stems of its linked sentences, ``g`` the gate (``gate``: relevance, and
``n`` against ``full_from``); each stem's part
is given to the first linked sentence that holds it, so every sentence's share of the tension stays its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..resources import DataFileError, find_data_file, read_toml

STEMS_KIND = "model"
STEMS_FILE = "stems.toml"
GATE_RELEVANCE = 0.3  # the default relevance threshold of the series (settings.relevance_threshold)


@dataclass(frozen=True)
class StemModel:
    """Stem weights and the stacking's two scales; applies to the pairs it was learnt for."""

    weights: Mapping[str, float] = field(default_factory=dict)
    letters: int = 5
    min_length: int = 1  # a shorter token lends no stem
    full_from: int = 1  # the words count fully from this many distinct stems, in proportion below
    rule_scale: float = 1.0
    scale: float = 0.0
    pairs: tuple[str, ...] = ()
    source: str = ""
    trained_on: tuple[str, ...] = ()
    trained: str = ""

    def applies_to(self, pair_id: str) -> bool:
        return bool(self.weights) and pair_id in self.pairs

    def stem_parts(
        self, sentences: Sequence[Sequence[str]], linked: Sequence[bool], relevance: float = 1.0
    ) -> list[StemPart]:
        """Each distinct stem of the linked sentences with its part of the logit, in reading order: a stem
        counts once in the article, in the first linked sentence that holds it; the words of a piece that is
        hardly about the pair, or too short to weigh, count less (``gate``)."""
        first: dict[str, tuple[int, str]] = {}
        for i, tokens in enumerate(sentences):
            if linked[i]:
                for token in tokens:
                    if len(token) >= self.min_length:
                        first.setdefault(token[: self.letters], (i, token))
        n = len(first)
        norm = self.scale * gate(relevance, n, self.full_from) / math.sqrt(n) if first else 0.0
        return [StemPart(stem, word, i, self.weights.get(stem, 0.0) * norm) for stem, (i, word) in first.items()]


def relevance_gate(relevance: float) -> float:
    """How much the words count: fully from the relevance at which an article counts in the series
    (GATE_RELEVANCE), in proportion below it. The model learnt from articles about the pair; "The weather
    in Astana and Moscow was cold" (relevance 0.03) should not get a tension from "was" and "in"."""
    return min(1.0, max(0.0, relevance) / GATE_RELEVANCE)


def gate(relevance: float, n: int, full_from: int = 1) -> float:
    """How much an article's words count: the relevance gate times ``n / full_from`` (at most 1). The model
    learnt from excerpts of 20 distinct stems and more; a one-sentence text's eight words are too few to
    weigh ("Дружба ... крепка, и об этом не стоит забывать" leant to tension on its names alone)."""
    return relevance_gate(relevance) * min(1.0, n / full_from)


@dataclass(frozen=True)
class StemPart:
    """One stem of an article: the word it was first met as, that word's sentence, its part of the logit."""

    stem: str
    word: str
    sentence: int
    logit: float


NO_STEMS = StemModel()


def article_stems(
    sentences: Sequence[Sequence[str]], linked: Sequence[bool], letters: int = 5, min_length: int = 1
) -> frozenset[str]:
    """The distinct stems of the linked sentences: what the model reads (and what training reads)."""
    on_pair = (t for tokens, on in zip(sentences, linked, strict=True) if on for t in tokens)
    return frozenset(t[:letters] for t in on_pair if len(t) >= min_length)


def parse_stems(data: dict[str, object], source: str) -> StemModel:
    """A StemModel from a parsed stems file; DataFileError naming the file and what is wrong with it."""

    def number(name: str) -> float:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DataFileError(f"stems file {source}: {name} must be a finite number, not {value!r}")
        return float(value)

    weights = data.get("weights")
    if not isinstance(weights, dict):
        raise DataFileError(f"stems file {source} has no [weights] table")
    bad = [k for k, v in weights.items() if isinstance(v, bool) or not isinstance(v, int | float)]
    bad += [k for k, v in weights.items() if k not in bad and not math.isfinite(v)]
    if bad:
        raise DataFileError(f"stems file {source}: the weights of {', '.join(sorted(bad)[:5])} are not finite numbers")
    letters = data.get("letters")
    if isinstance(letters, bool) or not isinstance(letters, int) or letters < 1:
        raise DataFileError(f"stems file {source}: letters must be a whole number of at least 1, not {letters!r}")
    min_length = data.get("min_length", 1)  # files written before it existed read every token
    if isinstance(min_length, bool) or not isinstance(min_length, int) or min_length < 1:
        raise DataFileError(f"stems file {source}: min_length must be a whole number of at least 1, not {min_length!r}")
    full_from = data.get("full_from", 1)  # likewise: every article's words counted fully
    if isinstance(full_from, bool) or not isinstance(full_from, int) or full_from < 1:
        raise DataFileError(f"stems file {source}: full_from must be a whole number of at least 1, not {full_from!r}")
    long = [k for k in weights if len(k) > letters]
    if long:
        raise DataFileError(
            f"stems file {source}: stems longer than {letters} letters never match: {', '.join(long[:5])}"
        )
    short = [k for k in weights if len(k) < min(min_length, letters)]
    if short:
        raise DataFileError(
            f"stems file {source}: stems shorter than min_length {min_length} never match: {', '.join(short[:5])}"
        )
    pairs, trained_on = data.get("pairs", []), data.get("trained_on", [])
    for name, value in (("pairs", pairs), ("trained_on", trained_on)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataFileError(f"stems file {source}: {name} must be a list of names")
    return StemModel(
        weights={str(k): float(v) for k, v in weights.items()},
        letters=letters,
        min_length=min_length,
        full_from=full_from,
        rule_scale=number("rule_scale"),
        scale=number("scale"),
        pairs=tuple(pairs),  # type: ignore[arg-type]
        source=source,
        trained_on=tuple(trained_on),  # type: ignore[arg-type]
        trained=str(data.get("trained", "")),
    )


def read_stems(path: Path) -> StemModel:
    return parse_stems(read_toml(path, "stems file"), str(path))


@lru_cache(maxsize=8)
def load_stems(data_dir: str = "") -> StemModel:
    """The stem model of the data directory (the user's first, then the package's), read once; none when
    neither has a stems file (the scorer is then the rules alone)."""
    path = find_data_file(STEMS_KIND, STEMS_FILE, data_dir or None)
    return read_stems(path) if path else NO_STEMS


def check_stems(data_dir: str = "") -> str | None:
    """None when the stems file reads (or there is none), else why in words (read afresh)."""
    path = find_data_file(STEMS_KIND, STEMS_FILE, data_dir or None)
    try:
        if path:
            read_stems(path)
    except DataFileError as err:
        return str(err)
    return None
