"""How far a word reaches in one sentence: a negator's window, a refusal back to its proposal, a verb
that leaves, stops or complies to its object, a grievance frame over its clause, a turn at "but"."""

from __future__ import annotations

from collections.abc import Sequence

from .lexicon import CONTRAST, CUE, EPITHET, EXIT, GRIEVANCE, NEGATOR, POST_EXIT, POST_NEGATOR, CueSet
from .patterns import Match


def suffix_negated(tokens: Sequence[str], match: Match, suffixes: Sequence[str]) -> bool:
    """Whether a negative suffix follows the cue's stem: Kazakh қолда|ма|ды ("did not support"), not қолда|у."""
    if not suffixes:
        return False
    word = match.pattern.words[-1]
    if not word.endswith("*"):
        return False
    rest = tokens[match.end - 1][len(word) - 1 :]
    return any(rest.startswith(suffix) and rest[len(suffix) : len(suffix) + 1] != "н" for suffix in suffixes)


def refused_by(match: Match, refusals: Sequence[Match], stops: Sequence[bool], window: int) -> bool:
    """A refusal up to ``window`` words after a cue turns it down, when nothing stands
    between them: no clause break ("expand cooperation, and a break is out of the question") and no
    conflict word or negator ("sanctions against Moscow are off the table"). A refusal that frames
    the cue ("вопрос о признании ... не стоит": the question of recognition does not arise) turns
    down what it frames."""
    for refusal in refusals:
        start = refusal.start
        if start < match.start and match.end <= refusal.end:
            return True
        if match.end <= start < match.end + window and not any(stops[match.end : start + 1]):
            return True
    return False


def blockers(n: int, matches: Sequence[Match], own: set[int]) -> tuple[list[bool], list[bool]]:
    """Per token: whether a negator starts there, and whether a conflict cue does; the words that end
    a refusal's or an exit's reach. Matches starting at ``own`` (the refusal or exit itself) are not
    counted."""
    negator_at, conflict_at = [False] * n, [False] * n
    for m in matches:
        if m.start in own:
            continue
        if m.pattern.kind in (NEGATOR, POST_NEGATOR):
            negator_at[m.start] = True
        elif m.pattern.kind == CUE and m.pattern.weight > 0:
            conflict_at[m.start] = True
    return negator_at, conflict_at


def clause_bounds(tokens: Sequence[str], clause_starts: Sequence[int], stop_words: frozenset[str]) -> list[bool]:
    """Per token: whether a new clause opens at it (after a comma or dash, or at a contrast word)."""
    bounds = [token in stop_words for token in tokens]
    for i in clause_starts:
        bounds[i] = True
    return bounds


def object_bounds(tokens: Sequence[str], clause_starts: Sequence[int], cues: CueSet) -> list[bool]:
    """Per token: whether the object of a verb that leaves, stops or acts on something ends there. A
    relative clause still belongs to the object ("withdrew from the project, which was run jointly with
    Russia")."""
    starts = [i for i in clause_starts if tokens[i] not in cues.relatives]
    return clause_bounds(tokens, starts, cues.refusal_stops | cues.exit_stops)


def object_steps(match: Match, forward: bool, n: int, window: int) -> range:
    """The token positions a verb's object may take, nearest first: up to ``window`` words after it,
    or before it where the object comes first (Kazakh: "... жобадан шықты")."""
    if forward:
        return range(match.end, min(n, match.end + window))
    return range(match.start - 1, max(-1, match.start - 1 - window), -1)


def exit_reach(
    tokens: Sequence[str],
    matches: Sequence[Match],
    cues: CueSet,
    clause_starts: Sequence[int],
    kinds: tuple[str, str] = (EXIT, POST_EXIT),
) -> list[bool]:
    """Per token: whether leaving or stopping something governs it ("withdrew from the eGov project
    carried out jointly with Russia"): up to ``exit_window`` words on, until the clause ends or a
    conflict word or negator intervenes. Empty when the sentence has no exit word. ``kinds``: the verb
    kinds that govern, the one whose object follows it and the one whose object comes first."""
    forward_kind, _backward_kind = kinds
    exits = [m for m in matches if m.pattern.kind in kinds]
    if not exits:
        return []
    bounds = object_bounds(tokens, clause_starts, cues)
    # Another negator ends an exit's reach before it; a conflict word is the last word reached
    # ("lifted the ban on imports": the ban is lifted, what follows is not).
    negator_at, conflict_at = blockers(len(tokens), matches, {m.start for m in exits})
    reach = [False] * len(tokens)
    for m in exits:
        forward = m.pattern.kind == forward_kind
        for i in object_steps(m, forward, len(tokens), cues.exit_window):
            if negator_at[i] or (bounds[i] if forward else bounds[i + 1]):
                break
            reach[i] = True
            if conflict_at[i] and forward_kind == EXIT:
                break  # a rule followed reaches on: "complies with the sanctions against Moscow"
    return reach


def grievance_frames(
    tokens: Sequence[str], matches: Sequence[Match], cues: CueSet, clause_starts: Sequence[int]
) -> list[bool]:
    """Per token: whether a cooperation word there is used as a grievance: right after an epithet
    ("former ally", «бывший союзник») or anywhere in a clause with a grievance frame ("so much for the
    strategic partnership", «союзник только на словах»). Empty when the sentence has neither."""
    epithets = [m for m in matches if m.pattern.kind == EPITHET]
    grievances = [m for m in matches if m.pattern.kind == GRIEVANCE]
    if not epithets and not grievances:
        return []
    framed = [False] * len(tokens)
    for m in epithets:  # the pattern holds both words: "former ally*", "бывш* * союзни*"
        for i in range(m.start, m.end):
            framed[i] = True
    if grievances:
        in_clause = clauses_of(tokens, grievances, cues, clause_starts)
        framed = [f or c for f, c in zip(framed, in_clause, strict=True)]
    return framed


def clause_numbers(tokens: Sequence[str], cues: CueSet, clause_starts: Sequence[int]) -> list[int]:
    """Per token: the number of its clause (clauses end at a comma, semicolon, colon or dash and at a
    contrast word)."""
    bounds = clause_bounds(tokens, clause_starts, cues.refusal_stops)
    clause, current = [], 0
    for i in range(len(tokens)):
        current += bounds[i] and i > 0
        clause.append(current)
    return clause


def clauses_of(tokens: Sequence[str], words: Sequence[Match], cues: CueSet, clause_starts: Sequence[int]) -> list[bool]:
    """Per token: whether it is in the clause of one of ``words``, before or after the word."""
    clause = clause_numbers(tokens, cues, clause_starts)
    hit = {clause[m.start] for m in words}
    return [clause[i] in hit for i in range(len(tokens))]


def negation_scope(
    tokens: Sequence[str], negator_spans: Sequence[tuple[int, int]], cues: CueSet
) -> tuple[list[bool], set[int]]:
    """Per token, whether a negation governs it, and where a negated negator starts. A negator reaches
    ``negation_window`` content words on; function words ("о", "the", "się") and verbs of intent or
    ability («собирается», "zamierza") do not count, so "не рассматривает вопрос о признании" negates the
    recognition and «не собирается оказывать на страну давление» the pressure. A verb of refusal or leaving that a
    negator governs is a double negation and cancels it ("did not refuse to cooperate", «не вышел из
    проекта»), and so is a negated verb of ability before another negator («не может не поддержать»); a
    particle or a concord word there repeats it («никогда не», "nie ... żaden")."""
    negated = [False] * len(tokens)
    cancelled: set[int] = set()
    previous_end = -2
    for start, end in sorted(negator_spans):
        # «не может не поддержать», "nie może nie poprzeć": a negated ability is a double negation
        cannot_but = start == previous_end + 1 and tokens[previous_end] in cues.auxiliaries
        flip = negated[start] and (
            cannot_but or (len(tokens[start]) > 3 and not tokens[start].startswith(cues.concord_negators))
        )
        previous_end = end
        if flip:
            cancelled.add(start)
        left = cues.negation_window
        for i in range(end, len(tokens)):
            if left <= 0:
                break
            negated[i] = not negated[i] if flip else True
            if tokens[i] not in cues.function_words and tokens[i] not in cues.auxiliaries:
                left -= 1
    return negated, cancelled


def turn_at(matches: Sequence[Match], clause_starts: Sequence[int]) -> int | None:
    """The token where a contrast word opens a clause mid-sentence ("..., but ...", «..., однако ...»), the
    last one when there are several; None when there is none (a contrast opening the sentence is emphasis)."""
    starts = set(clause_starts)
    turns = [m.start for m in matches if m.pattern.kind == CONTRAST and m.start > 1 and m.start in starts]
    return max(turns) if turns else None
