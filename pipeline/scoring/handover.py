"""Handing a person over: "Kazakhstan deported the Russian deserter", «выдворил активиста в Россию». A
handover word is a conflict cue and an act when a country expels people it does not want (migrants,
smugglers); when its clause names someone the other side's authorities pursue (a deserter, a draft
evader, an activist, a dissident), the handover is the two states' security services working together."""

from __future__ import annotations

from collections.abc import Sequence

from .lexicon import CUE, FUGITIVE, HANDOVER, CueSet
from .patterns import Match
from .scope import clauses_of, suffix_negated


def handed_over(
    tokens: Sequence[str], matches: Sequence[Match], cues: CueSet, clause_starts: Sequence[int]
) -> set[int]:
    """The handover words (token index) in a clause that names a fugitive; a negated handover ("will not
    deport the deserters") stays one, and its negation makes it a refusal to help."""
    fugitives = [m for m in matches if m.pattern.kind == FUGITIVE]
    handovers = [m for m in matches if m.pattern.kind == HANDOVER]
    if not fugitives or not handovers:
        return set()
    pursued = clauses_of(tokens, fugitives, cues, clause_starts)
    return {m.start for m in handovers if pursued[m.start]}


def uncued_handovers(
    tokens: Sequence[str], matches: Sequence[Match], cues: CueSet, handed: set[int], negated: Sequence[bool]
) -> list[tuple[int, bool]]:
    """The handed-over words that are no cue of their own («выдворил», an act word), once each, with whether
    they are refused (a negator governs them, or a Kazakh negative form: «қайтармады»)."""
    cued = {m.start for m in matches if m.pattern.kind == CUE}
    found: dict[int, bool] = {}
    for m in matches:
        if m.pattern.kind == HANDOVER and m.start in handed and m.start not in cued and m.start not in found:
            found[m.start] = negated[m.start] or suffix_negated(tokens, m, cues.negative_suffixes)
    return sorted(found.items())
