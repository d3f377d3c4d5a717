"""The tension scorer: language → sentences → actors → relevance → stance and tone → evidence.

``score_article`` is a pure function of its inputs: data files are read once, on first use, and
nothing else touches the disk or the network. It never raises; a bug in a corner case would give a
neutral, uncertain score rather than lose the article (the tests call the unguarded ``_score``).
The input's preparation lives in prepare.py, the sentences' combination into the figures in combine.py.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, replace

from ..models import Score
from .actors import (
    BOTH,
    OTHER,
    THIRD,
    Pair,
    actor_matcher,
    both_is_another_pair,
    claims_as_sides,
    find_actors,
    in_a_list,
    joined_to_a_third,
    load_pair,
)
from .combine import (
    CONFLICT_TOLD,
    MAX_EVIDENCE,
    MIN_EVIDENCE,
    TITLE_DISSENT,
    TITLE_WEIGHT,
    TONE_WEIGHT,
    UNCUED_WEIGHT,
    SentenceReading,
    _denied,
    _denies_back,
    evidence,
    weigh,
)
from .features import article_vector
from .lexicon import CLAUSE_KINDS, HEARSAY, RECOGNITION, cue_set, curated_languages, sentiment_model
from .model import Model, load_model
from .normalize import normalize_article
from .pair_data import pair_cue_matcher, relation_words, scorer_version
from .prepare import MAX_CHARS, _asks, _clause_starts, _clean, _given_language, _language, _partners, _scare_quoted
from .relevance import SentenceFacts, links, relevance, resolve_both
from .sentences import split_sentences, token_spans, tokenize
from .side_names import may_name_a_side
from .stance import sentence_stance
from .stems import NO_STEMS, StemModel, StemPart, load_stems

# Public names, those that lived here before prepare.py and combine.py were split off included.
__all__ = [
    "CONFLICT_TOLD",
    "MAX_CHARS",
    "MAX_EVIDENCE",
    "MIN_EVIDENCE",
    "SCORER_BASE",
    "SCORER_VERSION",
    "TITLE_DISSENT",
    "TITLE_WEIGHT",
    "TONE_WEIGHT",
    "UNCUED_WEIGHT",
    "Analysis",
    "analyse",
    "score_article",
]

SCORER_BASE = "stance-1.24"  # the code's version: bump it when the code changes what the scorer returns
SCORER_VERSION = scorer_version(SCORER_BASE)  # + a digest of the data files read (default pair): "stance-1.14+3f9a2c"


def _neutral(language: str, version: str = SCORER_VERSION) -> Score:
    return Score(
        tension=0.0,
        sentiment=0.0,
        relevance=0.0,
        language=language,
        evidence=[],
        goldstein=0.0,
        certain=False,
        version=version,
    )


@dataclass(frozen=True)
class Analysis:
    """What the stance model weighs: each sentence's feature row and turn factor (0 when the sentence is
    not linked to the pair), the denominator of the average, and the parts the model does not touch."""

    language: str
    sentences: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]
    factors: tuple[float, ...]
    denominator: float
    relevance: float
    sentiment: float
    certain: bool
    tokens: tuple[tuple[str, ...], ...] = ()  # each sentence's tokens (the stem model reads the linked ones)

    @property
    def vector(self) -> tuple[float, ...]:
        return article_vector(self.rows, self.factors, self.denominator)

    @property
    def linked(self) -> tuple[bool, ...]:
        """Per sentence, whether it speaks of the pair (has a feature row)."""
        return tuple(bool(row) for row in self.rows)


def _score(
    text: object,
    title: object = "",
    language: str | None = None,
    pair: Pair | str | None = None,
    model: Model | None = None,
    stems: StemModel | None = None,
) -> Score:
    a = analyse(text, title, language, pair)
    pair = load_pair(pair)
    model = model or load_model(pair.data_dir)
    rule_scale, parts, raw = _stacked(a, pair, model, stems)
    # The rule's sentences and the stem model's parts: a sentence's contribution is its share of the logit
    # times the denominator, which evidence() divides by again.
    contributions = [rule_scale * (f * model.dot(row) if f else 0.0) for row, f in zip(a.rows, a.factors, strict=True)]
    for part in parts:
        contributions[part.sentence] += part.logit * a.denominator
    tension = math.tanh(raw)
    listed = evidence(a.sentences, contributions, tension / raw if raw else 1.0, a.denominator)
    tension = round(max(-1.0, min(1.0, tension)), 4)
    return Score(
        tension=tension,
        sentiment=round(max(-1.0, min(1.0, a.sentiment)), 4),
        relevance=round(a.relevance, 4),
        language=a.language,
        evidence=listed,
        goldstein=round(-10.0 * tension, 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
        certain=a.certain,
        version=scorer_version(SCORER_BASE, load_pair(pair)),
        pair=load_pair(pair).id,
    )


def _stacked(
    a: Analysis, pair: Pair, model: Model, stems: StemModel | None = None
) -> tuple[float, list[StemPart], float]:
    """The rules' scale, the stem model's parts (none for a pair it does not serve) and the article's logit."""
    stems = load_stems(pair.data_dir) if stems is None else stems
    if not stems.applies_to(pair.id):
        stems = NO_STEMS
    parts = stems.stem_parts(a.tokens, a.linked, a.relevance) if stems.weights else []
    return stems.rule_scale, parts, stems.rule_scale * model.dot(a.vector) + sum(p.logit for p in parts)


def leaning_words(
    text: object, title: object = "", language: str | None = None, *, pair: Pair | str | None = None, top: int = 8
) -> tuple[float, list[tuple[str, float]]]:
    """The word-stem model's part of an article's tension, word by word: the tension ``score_article`` gives
    and the ``top`` words (as first met in the linked sentences) with the largest shares of it, each a part
    of the tension as the evidence shares are. No words when the pair has no stem model."""
    a = analyse(text, title, language, pair)
    pair = load_pair(pair)
    _, parts, raw = _stacked(a, pair, load_model(pair.data_dir))
    scale = math.tanh(raw) / raw if raw else 1.0
    shares = sorted(((p.word, round(p.logit * scale, 4)) for p in parts), key=lambda w: -abs(w[1]))
    return math.tanh(raw), [(word, share) for word, share in shares[:top] if share]


def analyse(text: object, title: object = "", language: str | None = None, pair: Pair | str | None = None) -> Analysis:
    """The article read up to the stance model: sentences, their links, stance, tone and features."""
    body, head = _clean(text), _clean(title)
    head, body, language = normalize_article(head, body, language)  # wrapped lines, look-alikes, kk Latin
    lang = _language(body, head, language)
    pair = load_pair(pair)
    if not may_name_a_side(f"{head}\n{body}", lang, pair):
        # Neither side named: every link is 0, so are relevance, tension, tone and evidence (test_side_names)
        certain = lang in curated_languages(pair.data_dir)
        return Analysis(lang, (), (), (), denominator=1.0, relevance=0.0, sentiment=0.0, certain=certain)
    actors = actor_matcher(lang, pair)
    cue_matcher_ = pair_cue_matcher(lang, pair)  # the language's cues and the pair's own relation words
    cues = cue_set(lang, pair.data_dir)

    read: list[SentenceReading] = []
    facts: list[SentenceFacts] = []
    denials: list[bool] = []
    hearsay: list[bool] = []
    headline: set[tuple[str, ...]] = set()
    for is_title, part in ((True, head), (False, body)):
        for sentence in split_sentences(part):
            tokens = tokenize(sentence)
            if not tokens:
                continue
            if is_title:
                headline.add(tuple(tokens))
            elif tuple(tokens) in headline:
                continue  # the text repeats the headline (extracted pages often do): it counts once, as the title
            matches = cue_matcher_.find(tokens)
            names = claims_as_sides(find_actors(tokens, actors), any(m.pattern.kind == RECOGNITION for m in matches))
            clausal = any(m.pattern.kind in CLAUSE_KINDS for m in matches)  # clauses matter only then
            partners = _partners(names)
            # ... and where a third party is named: a cooperation word's object is not across a comma
            starts = _clause_starts(sentence) if clausal or any(partners.values()) else ()
            stance = sentence_stance(
                tokens,
                matches,
                cues,
                starts if clausal else (),
                partners=partners,
                # a headline's quote is the speaker's words ("Putin names Russia's 'closest ally'")
                scare_quoted=frozenset() if is_title else _scare_quoted(sentence),
                question=_asks(sentence),
                breaks=starts,
            )
            kinds = frozenset(m.pattern.kind for m in names)
            if any(kind.startswith(THIRD) for kind in kinds):
                kinds |= {OTHER}  # a third country named by its leader or capital alone ("Putin met Pashinyan")
            spans = token_spans(sentence) if len(names) >= 2 else []
            listed = in_a_list(names, sentence, spans) if len(names) >= 3 else False
            joined_at = joined_to_a_third(names, sentence, spans) if len(names) >= 2 else None
            joined = joined_at is not None
            if joined_at is not None and BOTH in kinds and both_is_another_pair(names, joined_at):
                kinds = kinds - {BOTH}  # "relations between Kazakhstan and Ukraine": that pair's
            # "These reports are a fake.": a dismissal with no conflict of its own denies the claims reported
            denials.append(_denies_back(matches))
            hearsay.append(any(m.pattern.kind == HEARSAY for m in matches))
            read.append(SentenceReading(sentence, tokens, stance.negated_at, stance.emphasis, stance.parts))
            facts.append(
                SentenceFacts(
                    kinds, listed, stance.stance, stance.relation, stance.cues, stance.offtopic, is_title, joined
                )
            )

    facts, parts = _denied(facts, [r.parts for r in read], hearsay if any(denials) else ())
    read = [replace(r, parts=p) for r, p in zip(read, parts, strict=True)]
    facts = resolve_both(facts)
    sentence_links = links(facts)
    weighed = weigh(lang, read, facts, sentence_links, sentiment_model(lang, pair.data_dir))
    return Analysis(
        language=lang,
        sentences=tuple(r.sentence for r in read),
        rows=weighed.rows,
        factors=weighed.factors,
        denominator=weighed.denominator,
        relevance=relevance(facts, sentence_links),
        sentiment=weighed.sentiment,
        certain=lang in curated_languages(pair.data_dir),
        tokens=tuple(tuple(r.tokens) for r in read),
    )


logger = logging.getLogger(__name__)


def score_article(
    text: str, title: str = "", language: str | None = None, *, pair: Pair | str | os.PathLike[str] | None = None
) -> Score:
    """Score one article's tension between the pair (default ``kz-ru``, Kazakhstan–Russia; a Pair or a
    pair id or a .toml path, see docs/contracts.md); pure, deterministic, never raises on any text.

    An unknown pair or a broken data file raises DataFileError (a ValueError): that is the caller's
    configuration, and a neutral score for every article would hide it.
    """
    pair = load_pair(pair)  # outside the guard: a configuration error must not read as a neutral score
    model = load_model(pair.data_dir)  # so is a broken model file
    stems = load_stems(pair.data_dir)  # and a broken stems file
    relation_words(pair)  # and a broken [relation] table in the pair file
    try:
        return _score(text, title, language, pair, model, stems)
    except Exception:  # the contract is "never raises"; tests exercise _score unguarded
        logger.warning("scoring failed; the article gets a neutral, uncertain score", exc_info=True)
        return replace(_neutral(_given_language(language), scorer_version(SCORER_BASE, pair)), pair=pair.id)
