"""Sentence scores combined into the article's figures: each linked sentence's weight, the backdrop and
turn rules between sentences, the headline's dissent, the average's denominator and the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import Evidence
from .features import sentence_row
from .lexicon import CONTRAST, CUE, DISMISSAL, LexiconSentiment, VaderSentiment
from .patterns import Match
from .relevance import SentenceFacts
from .stance import BACKDROP_TIE, CLASSES, NEGATED_CONFLICT, TURNED

MAX_EVIDENCE = 8
TITLE_WEIGHT = 1.5  # a headline says what the piece is about
TITLE_DISSENT = 2.0  # ... and when its stance and the body's disagree, the headline is the writer's point
TONE_WEIGHT = 0.4  # how much a sentence's tone adds to its stance; tone alone ranks real news poorly
# A linked sentence without any stance cue (a date, a quote's attribution, a name) is not evidence of
# calm: counted fully, it dilutes a concrete act told in one sentence of a long report towards 0. It
# counts half in the average (measured on the three real-article ledgers: Spearman up on each).
UNCUED_WEIGHT = 0.5
MIN_EVIDENCE = 0.01  # sentences whose share of the tension is smaller are not listed
# A linked sentence whose stance reaches this tells a conflict between the two (one affirmed cue of weight
# 1 or more); the piece's sentences that only name the tie are then its backdrop (_tie_as_backdrop).
CONFLICT_TOLD = 1.0
_TIE = CLASSES.index("tie")


@dataclass(frozen=True)
class SentenceReading:
    """One sentence as the stance step read it: its tokens, negated tokens, emphasis and cue parts."""

    sentence: str
    tokens: list[str]
    negated_at: tuple[bool, ...]
    emphasis: float
    parts: tuple[float, ...]


@dataclass(frozen=True)
class Weighed:
    """The linked sentences' feature rows and turn factors, the average's denominator and the tone."""

    rows: tuple[tuple[float, ...], ...]
    factors: tuple[float, ...]
    denominator: float
    sentiment: float


def _denies_back(matches: Sequence[Match]) -> bool:
    """Whether a sentence dismisses something ("fake", «вброс») without reporting a conflict itself and
    without a "but" after it ("Peskov denied it, but the story stuck" keeps the story)."""
    dismissed = [m.start for m in matches if m.pattern.kind == DISMISSAL]
    if not dismissed or any(m.pattern.kind == CUE and m.pattern.weight > 0 for m in matches):
        return False
    return not any(m.pattern.kind == CONTRAST and m.start > min(dismissed) for m in matches)


def _denied(
    facts: list[SentenceFacts], parts: list[tuple[float, ...]], reported: Sequence[bool]
) -> tuple[list[SentenceFacts], list[tuple[float, ...]]]:
    """In a piece that calls something fake, the tense sentences that report a claim ("Russia allegedly
    halted the transit", «сообщения о том, что ...») count as a denied conflict (NEGATED_CONFLICT x).
    ``reported``: per sentence, whether it reports a claim; empty when the piece dismisses nothing."""
    facts, parts = list(facts), list(parts)
    for i, claim in enumerate(reported):
        if claim and facts[i].stance > 0:
            facts[i] = replace(facts[i], stance=facts[i].stance * NEGATED_CONFLICT)
            parts[i] = tuple(p * NEGATED_CONFLICT for p in parts[i])
    return facts, parts


def weigh(
    lang: str,
    read: Sequence[SentenceReading],
    facts: list[SentenceFacts],
    sentence_links: list[float],
    model: LexiconSentiment | VaderSentiment | None,
) -> Weighed:
    """Each linked sentence's row (weight = link x emphasis, the title TITLE_WEIGHT x) and the rules
    between sentences: the tie as backdrop, the turn back, the headline's dissent."""
    contributions: list[float] = []  # the rule's (stance - tone), which decides the turns below
    rows: list[tuple[float, ...]] = []
    total_link = tone_sum = stance_weight = 0.0
    title_weight = title_sum = body_sum = 0.0  # the headline's part and the body's, told apart below
    for i, link in enumerate(sentence_links):
        if link <= 0:
            contributions.append(0.0)
            rows.append(())
            continue
        weight = link * read[i].emphasis * (TITLE_WEIGHT if facts[i].is_title else 1.0)
        if isinstance(model, VaderSentiment):
            tone = model.score_text(read[i].sentence)
        elif model is not None:
            tone = model.score(read[i].tokens, read[i].negated_at)
        else:
            tone = 0.0
        tone_sum += weight * tone
        total_link += weight
        stance_weight += weight if facts[i].stance else weight * UNCUED_WEIGHT
        contribution = weight * (facts[i].stance - TONE_WEIGHT * tone)
        contributions.append(contribution)
        rows.append(sentence_row(weight, facts[i].stance, read[i].parts, tone, facts[i].is_title, lang))
        if facts[i].is_title:
            title_weight += weight
            title_sum += contribution
        else:
            body_sum += contribution

    factors = [1.0 if row else 0.0 for row in rows]
    _tie_as_backdrop(facts, sentence_links, [r.parts for r in read], factors)
    _turn_back(contributions, [r.emphasis for r in read], factors)
    # "Astana and Moscow: disagreements between partners" over a body that restates the partnership:
    # the body describes the tie, the headline says what the piece is about. It counts TITLE_DISSENT x.
    if title_sum * body_sum < 0:
        stance_weight += (TITLE_DISSENT - 1.0) * title_weight
        factors = [c * TITLE_DISSENT if f.is_title else c for c, f in zip(factors, facts, strict=True)]
    return Weighed(
        rows=tuple(rows),
        factors=tuple(factors),
        denominator=stance_weight + 1.0,
        sentiment=tone_sum / total_link if total_link else 0.0,
    )


def _tie_as_backdrop(
    facts: list[SentenceFacts], sentence_links: list[float], parts: list[tuple[float, ...]], factors: list[float]
) -> None:
    """A piece that reports a conflict between the two (a linked sentence of stance >= CONFLICT_TOLD) and
    elsewhere only names their tie ("Russia remains Kazakhstan's main ally." ... "Moscow was irritated by
    the abstention."): the sentences whose every cue is the tie's name count BACKDROP_TIE, as the tie
    named beside a conflict in one sentence does (stance.py). A tie with a step taken keeps its weight."""
    if not any(link > 0 and f.stance >= CONFLICT_TOLD for f, link in zip(facts, sentence_links, strict=True)):
        return
    for i, counted in enumerate(parts):
        if factors[i] and facts[i].stance < 0 and counted and all(v == 0 for k, v in enumerate(counted) if k != _TIE):
            factors[i] *= BACKDROP_TIE


def _turn_back(contributions: list[float], emphases: list[float], factors: list[float]) -> None:
    """ "Officially they are friends and partners. Yet the trade war goes on.": a sentence that opens with a
    contrast and disagrees with the sentence it answers makes that one its backdrop (counted TURNED x)."""
    previous = -1
    for i, contribution in enumerate(contributions):
        if not contribution:
            continue
        if emphases[i] > 1.0 and previous >= 0 and contributions[previous] * contribution < 0:
            contributions[previous] *= TURNED
            factors[previous] *= TURNED
        previous = i


def evidence(sentences: Sequence[str], contributions: list[float], scale: float, denominator: float) -> list[Evidence]:
    """Each sentence's share of the tension: its contribution scaled like the whole (``tanh(k x) / x``),
    so the shares of all sentences add up to the tension. A sentence that occurs twice is listed once."""
    shares: dict[str, float] = {}
    for sentence, contribution in zip(sentences, contributions, strict=True):
        if contribution:
            shares[sentence] = shares.get(sentence, 0.0) + contribution * scale / denominator
    first = {sentence: i for i, sentence in enumerate(shares)}
    ranked = sorted(shares, key=lambda s: (-abs(shares[s]), first[s]))
    # The strongest sentence is always listed: a long one-sided article spreads its tension over many
    # small shares, and a non-zero score must still show what produced it.
    kept = ranked[:1] + [s for s in ranked[1:MAX_EVIDENCE] if abs(shares[s]) >= MIN_EVIDENCE]
    return [Evidence(sentence=s, weight=round(shares[s], 4)) for s in kept if round(shares[s], 4)]
