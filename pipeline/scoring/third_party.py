"""Whose cue is it: a cooperation or conflict word whose partner, object or owner is a third country
("cooperation with Washington", "supports Ukraine", "the war in Ukraine", "agreements between Russia and the
US") says nothing about the pair. Split from stance.py; pure functions over a sentence's tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .lexicon import CueSet
from .patterns import Match

WITH_REACH = 4  # words between "with" and the partner, and between a Kazakh or Turkic partner and the cue
WITH_SEARCH = 8  # words between a cooperation word and its "with": "an agreement on partnership and cooperation with"
CLAIM_REACH = 3  # "called Ukraine an artificial state": the country named within three words before the claim


def with_a_third_party(
    match: Match, tokens: Sequence[str], cues: CueSet, partners: Mapping[int, bool], breaks: Sequence[int] = ()
) -> bool:
    """Whether a cooperation cue names its partner and that partner is a third country: "cooperation
    of Astana with Washington", «сотрудничество с Пекином», "Вашингтонмен ынтымақтастық"; or its direct
    object, the name right after it ("supports Ukraine", «поддерживает Украину»)."""
    if partners.get(match.end) and match.end not in breaks:  # "agreed, Ukraine objects": no object
        return True
    for j in range(match.end, min(len(tokens), match.end + WITH_SEARCH)):
        if tokens[j] in cues.with_words:
            for k in range(j + 1, min(len(tokens), j + 1 + WITH_REACH)):
                if k in partners:
                    return partners[k]
            return False
    for j in range(max(0, match.start - WITH_REACH), match.start):  # Kazakh: "Пекинмен ынтымақтастық"
        if partners.get(j) and cues.with_suffixes and tokens[j].endswith(cues.with_suffixes):
            return True
        # Turkic postpositions follow the partner: "Xitoy bilan hamkorlik", "Çin ile işbirliği"
        if partners.get(j) and j + 1 < match.start and tokens[j + 1] in cues.with_postpositions:
            return True
    return between_a_third_party(match, tokens, cues, partners)


def a_third_party_conflict(match: Match, tokens: Sequence[str], cues: CueSet, partners: Mapping[int, bool]) -> bool:
    """Whether a conflict cue is a third country's: "the Ukrainian conflict", «кризис на Украине», "war in
    Ukraine". Only strife words (``owned_conflicts``) belong to whoever is named beside them: right before the
    cue, or right after it across one preposition; and not when one of the pair stands just before it
    ("Russia's war in Ukraine" is the pair's business)."""
    if not cues.owned_conflicts or not tokens[match.start].startswith(cues.owned_conflicts):
        return False  # "Ukraine's territorial integrity" is what the pair disputes, not Ukraine's own strife
    if partners.get(match.start - 1) is False or partners.get(match.start - 2) is False:
        return False  # "the Russian invasion of Ukraine": one of the pair wages it
    after = match.end + 1 if match.end < len(tokens) and tokens[match.end] in cues.function_words else match.end
    return partners.get(match.start - 1, False) or partners.get(match.end, False) or partners.get(after, False)


def between_a_third_party(match: Match, tokens: Sequence[str], cues: CueSet, partners: Mapping[int, bool]) -> bool:
    """Whether a cooperation cue is "between" two parties one of which is a third country: "agreements
    between Russia and the US", «соглашения между Россией и НАТО», "porozumienie między Rosją a Chinami"."""
    if not cues.between_words:
        return False
    for j in range(match.end, min(len(tokens), match.end + WITH_REACH)):
        if tokens[j] in cues.between_words:
            return any(partners.get(k, False) for k in range(j + 1, min(len(tokens), j + 1 + 2 * WITH_REACH)))
    return False


def a_third_partys_claim(match: Match, partners: Mapping[int, bool]) -> bool:
    """Whether a claim on a country ("an artificial state", "Russian land") is about a third country: the
    nearest name within CLAIM_REACH words before it is one ("Putin called Ukraine an artificial state",
    «назвал Украину искусственным государством»), not one of the pair ("called Kazakhstan ...")."""
    for j in range(match.start - 1, max(-1, match.start - 1 - CLAIM_REACH), -1):
        if j in partners:
            return partners[j]
    return False
