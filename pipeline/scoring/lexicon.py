"""Stance cues and sentiment lexicons from ``pipeline/data/lexicons/``, with cached lemmatization.

Each function takes the user's ``data_dir`` (default none): its ``lexicons/`` files come before the
package's, file by file. ``cues-<lang>.toml`` holds cooperation and conflict cues, relational words and negators;
``sentiment-<lang>.toml`` holds a tone per lemma (English uses VADER plus a domain overlay). A
language with both files is "curated"; any other language is scored with the union of all cue files
and without sentiment, and its scores are marked uncertain.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..resources import PACKAGE_DATA, data_dirs, data_files, find_data_file
from .patterns import Pattern, PatternMatcher, normalise_word, parse_pattern

logger = logging.getLogger(__name__)

LEXICON_DIR = PACKAGE_DATA / "lexicons"  # the package's own; see ``data_dirs`` for the search order
LEXICONS = "lexicons"

CUE, RELATION, NEGATOR, POST_NEGATOR = "cue", "relation", "negator", "post_negator"
REFUSAL = "refusal"  # "... is not on the agenda": turns down what the clause before it proposed
EXIT = "exit"  # "pulled out of the project run jointly with Russia": undoes the cooperation after it, clause-wide
POST_EXIT = "post_exit"  # the same where the verb comes after its object (Kazakh: "... жобадан шықты")
EPITHET = "epithet"  # "former ally", "бывший союзник": the cooperation word right after it is a grievance
GRIEVANCE = "grievance"  # "so much for the partnership", «только на словах»: the clause's cooperation is a grievance
HEARSAY = "hearsay"  # "allegedly", «якобы», "rzekomo": a claim reported, which a dismissal in the piece denies
DISMISSAL = "dismissal"  # "fake", «фейк», "bezpodstawne": the conflict its clause reports is called untrue
STATUS = "status"  # "ally", "strategic partner": a standing tie named, not a step taken
HYPOTHETICAL = "hypothetical"  # "a conflict would be fatal": a conflict imagined, not one happening
CLAIM = "claim"  # "Russian land", "a gift from Russia": a claim on the other's land; the sentence is a rebuke
FEAR = "fear"  # "fears", «опасения», "obawy": a sentence about a threat restates the tie as background
ACT = "act"  # "stopped servicing", "sent back", "barred": a step against whatever it governs, when that is the pair
POST_ACT = "post_act"  # the same where the verb comes after its object (Kazakh: "Ресейге қайтарылды")
COMPLY = "comply"  # "complies with the sanctions": a restriction followed as a rule is balancing, not a blow
POST_COMPLY = "post_comply"  # the same where the verb comes after its object (Kazakh: "санкцияларды сақтайды")
RECOGNITION = "recognition"  # "recognise", «признать»: what it governs may be a side's claim (see actors.py)
HANDOVER = "handover"  # "deported", «выдворил»: handing a person over, cooperation when he is the other's fugitive
FUGITIVE = "fugitive"  # "deserter", «дезертир», "aktywista": a person the other side's authorities pursue
OFFTOPIC = "offtopic"
CONCESSIVE, POST_CONCESSIVE = "concessive", "post_concessive"
BACKGROUND, CONTRAST = "background", "contrast"
#: Kinds that need the sentence's clause breaks (worked out only when one of them is present).
CLAUSE_KINDS = frozenset(
    {
        *(REFUSAL, EXIT, POST_EXIT, EPITHET, GRIEVANCE, DISMISSAL, ACT, POST_ACT, CONTRAST, COMPLY, POST_COMPLY),
        *(RECOGNITION, HANDOVER),
    }
)  # RECOGNITION: what it governs ends at a comma ("will not recognise the referendum, documents show"); so does
# the person a HANDOVER word hands over ("deported the smugglers, deserters stay")
_NEGATION_FLIP = -0.74  # VADER's factor for a negated sentiment word
_VADER_ALPHA = 15.0  # VADER's normalisation constant, so all languages share one scale
VADER_MAX_WORDS = 60  # longer than any sentence in the labelled sets (53 words at most)


# A parsed TOML file: its values are lists, tables and numbers as the file holds them; each reader
# below checks the keys it uses and converts them to the typed fields of CueSet and the lexicons.
TomlTable = dict[str, Any]


def _read(path: Path) -> TomlTable:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=8)
def cue_languages(data_dir: str = "") -> tuple[str, ...]:
    """Languages with a cue file."""
    return tuple(sorted(p.stem.removeprefix("cues-") for p in data_files(LEXICONS, "cues-*.toml", data_dir).values()))


@lru_cache(maxsize=8)
def curated_languages(data_dir: str = "") -> tuple[str, ...]:
    """Languages with both a cue file and a sentiment lexicon: their scores are ``certain``."""
    sentiment = {p.stem.removeprefix("sentiment-") for p in data_files(LEXICONS, "sentiment-*.toml", data_dir).values()}
    return tuple(code for code in cue_languages(data_dir) if code in sentiment)


@dataclass(frozen=True)
class CueSet:
    language: str
    patterns: tuple[Pattern, ...]  # kinds: cue (weight > 0 conflict, < 0 cooperation), relation, negators
    negation_window: int = 3
    coordinators: frozenset[str] = frozenset()  # "and", «и»: a cooperation word joined to a tie's name
    concord_negators: tuple[str, ...] = ()  # "никогда", "żaden": under another negator they repeat it
    post_negation_window: int = 0
    negative_suffixes: tuple[str, ...] = ()
    handover_object: str = "after"  # where the person a handover word hands over stands: "after" it or "before"
    negative_verb: re.Pattern[str] | None = None  # a token matching it negates the cues just before
    concessive_window: int = 8
    refusal_window: int = 8  # how many words before a refusal the proposal it turns down may end
    refusal_stops: frozenset[str] = frozenset()  # words a refusal does not reach across ("and", "but")
    exit_window: int = 8  # how many words after leaving or stopping its object may reach
    exit_stops: frozenset[str] = frozenset()  # words an exit does not reach across ("and": a new clause)
    function_words: frozenset[str] = frozenset()  # not counted in a negator's reach ("the", "о", "się")
    auxiliaries: frozenset[str] = frozenset()  # verbs of intent or ability, not counted either («не намерен вводить»)
    with_words: frozenset[str] = frozenset()  # "with", "z", «с»: what follows names a cooperation's partner
    with_suffixes: tuple[str, ...] = ()  # Kazakh "-мен/-бен/-пен" on the partner's name
    between_words: frozenset[str] = frozenset()  # "between", «между»: a third party after them owns the deal
    relatives: frozenset[str] = frozenset()  # "which", «который»: the clause they open still names the object
    with_postpositions: frozenset[str] = frozenset()  # Turkic "bilan", "ile", «менен» after the partner's name
    owned_conflicts: tuple[str, ...] = ()  # "conflict", «кризис»: strife of the third country named beside it
    data_dir: str = ""  # the user's data directory it was read with ("" = the package's): for its side files


def _twin(text: str, table: dict[str, str]) -> str:
    """``text`` in a language's other alphabet (Uzbek Latin -> Cyrillic), by the cue file's letter table:
    at each position the longest key wins; a key starting with "^" applies at a word's start only."""
    out, i, lowered = [], 0, text.lower()
    while i < len(lowered):
        start = i == 0 or not lowered[i - 1].isalpha()
        for size in (3, 2, 1):
            piece = lowered[i : i + size]
            if start and "^" + piece in table:
                out.append(table["^" + piece])
                break
            if piece in table:
                out.append(table[piece])
                break
        else:
            size = 1
            out.append(lowered[i])
        i += size
    return "".join(out)


def _with_twins(data: TomlTable) -> TomlTable:
    """The cue file with every word list and table doubled in the other alphabet, when it gives a
    ``transliterate`` letter table (Uzbek is written in Latin and in Cyrillic)."""
    table = {normalise_word(k): v for k, v in data.get("transliterate", {}).items()}
    if not table:
        return data
    out = dict(data)
    for key, value in data.items():
        if key == "transliterate":
            continue
        if isinstance(value, list):
            out[key] = list(dict.fromkeys([*value, *(_twin(str(v), table) for v in value)]))
        elif isinstance(value, dict):
            out[key] = {**{_twin(k, table): w for k, w in value.items()}, **value}
    return out


def _parse_cues(data: TomlTable, language: str) -> CueSet:
    data = _with_twins(data)
    patterns: list[Pattern] = []

    def add(kind: str, table: TomlTable, sign: float) -> None:
        for text, weight in table.items():
            pattern = parse_pattern(text, kind, sign * float(weight))
            if pattern is not None:
                patterns.append(pattern)

    add(CUE, data.get("cooperation", {}), -1.0)
    add(CUE, data.get("conflict", {}), +1.0)
    add(RELATION, data.get("relation", {}), +1.0)
    add(OFFTOPIC, data.get("offtopic", {}), +1.0)
    kinds = (
        (NEGATOR, "negators"),
        (POST_NEGATOR, "post_negators"),
        (REFUSAL, "refusals"),
        (EXIT, "exits"),
        (POST_EXIT, "post_exits"),
        (EPITHET, "epithets"),
        (GRIEVANCE, "grievances"),
        (DISMISSAL, "dismissals"),
        (HEARSAY, "hearsay"),
        (STATUS, "status"),
        (HYPOTHETICAL, "hypotheticals"),
        (FEAR, "fears"),
        (ACT, "acts"),
        (POST_ACT, "post_acts"),
        (COMPLY, "complies"),
        (POST_COMPLY, "post_complies"),
        (RECOGNITION, "recognitions"),
        (HANDOVER, "handovers"),
        (FUGITIVE, "fugitives"),
        (CLAIM, "claims"),
        (CONCESSIVE, "concessives"),
        (POST_CONCESSIVE, "post_concessives"),
        (BACKGROUND, "background"),
        (CONTRAST, "contrast"),
    )
    for kind, key in kinds:
        for text in data.get(key, []):
            pattern = parse_pattern(str(text), kind)
            if pattern is not None:
                patterns.append(pattern)
    return CueSet(
        language=language,
        patterns=tuple(patterns),
        negation_window=int(data.get("negation_window", 3)),
        concord_negators=tuple(normalise_word(w).rstrip("*") for w in data.get("concord_negators", [])),
        post_negation_window=int(data.get("post_negation_window", 0)),
        negative_suffixes=tuple(normalise_word(s) for s in data.get("negative_suffixes", [])),
        handover_object=str(data.get("handover_object", "after")),
        negative_verb=re.compile(data["negative_verb"]) if data.get("negative_verb") else None,
        concessive_window=int(data.get("concessive_window", 8)),
        refusal_window=int(data.get("refusal_window", 8)),
        refusal_stops=_word_set(data, "refusal_stops"),
        exit_window=int(data.get("exit_window", 8)),
        exit_stops=_word_set(data, "exit_stops"),
        coordinators=_word_set(data, "coordinators"),
        relatives=_word_set(data, "relatives"),
        function_words=_word_set(data, "function_words"),
        auxiliaries=_word_set(data, "auxiliaries"),
        with_words=_word_set(data, "with_words"),
        between_words=_word_set(data, "between_words"),
        with_suffixes=tuple(normalise_word(w) for w in data.get("with_suffixes", [])),
        with_postpositions=_word_set(data, "with_postpositions"),
        owned_conflicts=tuple(normalise_word(w).rstrip("*") for w in data.get("owned_conflicts", [])),
    )


def _word_set(data: TomlTable, key: str) -> frozenset[str]:
    """A list of single words from a cue file, normalised like the tokens they are compared with."""
    return frozenset(normalise_word(w) for w in data.get(key, []))


def check_lexicons(data_dir: str = "") -> str | None:
    """None when every lexicon file parses, else the first broken file (or the missing directory) and
    why in words.

    A broken file would otherwise make every text in its language score a quiet 0 (``score_article``
    never raises on a text), so loading a pair checks them and the CLI and the dashboard refuse to start.
    """
    files = data_files(LEXICONS, "*.toml", data_dir)
    if not any(name.startswith("cues-") for name in files):
        searched = " or ".join(str(d) for d in data_dirs(LEXICONS, data_dir))
        return f"no lexicon files (cues-<language>.toml) in {searched}: the package's data files are missing"
    for path in files.values():
        try:
            data = _read(path)
            if path.stem.startswith("cues-"):
                _parse_cues(data, path.stem.removeprefix("cues-"))
        except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError, re.error) as err:
            return f"lexicon file {path} cannot be read: {err}"
    return None


# A one-word cue shorter than this, borrowed from another language's file, matches words of an unrelated
# language by chance (French "ami*" in Hungarian "ami", "which"): the union of the cue files leaves it out.
UNION_MIN_LETTERS = 5


def _chance_match(pattern: Pattern) -> bool:
    short = len(pattern.words) == 1 and len(pattern.words[0].rstrip("*")) < UNION_MIN_LETTERS
    return short and pattern.kind in (CUE, RELATION)


@lru_cache(maxsize=32)
def cue_set(language: str, data_dir: str = "") -> CueSet:
    """The cue set of a language, or the union of all of them for a language without a cue file."""
    path = find_data_file(LEXICONS, f"cues-{language}.toml", data_dir)
    if path is not None:
        return replace(_parse_cues(_read(path), language), data_dir=data_dir)
    parts = [cue_set(code, data_dir) for code in cue_languages(data_dir)]
    return CueSet(
        language=language,
        data_dir=data_dir,
        patterns=tuple(p for part in parts for p in part.patterns if not _chance_match(p)),
        negation_window=max((p.negation_window for p in parts), default=3),
        post_negation_window=max((p.post_negation_window for p in parts), default=0),
        negative_suffixes=(),
        refusal_stops=frozenset().union(*(p.refusal_stops for p in parts)),
        exit_stops=frozenset().union(*(p.exit_stops for p in parts)),
        relatives=frozenset().union(*(p.relatives for p in parts)),
        function_words=frozenset().union(*(p.function_words for p in parts)),
        auxiliaries=frozenset().union(*(p.auxiliaries for p in parts)),
        with_words=frozenset().union(*(p.with_words for p in parts)),
        with_postpositions=frozenset().union(*(p.with_postpositions for p in parts)),
    )


# --- lemmatization -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _morph() -> Any:  # pymorphy3 ships no type information
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma_ru(word: str) -> str:
    """Russian lemma (pymorphy3 normal form, ё folded to е); the word itself when pymorphy3 fails on it."""
    try:
        return str(_morph().parse(word)[0].normal_form).replace("ё", "е")
    except Exception:  # any letter of Tangut (U+17000-U+18D08): pymorphy3 asks unicodedata for its name,
        # which it has none of. One odd word must not cost the article its score: it is an unknown word.
        logger.debug("pymorphy3 cannot lemmatize %r: kept as it is", word, exc_info=True)
        return word


@lru_cache(maxsize=200_000)
def lemma_simplemma(word: str, language: str) -> str:
    """Lemma from simplemma; the word itself when the language is not supported or simplemma fails on it."""
    import simplemma

    try:
        return simplemma.lemmatize(word, lang=language).lower()
    except Exception as err:  # "Unsupported language: kk", or a failure on a rare character: an unknown word
        logger.debug("simplemma cannot lemmatize %r in %s (%s): kept as it is", word, language, err)
        return word


# --- sentiment -----------------------------------------------------------------------------------


class LexiconSentiment:
    """Sentence tone from a lemma lexicon, VADER-style: sum, negation flip, x / sqrt(x² + 15)."""

    def __init__(self, language: str, data: TomlTable):
        self.language = language
        self.words = {normalise_word(k): float(v) for k, v in data.get("words", {}).items()}
        suffixes = (normalise_word(s) for s in data.get("suffixes", []))
        self.suffixes = tuple(sorted(set(suffixes), key=lambda s: (-len(s), s)))
        self.negative_suffixes = frozenset(normalise_word(s) for s in data.get("negative_suffixes", []))
        self._cache: dict[str, tuple[float, bool]] = {}

    def _strip_lookup(self, word: str) -> tuple[float, bool]:
        # Agglutinative languages: peel suffixes off the end until a listed stem appears.
        negated = False
        for _ in range(5):
            for candidate in (word, word + "у"):
                if candidate in self.words:
                    return self.words[candidate], negated
            for suffix in self.suffixes:
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    negated = negated or suffix in self.negative_suffixes
                    word = word[: -len(suffix)]
                    break
            else:
                return 0.0, False
        return 0.0, False

    def word_value(self, word: str) -> tuple[float, bool]:
        """(tone, negated by a suffix) of one lower-cased token, cached."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if word in self.words:
            hit = (self.words[word], False)
        elif self.suffixes:
            hit = self._strip_lookup(word)
        else:
            lemma = lemma_ru(word) if self.language == "ru" else lemma_simplemma(word, self.language)
            hit = (self.words.get(lemma, 0.0), False)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[word] = hit
        return hit

    def score(self, tokens: Sequence[str], negated_at: Sequence[bool]) -> float:
        """Tone of one sentence in [-1, 1]; ``negated_at[i]`` says a negator governs token i."""
        total = 0.0
        for i, token in enumerate(tokens):
            value, suffix_negated = self.word_value(token)
            if value:
                if negated_at[i] != suffix_negated:
                    value *= _NEGATION_FLIP
                total += value
        return total / math.sqrt(total * total + _VADER_ALPHA) if total else 0.0


class VaderSentiment:
    """English: VADER's compound score per sentence, with the domain overlay added to its lexicon."""

    def __init__(self, data: TomlTable):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()
        self.analyzer.lexicon.update({k.lower(): float(v) for k, v in data.get("words", {}).items()})

    def score_text(self, sentence: str) -> float:
        """VADER's compound score. VADER's cost grows with the square of a sentence's length, so a
        sentence of more than VADER_MAX_WORDS words (junk, a table) is scored in equal pieces of at
        most that many words, averaged by length."""
        words = sentence.split()
        if len(words) <= VADER_MAX_WORDS:
            return float(self.analyzer.polarity_scores(sentence)["compound"])
        size = math.ceil(len(words) / math.ceil(len(words) / VADER_MAX_WORDS))
        total = 0.0
        for i in range(0, len(words), size):
            piece = words[i : i + size]
            total += len(piece) * float(self.analyzer.polarity_scores(" ".join(piece))["compound"])
        return total / len(words)


@lru_cache(maxsize=32)
def sentiment_model(language: str, data_dir: str = "") -> LexiconSentiment | VaderSentiment | None:
    """The sentiment model of a language, or None when it has no lexicon."""
    path = find_data_file(LEXICONS, f"sentiment-{language}.toml", data_dir)
    if path is None:
        return None
    data = _read(path)
    if data.get("engine") == "vader":
        return VaderSentiment(data)
    return LexiconSentiment(language, data)


@lru_cache(maxsize=32)
def cue_matcher(language: str, data_dir: str = "") -> PatternMatcher:
    """Matcher over a language's cue, relation and negator patterns."""
    return PatternMatcher(cue_set(language, data_dir).patterns)
