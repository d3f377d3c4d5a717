"""Handing a person over: "Kazakhstan deported the Russian deserter", «выдворил активиста в Россию». A
handover word is a conflict cue and an act when a country expels people it does not want (migrants,
smugglers); when its object names someone the other side's authorities pursue (a deserter, a draft
evader, an activist, a dissident), the handover is the two states' security services working together."""

from __future__ import annotations

from collections.abc import Sequence

from .lexicon import CUE, FUGITIVE, HANDOVER, CueSet
from .patterns import Match
from .scope import clause_numbers, object_steps, suffix_negated

OBJECT_WINDOW = 5  # "deported a former Russian presidential guard": the person named within five words


def handed_over(
    tokens: Sequence[str], matches: Sequence[Match], cues: CueSet, clause_starts: Sequence[int]
) -> set[int]:
    """The handover words (token index) whose object, in their clause and within OBJECT_WINDOW words on the
    language's side of the verb (after it; before it in Kazakh), names a fugitive: "deported a Russian
    deserter", not "expelled journalists who had interviewed deserters". A negated handover ("will not
    deport the deserters") stays one, and its negation makes it a refusal to help."""
    fugitive_at = {m.start for m in matches if m.pattern.kind == FUGITIVE}
    handovers = [m for m in matches if m.pattern.kind == HANDOVER]
    if not fugitive_at or not handovers:
        return set()
    clause = clause_numbers(tokens, cues, clause_starts)
    found = set()
    for m in handovers:
        reach = object_steps(m, cues.handover_object != "before", len(tokens), OBJECT_WINDOW)
        if any(i in fugitive_at and clause[i] == clause[m.start] for i in reach):
            found.add(m.start)
    return found


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
