"""The tension scorer: language → sentences → actors → relevance → stance and tone → evidence.

``score_article`` is a pure function of its inputs: data files are read once, on first use, and
nothing else touches the disk or the network. It never raises; a bug in a corner case would give a
neutral, uncertain score rather than lose the article (the tests call the unguarded ``_score``).
"""

from __future__ import annotations

import logging
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import Evidence, Score
from .actors import (
    BOTH,
    OTHER,
    SIDE_A,
    SIDE_B,
    THIRD,
    Pair,
    actor_matcher,
    claims_as_sides,
    find_actors,
    in_a_list,
    load_pair,
)
from .features import article_vector, sentence_row
from .language import KAZAKH_LETTERS, detect_language
from .lexicon import (
    CLAUSE_KINDS,
    CONTRAST,
    CUE,
    DISMISSAL,
    HEARSAY,
    RECOGNITION,
    VaderSentiment,
    cue_set,
    curated_languages,
    sentiment_model,
)
from .model import Model, load_model
from .normalize import normalize_article
from .pair_data import pair_cue_matcher, relation_words, scorer_version
from .patterns import Match
from .relevance import SentenceFacts, links, relevance, resolve_both
from .sentences import split_sentences, token_spans, tokenize
from .side_names import may_name_a_side
from .stance import BACKDROP_TIE, CLASSES, NEGATED_CONFLICT, TURNED, sentence_stance

SCORER_BASE = "stance-1.16"  # the code's version: bump it when the code changes what the scorer returns
SCORER_VERSION = scorer_version(SCORER_BASE)  # + a digest of the data files read (default pair): "stance-1.14+3f9a2c"

MAX_CHARS = 100_000  # longer inputs are scored on their first 100 000 characters
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
_SURROGATES = re.compile("[\ud800-\udfff]")
_LANGUAGE_CODE = re.compile("[a-z]{2,3}")
_POLISH_LETTERS = frozenset("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")


def _guess_by_script(text: str) -> str:
    # Too short for py3langid: the alphabet is still a good hint.
    if any(ch in KAZAKH_LETTERS for ch in text):
        return "kk"
    if any(ch in _UKRAINIAN_LETTERS for ch in text):
        return "uk"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    if any(ch in _POLISH_LETTERS for ch in text):
        return "pl"
    if any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return ""


def _given_language(language: object) -> str:
    """The caller's language as a code of 2-3 ASCII letters ("ru-RU" -> "ru", "EN" -> "en"); "" when it
    is not one (a lone surrogate, a NUL, an empty string), so that the text's language is detected."""
    if not isinstance(language, str):
        return ""
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if _LANGUAGE_CODE.fullmatch(code) else ""


def _language(text: str, title: str, language: str | None) -> str:
    code = _given_language(language)
    if code:
        return code
    sample = f"{title}\n{text[:2500]}"
    code, _prob = detect_language(sample)
    return code or _guess_by_script(sample)


def _clean(value: object) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text[:MAX_CHARS]
    # Lone surrogates cannot be encoded and break downstream storage; drop them.
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("", text)
    text = unicodedata.normalize("NFC", text)
    # Turkish and Azerbaijani İ lower-cases to i + a combining dot, which splits the word in two
    # ("İşbirliği" -> "i", "şbirliği"); I lower-cases to a plain i, as İ does in those languages.
    return text.replace("İ", "I") if "İ" in text else text


_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")


def _clause_starts(sentence: str) -> tuple[int, ...]:
    """Indices of the tokens that open a new clause: a comma, semicolon, colon or dash before them."""
    spans = token_spans(sentence)
    lowered = sentence.lower()
    return tuple(
        i for i in range(1, len(spans)) if _CLAUSE_BREAK.search(lowered, spans[i - 1][1], spans[i][0]) is not None
    )


# A quote of one or two words, opened and closed by quote marks of any language: «…», „…“, “…”, "…".
_SHORT_QUOTE = re.compile(r"[\"«„“‘']([^\"«»„“”‘’'\s]+(?:\s[^\"«»„“”‘’'\s]+)?)[\"»“”’']")
_CLOSING = " \t\"'»”’)]…"  # what may follow a question mark at the end of a sentence


def _scare_quoted(sentence: str) -> frozenset[int]:
    """Tokens inside a short quote that starts in lower case ("our 'friends'", «„союзник“»): scare quotes.
    A capitalised quote is a name (the «Druzhba» pipeline, the «Достық» crossing) and is left out."""
    found = [m.span(1) for m in _SHORT_QUOTE.finditer(sentence) if m.group(1)[0].islower()]
    if not found:
        return frozenset()
    spans = token_spans(sentence)
    return frozenset(i for i, (start, end) in enumerate(spans) for lo, hi in found if lo <= start and end <= hi)


def _asks(sentence: str) -> bool:
    """Whether the sentence is a question ("Ally or rival?", «Брат, ты меня уважаешь?»): it asserts no tie."""
    return sentence.rstrip(_CLOSING).endswith("?")


def _partners(names: list[Match]) -> dict[int, bool]:
    """Token index of each name -> whether it is a third party (True) or one of the pair (False)."""
    out: dict[int, bool] = {}
    for m in names:
        kind = m.pattern.kind
        if kind == OTHER or kind.startswith(THIRD):
            out.setdefault(m.start, True)
        elif kind in (SIDE_A, SIDE_B, BOTH):
            out[m.start] = False
    return out


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

    @property
    def vector(self) -> tuple[float, ...]:
        return article_vector(self.rows, self.factors, self.denominator)


def _score(
    text: object,
    title: object = "",
    language: str | None = None,
    pair: Pair | str | None = None,
    model: Model | None = None,
) -> Score:
    a = analyse(text, title, language, pair)
    model = model or load_model(load_pair(pair).data_dir)
    raw = model.dot(a.vector)
    tension = math.tanh(raw)
    contributions = [f * model.dot(row) if f else 0.0 for row, f in zip(a.rows, a.factors, strict=True)]
    evidence = _evidence(list(a.sentences), contributions, tension / raw if raw else 1.0, a.denominator)
    tension = round(max(-1.0, min(1.0, tension)), 4)
    return Score(
        tension=tension,
        sentiment=round(max(-1.0, min(1.0, a.sentiment)), 4),
        relevance=round(a.relevance, 4),
        language=a.language,
        evidence=evidence,
        goldstein=round(-10.0 * tension, 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
        certain=a.certain,
        version=scorer_version(SCORER_BASE, load_pair(pair)),
        pair=load_pair(pair).id,
    )


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

    sentences: list[str] = []
    facts: list[SentenceFacts] = []
    token_lists: list[list[str]] = []
    negations: list[tuple[bool, ...]] = []
    emphases: list[float] = []
    parts: list[tuple[float, ...]] = []
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
            stance = sentence_stance(
                tokens,
                matches,
                cues,
                _clause_starts(sentence) if clausal else (),
                partners=_partners(names),
                # a headline's quote is the speaker's words ("Putin names Russia's 'closest ally'")
                scare_quoted=frozenset() if is_title else _scare_quoted(sentence),
                question=_asks(sentence),
            )
            kinds = frozenset(m.pattern.kind for m in names)
            listed = in_a_list(names, sentence, token_spans(sentence)) if len(names) >= 3 else False
            # "These reports are a fake.": a dismissal with no conflict of its own denies the claims reported
            denials.append(_denies_back(matches))
            hearsay.append(any(m.pattern.kind == HEARSAY for m in matches))
            sentences.append(sentence)
            token_lists.append(tokens)
            negations.append(stance.negated_at)
            emphases.append(stance.emphasis)
            parts.append(stance.parts)
            facts.append(
                SentenceFacts(kinds, listed, stance.stance, stance.relation, stance.cues, stance.offtopic, is_title)
            )

    facts, parts = _denied(facts, parts, hearsay if any(denials) else ())
    facts = resolve_both(facts)
    sentence_links = links(facts)
    relevance_value = relevance(facts, sentence_links)

    model = sentiment_model(lang, pair.data_dir)
    contributions: list[float] = []  # the rule's (stance - tone), which decides the turns below
    rows: list[tuple[float, ...]] = []
    total_link = tone_sum = stance_weight = 0.0
    title_weight = title_sum = body_sum = 0.0  # the headline's part and the body's, told apart below
    for i, link in enumerate(sentence_links):
        if link <= 0:
            contributions.append(0.0)
            rows.append(())
            continue
        weight = link * emphases[i] * (TITLE_WEIGHT if facts[i].is_title else 1.0)
        if isinstance(model, VaderSentiment):
            tone = model.score_text(sentences[i])
        elif model is not None:
            tone = model.score(token_lists[i], negations[i])
        else:
            tone = 0.0
        tone_sum += weight * tone
        total_link += weight
        stance_weight += weight if facts[i].stance else weight * UNCUED_WEIGHT
        contribution = weight * (facts[i].stance - TONE_WEIGHT * tone)
        contributions.append(contribution)
        rows.append(sentence_row(weight, facts[i].stance, parts[i], tone, facts[i].is_title, lang))
        if facts[i].is_title:
            title_weight += weight
            title_sum += contribution
        else:
            body_sum += contribution

    factors = [1.0 if row else 0.0 for row in rows]
    _tie_as_backdrop(facts, sentence_links, parts, factors)
    _turn_back(contributions, emphases, factors)
    # "Astana and Moscow: disagreements between partners" over a body that restates the partnership:
    # the body describes the tie, the headline says what the piece is about. It counts TITLE_DISSENT x.
    if title_sum * body_sum < 0:
        stance_weight += (TITLE_DISSENT - 1.0) * title_weight
        factors = [c * TITLE_DISSENT if f.is_title else c for c, f in zip(factors, facts, strict=True)]
    return Analysis(
        language=lang,
        sentences=tuple(sentences),
        rows=tuple(rows),
        factors=tuple(factors),
        denominator=stance_weight + 1.0,
        relevance=relevance_value,
        sentiment=tone_sum / total_link if total_link else 0.0,
        certain=lang in curated_languages(pair.data_dir),
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


def _evidence(sentences: list[str], contributions: list[float], scale: float, denominator: float) -> list[Evidence]:
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
    relation_words(pair)  # and a broken [relation] table in the pair file
    try:
        return _score(text, title, language, pair, model)
    except Exception:  # the contract is "never raises"; tests exercise _score unguarded
        logger.warning("scoring failed; the article gets a neutral, uncertain score", exc_info=True)
        return replace(_neutral(_given_language(language), scorer_version(SCORER_BASE, pair)), pair=pair.id)
