"""Stance of one sentence from cooperation and conflict cues, with negation.

A cooperation cue counts towards cooperation (negative tension), a conflict cue towards tension.
Negation turns a cooperation cue into tension ("did not support", "nie poparła", "не поддержал",
"қолдамады") and softens a conflict cue into a small lean towards cooperation ("no tension",
"denied any rift"). A refusal after a proposal ("joining the Union State is not on the agenda",
"не стоит на повестке дня") negates the cooperation cues of the clause before it. Leaving or stopping
("withdrew from the project run jointly with Moscow") negates the cooperation cues of its object,
however long, up to the end of the clause. A cooperation word used as a grievance ("former ally",
"so much for the strategic partnership") counts towards tension. A sentence that turns down both a
step against the other side and a step for it ("will neither join the sanctions nor help to dodge
them"), or that turns down or complies with a measure against it while naming such measures ("will not
join the sanctions for fear of secondary sanctions"), is a balance and counts little. A standing tie
named beside a conflict, and the clause before a "but" that disagrees with the one after it, are backdrop
and count half. Whether the sentence is about the pair at all is decided elsewhere (relevance).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .handover import handed_over, uncued_handovers
from .lexicon import (
    ACT,
    BACKGROUND,
    CLAIM,
    COMPLY,
    CONCESSIVE,
    CONTRAST,
    CUE,
    DISMISSAL,
    EXIT,
    FEAR,
    HYPOTHETICAL,
    NEGATOR,
    OFFTOPIC,
    POST_ACT,
    POST_COMPLY,
    POST_CONCESSIVE,
    POST_EXIT,
    POST_NEGATOR,
    RECOGNITION,
    REFUSAL,
    RELATION,
    STATUS,
    CueSet,
)
from .patterns import Match
from .recognition import claims_refused, refused_objects
from .scope import (
    blockers,
    clause_bounds,
    clauses_of,
    exit_reach,
    grievance_frames,
    negation_scope,
    object_bounds,
    object_steps,
    refused_by,
    suffix_negated,
    turn_at,
)
from .third_party import a_third_party_conflict, a_third_partys_claim, with_a_third_party

NEGATED_COOPERATION = -0.8  # "did not sign" is nearly as much tension as "signed" is cooperation
NEGATED_CONFLICT = -0.3  # "no tension" is reassurance, weaker than an agreement
BACKGROUND_WEIGHT = 0.4  # "For three decades Kazakhstan has been Russia's ally": context, not news
CONTRAST_WEIGHT = 1.5  # "Yet since 2022 ...", "Однако ...": the point the writer is making
RELATIONAL_CUE = 0.5  # weaker cues ("trade", "rose", "imported") do not make a sentence relational
SENTENCE_CAP = 3.0  # one sentence cannot outweigh a whole article
LIFTED_CONFLICT = -0.6  # lifting a ban or suspending a claim is a conciliatory act, more than "no tension"
BALANCING_FACTOR = 0.3  # "will neither join the sanctions nor help anyone dodge them": a balance, not a side
HYPOTHETICAL_WEIGHT = 0.4  # "breaking such ties would be fatal": a conflict imagined counts less
STATUS_WEIGHT = 0.5  # "Kazakhstan remains Russia's ally": the boilerplate of the tie, less than a step taken
LIFTED_OBJECT = 3  # the ban a lifting verb governs stands this close to it ("lifted the temporary restrictions")
GRIEVANCE_FACTOR = 0.6  # "a former ally": the cooperation word, turned, is weaker tension than a conflict word
FEAR_FACTOR = 0.5  # "as Moscow's ally, Astana fears for its north": the tie is the backdrop of the fear
ACT_WEIGHT = 1.0  # "the bank stopped servicing Russian cards": a step against the other side in neutral words
STACKED_TIE = 0.5  # each cooperation word after a sentence's strongest: the formula, not more cooperation
CONCEDED_TIE = 0.5  # "despite Moscow's help, relations are now tense": the tie conceded is the contrast's backdrop
# "a wedge is forming between Russia and one of its most reliable allies": a standing tie named in a sentence
# that reports a conflict between the two is the conflict's backdrop, not cooperation that offsets it.
BACKDROP_TIE = 0.5
# "Kazakhstan will not recognise the Donetsk and Luhansk republics": turning down the other side's claim
# is a step against it, as strong in every language whatever the recognition word's own weight there.
REFUSED_RECOGNITION = 1.0
NEGATOR_GAP = 2  # tokens between two negators that still make one refusal
STEM_LETTERS, MIN_STEM = 5, 4  # a measure named twice shares its first letters; shorter words name none
TURNED = 0.5  # "partners on paper, but rivals in fact": what comes before the "but" is the backdrop


@dataclass(frozen=True)
class SentenceStance:
    stance: float  # > 0 tension, < 0 cooperation, before relevance weighting
    relation: float  # strength of relational words (for relevance)
    cues: int  # number of cues of weight >= RELATIONAL_CUE (weaker ones only nudge the stance)
    offtopic: int  # words of sport, weather, leisure ...
    emphasis: float  # how much the sentence matters: background < 1 < contrast
    negated_at: tuple[bool, ...]  # per token: a negator governs it (for sentiment)
    # The cue weights as counted, summed by class (CLASSES), before the sentence's turns and cap: what the
    # scorer's model weighs (pipeline/scoring/model.py). Empty when the sentence has no cue.
    parts: tuple[float, ...] = ()


# The classes a counted cue falls in, in the order of SentenceStance.parts.
CLASSES = ("conflict", "cooperation", "tie", "negated_cooperation", "negated_conflict", "grievance", "act", "lifted")
_CLASS = {name: i for i, name in enumerate(CLASSES)}


def _act_against(
    tokens: Sequence[str],
    matches: Sequence[Match],
    cues: CueSet,
    clause_starts: Sequence[int],
    partners: Mapping[int, bool],
    negated_at: Sequence[bool],
    exited: Sequence[bool] | None = None,
) -> float:
    """Tension of a step that falls on one of the pair ("stopped servicing Russian cards", "the wagons
    were sent back to Russia"): an act word whose object, in the same clause and within ``exit_window``
    words, names a side of the pair before any stance cue. The first name reached is the object; a
    third country there is another story. A negated act ("did not turn back") leans the other way."""
    acts = [m for m in matches if m.pattern.kind in (ACT, POST_ACT)]
    if not acts or not partners or all(partners.values()):
        return 0.0
    bounds = object_bounds(tokens, clause_starts, cues)
    own = {m.start for m in acts}
    cue_at = [False] * len(tokens)
    for m in matches:
        if m.pattern.kind == CUE and abs(m.pattern.weight) >= RELATIONAL_CUE and m.start not in own:
            cue_at[m.start] = True
    found = 0.0
    for m in acts:
        if exited and exited[m.start]:  # "lifted the ban on imports of Kazakh meat": the ban's end, not a ban
            continue
        forward = m.pattern.kind == ACT
        for i in object_steps(m, forward, len(tokens), cues.exit_window):
            if (bounds[i] if forward else bounds[i + 1]) or cue_at[i]:
                break
            if i in partners:
                if not partners[i]:
                    value = ACT_WEIGHT * (NEGATED_CONFLICT if negated_at[m.start] else 1.0)
                    found = value if abs(value) > abs(found) else found
                break
    return found  # one step however many verbs tell it ("halted and sent back")


def _stems(tokens: Sequence[str], match: Match) -> set[str]:
    """The first letters of a cue's words ("sanctions", «санкциям» → sanct, санкц): which measure it names."""
    return {token[:STEM_LETTERS] for token in tokens[match.start : match.end] if len(token) >= MIN_STEM}


def _coordinated_ties(
    tokens: Sequence[str], matches: Sequence[Match], status_at: set[int], coordinators: frozenset[str]
) -> set[int]:
    """Cooperation words joined by "and" to a tie's name: "strategic partnership and cooperation",
    «дружбы и сотрудничества» are one formula, the title of the tie, and stack like its words."""
    found = set()
    for m in matches:
        if m.pattern.kind != CUE or m.pattern.weight >= 0 or m.start in status_at:
            continue
        before = m.start >= 2 and tokens[m.start - 1] in coordinators and m.start - 2 in status_at
        after = m.end + 1 < len(tokens) and tokens[m.end] in coordinators and m.end + 1 in status_at
        if before or after:
            found.add(m.start)
    return found


def sentence_stance(
    tokens: Sequence[str],
    matches: Sequence[Match],
    cues: CueSet,
    clause_starts: Sequence[int] = (),
    partners: Mapping[int, bool] | None = None,
    scare_quoted: frozenset[int] = frozenset(),
    question: bool = False,
    breaks: Sequence[int] = (),
) -> SentenceStance:
    """Score one tokenized sentence from its cue matches. ``clause_starts``: indices of the tokens
    that open a new clause (after a comma, semicolon, colon or dash), which a refusal does not cross;
    ``breaks``: the same, given where a third party is named (a cooperation word's object is not across one).
    ``partners``: token index of each country name -> whether it is a third party. ``scare_quoted``: the
    tokens of a short lower-case quote ("our 'friends' in Moscow"), where a tie's word is irony."""
    negator_spans = [(m.start, m.end) for m in matches if m.pattern.kind == NEGATOR]
    post_starts = [m.start for m in matches if m.pattern.kind == POST_NEGATOR]
    refusals = [m for m in matches if m.pattern.kind == REFUSAL]
    refusal_starts = [m.start for m in refusals]
    # Where a refusal's reach stops: a new clause, a contrast ("but", «а», "ale", «бірақ»), a conflict
    # cue, a negator (not the refusal's own). Only worked out when there is a refusal (rare).
    stops: list[bool] = []
    if refusal_starts:
        negator_at, conflict_at = blockers(len(tokens), matches, set(refusal_starts))
        bounds = clause_bounds(tokens, clause_starts, cues.refusal_stops)
        stops = [b or n or c for b, n, c in zip(bounds, negator_at, conflict_at, strict=True)] + [False]
    negated_at, cancelled = negation_scope(tokens, negator_spans, cues)
    # A negator that is itself a step ("froze its participation", "abandoning") turns nothing down: the
    # balance below counts only what a plain refusal negates ("will not join the sanctions").
    acts = {m.start for m in matches if m.pattern.kind in (ACT, EXIT)}
    plain = [span for span in negator_spans if span[0] not in acts]
    turned_down = negated_at if len(plain) == len(negator_spans) else negation_scope(tokens, plain, cues)[0]
    if cancelled:  # "did not withdraw from the project": the exit is undone with its negation
        matches = [m for m in matches if not (m.start in cancelled and m.pattern.kind in (EXIT, POST_EXIT))]
    exited = exit_reach(tokens, matches, cues, clause_starts)
    complied = exit_reach(tokens, matches, cues, clause_starts, (COMPLY, POST_COMPLY))
    # "cancelled the restrictions", «отменил ограничения»: the verb that lifts a ban is no conflict itself
    lifting: set[int] = set()
    if exited:
        lifted_at = [m.start for m in matches if m.pattern.kind == CUE and m.pattern.weight > 0 and exited[m.start]]
        lifting = {
            m.start
            for m in matches
            if m.pattern.kind == EXIT and any(0 <= i - m.end < LIFTED_OBJECT for i in lifted_at)
        }
    framed = grievance_frames(tokens, matches, cues, clause_starts)
    # "called the reports of a blockade fake", «сообщения о блокаде — фейк»: the conflict is denied
    dismissals = [m for m in matches if m.pattern.kind == DISMISSAL]
    dismissed = clauses_of(tokens, dismissals, cues, clause_starts) if dismissals else []
    if cues.negative_verb is not None:
        post_starts += [i for i, t in enumerate(tokens) if cues.negative_verb.match(t)]
    post_window = cues.post_negation_window
    # "Despite the war and sanctions, trade grew": conflict words in a concessive clause do not count.
    conceded = [False] * len(tokens)
    for m in matches:
        if m.pattern.kind == CONCESSIVE:
            for i in range(m.end, min(len(tokens), m.end + cues.concessive_window)):
                conceded[i] = True
        elif m.pattern.kind == POST_CONCESSIVE:
            for i in range(max(0, m.start - cues.concessive_window), m.start):
                conceded[i] = True

    stance = 0.0
    relation = 0.0
    count = offtopic = 0
    emphasis = 1.0
    conceded_conflict = conceded_tie = 0.0
    affirmed_conflict = False  # a conflict cue counted as it stands (not negated, conceded or a third party's)
    # "They are friends on paper, but the trade war goes on": a contrast opening a clause mid-sentence
    # turns it; when the two sides of the turn disagree, the side before it is the backdrop.
    turn = turn_at(matches, clause_starts)
    parts = [0.0, 0.0]  # stance before the turn and after it (all in the first when there is none)
    ties: tuple[list[float], list[float]] = ([], [])  # the cooperation weights, summed with diminishing returns
    status_at = {m.start for m in matches if m.pattern.kind == STATUS}
    if status_at and cues.coordinators:
        status_at |= _coordinated_ties(tokens, matches, status_at, cues.coordinators)
    hypothetical = any(m.pattern.kind == HYPOTHETICAL for m in matches)
    # "refuted the fears of subordination" is no fear: a negated fear word frames nothing.
    fear = any(m.pattern.kind == FEAR and not negated_at[m.start] for m in matches)
    by_class = [0.0] * len(CLASSES)
    # a recognition word in a sentence that names a side (the other side's claims count as it, actors.py),
    # unless what it governs is a document ("does not recognise Kazakh driving licences"): recognition.py
    recognising = (
        claims_refused(tokens, matches, cues, clause_starts or breaks, RELATIONAL_CUE)
        if partners and not all(partners.values()) and any(m.pattern.kind == RECOGNITION for m in matches)
        else set()
    )
    # "does not recognise the annexation": the annexation is the claim turned down, not a conflict denied
    turned_claims = refused_objects(tokens, matches, cues, clause_starts or breaks, recognising, negated_at)
    # "deported the deserter to Russia": handing over the other side's fugitive is cooperation (handover.py)
    handed = handed_over(tokens, matches, cues, clause_starts or breaks)
    refused: set[bool] = set()  # which kinds of cue were negated: True cooperation, False conflict
    kept_rule = False  # a measure against the other side complied with ("will comply with the sanctions")
    # per side of a "but": the stems of the measures turned down or complied with (False) and of the
    # conflict words affirmed (True); a balance needs the same measure on both ("sanctions ... sanctions")
    balanced_sides: list[set[tuple[bool, str]]] = [set(), set()]
    # any "but" after the sentence's opening divides it here, with or without a comma before it
    divide = next((m.start for m in matches if m.pattern.kind == CONTRAST and m.start > 1), len(tokens))
    # "called Almaty Russian land ... incompatible with our friendship": a claim on the other's land that
    # no negator governs makes the sentence a rebuke, whatever cooperation words frame it.
    # A claim about a third country named right before it ("called Ukraine an artificial state") is that
    # country's: neither a rebuke nor a conflict of the pair.
    owned_claims = {
        m.start for m in matches if m.pattern.kind == CLAIM and partners and a_third_partys_claim(m, partners)
    }
    claimed = any(
        m.pattern.kind == CLAIM
        and m.start not in owned_claims
        and not negated_at[m.start]
        and not suffix_negated(tokens, m, cues.negative_suffixes)
        for m in matches
    )
    for match in matches:
        kind = match.pattern.kind
        if kind == OFFTOPIC:
            offtopic += match.pattern.weight > 0  # "повестка дня" (0): the agenda, not a call-up notice
            continue
        if kind == BACKGROUND:
            emphasis = min(emphasis, BACKGROUND_WEIGHT)
            continue
        if kind == CONTRAST and match.start <= 1:
            emphasis = max(emphasis, CONTRAST_WEIGHT) if emphasis >= 1 else emphasis
            continue
        if kind == RELATION:
            relation += match.pattern.weight
            continue
        if kind != CUE:
            continue
        weight = match.pattern.weight
        if abs(weight) >= RELATIONAL_CUE:
            count += 1
        if weight > 0 and match.start in turned_claims:
            continue
        if weight > 0 and match.start in handed:
            weight = -ACT_WEIGHT  # the security services working together, however the person is treated
        if weight > 0 and partners and a_third_party_conflict(match, tokens, cues, partners):
            continue  # the conflict is another country's: "settling the Ukrainian conflict"
        if weight > 0 and match.start in owned_claims:
            continue  # the claim is on another country: "called Ukraine an artificial state"
        if weight > 0 and conceded[match.start]:
            conceded_conflict += weight
            continue
        if weight <= -1.0 and conceded[match.start]:  # a tie ("despite the help"), not an event ("the meeting")
            conceded_tie += weight
            continue
        if weight > 0 and match.start in lifting:
            continue
        if weight > 0 and exited and exited[match.start]:  # "lifted the ban", "снял запрет": a step back
            stance += weight * LIFTED_CONFLICT
            by_class[_CLASS["lifted"]] += weight * LIFTED_CONFLICT
            continue
        if weight > 0 and complied and complied[match.start]:  # "complies with the sanctions": a rule kept
            weight *= BALANCING_FACTOR
            kept_rule = True
            balanced_sides[int(match.start >= divide)].update((False, t) for t in _stems(tokens, match))
        negated = negated_at[match.start] or (weight > 0 and bool(dismissed) and dismissed[match.start])
        if not negated and post_window:
            negated = any(match.end <= s < match.end + post_window for s in post_starts)
        if not negated:
            negated = suffix_negated(tokens, match, cues.negative_suffixes)
        if not negated and refusal_starts:  # "joining the Union is not on the agenda", "a trade war is off the table"
            negated = refused_by(match, refusals, stops, cues.refusal_window)
        if not negated and weight < 0 and exited:  # "pulled out of the project run jointly with Russia"
            negated = exited[match.start]
        if weight < 0 and partners and with_a_third_party(match, tokens, cues, partners, breaks or clause_starts):
            continue  # the cooperation is with another country: "Astana's cooperation with Washington"
        grievance = not negated and weight < 0 and ((bool(framed) and framed[match.start]) or claimed)
        # "our 'friends' in Moscow", «„братский“ народ»: a tie's word in scare quotes is irony
        grievance = grievance or (not negated and match.start in status_at and match.start in scare_quoted)
        # "Ally or enemy?", «союз по необходимости или партнёрство по расчёту?»: a tie asked about is in doubt
        grievance = grievance or (not negated and weight < 0 and question and match.start in status_at)
        if not negated and not grievance and weight < 0 and match.start in status_at:
            weight *= STATUS_WEIGHT  # boilerplate of the tie; a tie turned into a grievance keeps its weight
        if not negated and not grievance and weight < 0 and fear:
            weight *= FEAR_FACTOR  # "a member of Moscow's bloc, Astana fears ...": the fear is the news
        if negated and weight < 0 and match.start in recognising:
            weight = min(weight, -REFUSED_RECOGNITION)  # "will not recognise the breakaway republics": an act
        if negated:
            if abs(weight) >= RELATIONAL_CUE:  # "a project not aimed against the neighbour" is no balance
                refused.add(weight < 0)
                if weight > 0 and (turned_down[match.start] or not negated_at[match.start]):
                    balanced_sides[int(match.start >= divide)].update((False, t) for t in _stems(tokens, match))
            weight = weight * (NEGATED_COOPERATION if weight < 0 else NEGATED_CONFLICT)
        elif grievance:  # "former ally", "so much for the partnership"
            weight = -weight * GRIEVANCE_FACTOR
        side = int(turn is not None and match.start >= turn)
        if weight < 0 and not negated and match.start in status_at:
            ties[side].append(weight)
            continue
        cls = ("negated_cooperation" if weight > 0 else "negated_conflict") if negated else None
        cls = cls or ("grievance" if grievance else "conflict" if weight > 0 else "cooperation")
        by_class[_CLASS[cls]] += weight
        affirmed_conflict = affirmed_conflict or (not negated and weight >= RELATIONAL_CUE)
        if not negated and weight >= RELATIONAL_CUE and all(match.start != n for n, _ in negator_spans):
            # a refusing verb ("refused") names no measure
            balanced_sides[int(match.start >= divide)].update((True, t) for t in _stems(tokens, match))
        parts[side] += weight
    # «выдворил дезертира»: a handover word that is no cue of its own (an act word) is the cooperation itself
    for at, refusing_it in uncued_handovers(tokens, matches, cues, handed, negated_at):
        weight = -ACT_WEIGHT * NEGATED_COOPERATION if refusing_it else -ACT_WEIGHT
        by_class[_CLASS["negated_cooperation" if refusing_it else "cooperation"]] += weight
        parts[int(turn is not None and at >= turn)] += weight
    # "strategic partnership, allied cooperation and friendship": the formula stacks the tie's words, each
    # after the strongest adds less (one act of cooperation is told with one verb).
    backdrop = BACKDROP_TIE if affirmed_conflict and not fear else 1.0  # a fear has made the tie its backdrop
    for side in (0, 1):
        tie = backdrop * sum(w * (1.0 if k == 0 else STACKED_TIE) for k, w in enumerate(sorted(ties[side])))
        parts[side] += tie
        by_class[_CLASS["tie"]] += tie
    stance += parts[0] * TURNED if parts[0] * parts[1] < 0 else parts[0]
    stance += parts[1]
    if partners:
        acting = [m for m in matches if m.start not in handed] if handed else matches
        act = _act_against(tokens, acting, cues, clause_starts, partners, negated_at, exited)
        if act:
            stance += act
            by_class[_CLASS["act"]] += act
            count += 1
    if hypothetical and stance > 0:  # imagined conflict: "a rift would be a disaster for both"
        stance *= HYPOTHETICAL_WEIGHT
    if stance > 0:  # "refused despite pressure": the conceded conflict is part of the story
        stance += conceded_conflict
    if stance < 0:  # "despite the partnership, they signed more": the tie and the news agree
        stance += conceded_tie
    elif conceded_tie:  # "despite Moscow's help, relations are now nervous": the tie is what is contrasted
        stance -= conceded_tie * CONCEDED_TIE
    # Two refusals, one of a step against the other side and one of a step for it ("will neither
    # join the sanctions nor help to dodge them"): balancing. One refusal of a mixed phrase ("refused
    # to recognise the annexation") is a single act and keeps its weight.
    # negators side by side are one refusal said with emphasis («никак не», "w żaden sposób nie")
    spans = sorted(negator_spans)
    refusing = sum(1 for i, (s, _) in enumerate(spans) if i == 0 or s > spans[i - 1][1] + NEGATOR_GAP)
    balance = len(refused) == 2 and refusing + len(post_starts) >= 2
    # "will not join the sanctions against Moscow for fear of secondary sanctions", "complies with the
    # sanctions to avoid secondary ones": a measure against the other side turned down (on the same side of
    # a "but" as the conflict words) or complied with, beside conflict words that then only name the
    # measures, is the same balance, not the tension those words carry. "refused to join the sanctions, but
    # Moscow threatened a ban" turns at the "but": the threat is news and keeps its weight.
    same = any((True, stem) in half for half in balanced_sides for affirmed, stem in half if not affirmed)
    named = same and (kept_rule or refused == {False})
    if balance or (stance > 0 and named):
        stance *= BALANCING_FACTOR
    stance = max(-SENTENCE_CAP, min(SENTENCE_CAP, stance))
    parts_ = tuple(by_class) if any(by_class) else ()
    return SentenceStance(stance, relation, count, offtopic, emphasis, tuple(negated_at), parts_)
