"""Which sentences are about the pair, and how much the whole piece is about their relationship.

Each sentence gets a *link* in [0, 1]: 1 when it names both sides, less when the other side is only
in a neighbouring sentence or the title, little when it names one side next to a third party
("Russia struck Ukraine", "Kazakhstan and China signed"), and a little for a sentence without names
right after one that names both ("The two leaders also discussed ..."). Stance and sentiment are
weighted by the link; relevance adds the links up with the title counted and scales by density.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from .actors import BLOC_A, BLOC_B, BOTH, IMPLIED_A, IMPLIED_B, OTHER, SIDE_A, SIDE_B, THIRD, WEAK_A, WEAK_B

# Link of a sentence, by what it names.
LINK_BOTH = 1.0
LINK_NEIGHBOUR = 0.7  # one side here, the other in the previous / next sentence or the title
LINK_NEIGHBOUR_THIRD = 0.4  # ... but a third party is named here too
LINK_ONE_SIDE = 0.35  # one side, the other named elsewhere in the piece
LINK_ONE_SIDE_ALONE = 0.15  # one side, the other side nowhere in the piece
LINK_THIRD_PARTY = 0.1  # one side with a third party: another relationship
LINK_ANAPHORA = 0.3  # no names, right after a sentence naming both
ENGAGED_STANCE = 0.5  # a sentence about the pair with this much stance keeps a topical piece relevant
TOPICAL_SHARE = 0.4  # from this share of body sentences about sport, heat, music, launches: about them
LINK_LIST = 0.3  # both sides, but in a list of several countries ("Russia, Belarus, Kazakhstan ...")
PAIR_PRIOR = 0.5  # added to both counts in pair_share: a pair met once does not silence the piece
TITLE_GAIN = 1.5  # a headline says what the piece is about
APART = 0.5  # relevance kept when the two sides never meet (only in lists of countries, far apart)


@dataclass(frozen=True)
class SentenceFacts:
    names: frozenset[str]  # subset of {"a", "b", "both", "other"}
    listed: bool  # the sides are items in a list of countries ("Russia, Belarus, Kazakhstan and ...")
    stance: float
    relation: float
    cues: int
    offtopic: int = 0
    is_title: bool = False
    joined_third: bool = False  # one side joined by "and"/"with" to a third country, the other unnamed


@dataclass(frozen=True)
class _Named:
    a: bool  # the piece names side a outright somewhere
    b: bool

    @property
    def either(self) -> bool:
        return self.a or self.b


def _named(sentences: Sequence[SentenceFacts], implied: bool = True) -> _Named:
    a = any(SIDE_A in s.names for s in sentences)
    b = any(SIDE_B in s.names for s in sentences)
    if not implied:
        return _Named(a, b)
    # An epithet or an institution stands for a side only where the other side is named outright:
    # "the northern neighbour" of Kazakhstan is Russia, in a piece about nothing named it is nobody.
    a_implied = b and any(IMPLIED_A in s.names or BLOC_A in s.names for s in sentences)
    b_implied = a and any(IMPLIED_B in s.names or BLOC_B in s.names for s in sentences)
    return _Named(a or a_implied, b or b_implied)


def _sides(facts: SentenceFacts, named: _Named, implied: bool = True, bloc: bool = True) -> tuple[bool, bool]:
    # "the two countries" counts only when both are named somewhere (not Putin and Xi);
    # "Russian-language" only when Russia is; "Kazakhstan in the EAEU" is the pair only where ``bloc``.
    names = facts.names
    both = BOTH in names and named.a and named.b
    a_implied = IMPLIED_A in names or (bloc and BLOC_A in names)
    b_implied = IMPLIED_B in names or (bloc and BLOC_B in names)
    a = SIDE_A in names or (implied and a_implied and named.a) or both
    b = SIDE_B in names or (implied and b_implied and named.b) or both
    # Weak names need a plain name in the same sentence: "songs in Kazakh and Russian" links nothing.
    strong = a or b
    return a or (WEAK_A in names and named.a and strong), b or (WEAK_B in names and named.b and strong)


_Walk = bool | frozenset[str]  # settled (True: the watched pair) or the parties met so far (at most one)
_START: frozenset[str] = frozenset()
_STATES = (_START, frozenset({SIDE_A}), frozenset({SIDE_B}), frozenset({OTHER}))


def _step(seen: frozenset[str], facts: SentenceFacts) -> _Walk:
    """One sentence of a walk: a sentence naming both sides outside a list settles it at once;
    otherwise the first two distinct parties (side a, side b, a third party) do."""
    names = facts.names
    if SIDE_A in names and SIDE_B in names and not facts.listed:
        return True
    seen = seen | {kind for kind in (SIDE_A, SIDE_B, OTHER) if kind in names}
    if len(seen) >= 2:
        return seen == {SIDE_A, SIDE_B}
    return seen


def _walks(sentences: Sequence[SentenceFacts], order: Sequence[int]) -> list[dict[frozenset[str], _Walk]]:
    """For each k, from each starting state: where walking ``order[k], order[k-1], ..., order[0]``
    ends. Built once, so every sentence's nearest parties cost a look-up, not a walk."""
    table: list[dict[frozenset[str], _Walk]] = []
    for j in order:
        row: dict[frozenset[str], _Walk] = {}
        for state in _STATES:
            after = _step(state, sentences[j])
            row[state] = after if isinstance(after, bool) or not table else table[-1][after]
        table.append(row)
    return table


def _pair_named(sentences: Sequence[SentenceFacts], order: Iterable[int]) -> bool | None:
    """Walking the sentences in ``order``: is the first pair of parties met the watched pair (True),
    another pair (False), or is there none (None)?"""
    seen = _START
    for j in order:
        after = _step(seen, sentences[j])
        if isinstance(after, bool):
            return after
        seen = after
    return None


def resolve_both(sentences: Sequence[SentenceFacts]) -> list[SentenceFacts]:
    """The sentences, with "the two countries" (and the like) read as a third party where it means
    another pair: the piece opens on another pair ("Kazakhstan and China agree ...") and the nearest
    parties before it (after it, when it comes first) are not the watched pair either. Otherwise
    the phrase keeps meaning the pair."""
    out = list(sentences)
    n = len(sentences)
    for i in range(1, n):
        # "Georgia and Russia fought a war. Talks between the two sides stalled.": the sentence just before,
        # joining one side and a third country by "and" (the other side unnamed), is what a phrase naming no
        # side means; not "The Russian leader came from Beijing, where he met Xi. The two sides signed ...".
        facts, before = sentences[i], sentences[i - 1]
        if BOTH in facts.names and not ({SIDE_A, SIDE_B} & facts.names) and before.joined_third:
            out[i] = replace(facts, names=(facts.names - {BOTH}) | {OTHER})
    if _pair_named(sentences, range(n)) is not False:
        return out
    backward = _walks(sentences, range(n))  # backward[i]: walking i, i-1, ..., 0
    forward = _walks(sentences, range(n - 1, -1, -1))  # forward[n-1-i]: walking i, i+1, ..., n-1
    for i, facts in enumerate(sentences):
        if BOTH not in facts.names:
            continue
        nearest = backward[i][_START]
        if not isinstance(nearest, bool) and i + 1 < n:
            nearest = forward[n - 2 - i][nearest]
        if nearest is False:
            out[i] = replace(facts, names=(facts.names - {BOTH}) | {OTHER})
    return out


def links(sentences: Sequence[SentenceFacts]) -> list[float]:
    """The link of each sentence to the pair (title sentences included, first). Implied sides
    ("the northern neighbour") make a piece about the pair but do not weight its sentences' stance."""
    named = _named(sentences, implied=False)
    names_a, names_b = named.a, named.b
    own = [_sides(s, named, implied=False) for s in sentences]
    # A list of countries, or one side next to a third party ("imports from Russia and China"),
    # does not tie the neighbouring sentences to the pair.
    sides = [
        (False, False) if s.listed or (OTHER in s.names and not all(o)) else o
        for s, o in zip(sentences, own, strict=True)
    ]
    title_a = any(a for (a, _), s in zip(sides, sentences, strict=True) if s.is_title)
    title_b = any(b for (_, b), s in zip(sides, sentences, strict=True) if s.is_title)
    out: list[float] = []
    for i, facts in enumerate(sentences):
        a, b = own[i]
        third = OTHER in facts.names
        if a and b:
            out.append(LINK_LIST if facts.listed else LINK_BOTH)
            continue
        prev_a, prev_b = sides[i - 1] if i > 0 else (False, False)
        next_a, next_b = sides[i + 1] if i + 1 < len(sentences) else (False, False)
        if a or b:
            other_near = (b and (prev_a or next_a or title_a)) or (a and (prev_b or next_b or title_b))
            if other_near:
                out.append(LINK_NEIGHBOUR_THIRD if third else LINK_NEIGHBOUR)
            elif third:
                out.append(LINK_THIRD_PARTY)
            elif names_a and names_b:
                out.append(LINK_ONE_SIDE)
            else:
                out.append(LINK_ONE_SIDE_ALONE)
            continue
        prev_both = i > 0 and all(sides[i - 1])
        if prev_both and not third and not facts.is_title:
            out.append(LINK_ANAPHORA)
        else:
            out.append(0.0)
    return out


def _leisure(facts: SentenceFacts) -> bool:
    """Sport, weather, leisure: unless the sentence is more about stance than about the match."""
    return bool(facts.offtopic) and facts.offtopic >= facts.cues


def _parties(facts: SentenceFacts, named: _Named) -> set[str]:
    """The countries a sentence names: the two sides and each third country by its own kind."""
    a, b = _sides(facts, named)
    found = {kind for kind in facts.names if kind.startswith(THIRD)}
    return found | ({SIDE_A} if a else set()) | ({SIDE_B} if b else set())


def pair_share(sentences: Sequence[SentenceFacts], sentence_links: Sequence[float]) -> float:
    """How much of the piece's talk of two countries together is about the watched pair, in [0, 1].

    Counts how often every two countries meet in one sentence (outside a list; the title counts
    more); a sentence naming both sides and a third party is shared among the pairs it names.
    The watched pair also meets, half as much, across neighbouring sentences. A piece whose
    most-met pair is another one, met at least twice (Kazakhstan and China; Armenia and Azerbaijan
    in Almaty), gets the watched pair's count over that pair's; otherwise 1.
    """
    named = _named(sentences)
    met: defaultdict[tuple[str, str], float] = defaultdict(float)  # weights are fractions, not counts
    for facts, link in zip(sentences, sentence_links, strict=True):
        if facts.listed:
            continue
        weight = TITLE_GAIN if facts.is_title else 1.0
        parties = _parties(facts, named)
        # "gas for Uzbekistan from Russia via Kazakhstan": a sentence naming the pair and a third party
        # is shared among the pairs it names, each meeting counted 1 / (parties - 1).
        share = weight / (len(parties) - 1) if len(parties) > 2 else weight
        for pair in combinations(sorted(parties), 2):
            met[pair] += share
        if {SIDE_A, SIDE_B} <= parties:
            continue
        if link >= LINK_NEIGHBOUR:
            met[(SIDE_A, SIDE_B)] += weight / 2
    ours = met.get((SIDE_A, SIDE_B), 0.0)
    top = max(met.values(), default=0.0)
    if ours >= top or top < 2:
        return 1.0
    return (ours + PAIR_PRIOR) / (top + PAIR_PRIOR)


def relevance(sentences: Sequence[SentenceFacts], sentence_links: Sequence[float]) -> float:
    """How much the piece is about the relationship, in [0, 1]."""
    named = _named(sentences)
    evidence = 0.0
    body = 0
    for facts, link in zip(sentences, sentence_links, strict=True):
        if not facts.is_title:
            body += 1
        a, b = _sides(facts, named)
        if link <= 0 and not (a or b):
            continue
        relational = facts.cues > 0 or facts.relation > 0
        leisure = 0.3 if _leisure(facts) else 1.0
        if a and b:
            gain = (1.5 if relational else 0.5) * leisure
            if facts.listed:  # a list of countries, not a relationship
                gain *= 0.3
        elif link >= LINK_NEIGHBOUR_THIRD:
            gain = (0.3 + (0.15 if relational else 0.0)) * leisure
        elif link > LINK_THIRD_PARTY and relational:
            gain = 0.3 if (a or b) else 0.15
        else:
            gain = 0.0
        if facts.is_title:
            gain *= TITLE_GAIN
        evidence += gain
    if not (named.a and named.b):
        evidence *= 0.4
    # A piece where many sentences are about the match, the heat or the launch is about that, even in
    # its sentences without such words ("Baikonur has been leased by Russia from Kazakhstan since
    # 1994"): unless a sentence names both sides with a stance word outside that talk (a ban, a deal).
    # A sentence counts as topical when it has at least as many topic words as stance words ("lost to
    # Russia 1:4" is the match); a stance word that leaves no stance ("the meeting against Russia")
    # does not engage: "denied entry to a pop singer" does, and the piece is about the pair.
    topical = sum(1 for f in sentences if not f.is_title and _leisure(f)) / max(body, 4)
    engaged = any(
        f.cues and not _leisure(f) and abs(f.stance) >= ENGAGED_STANCE and all(_sides(f, named)) for f in sentences
    )
    if topical >= TOPICAL_SHARE and not engaged:
        evidence *= 1.0 - topical
    evidence *= pair_share(sentences, sentence_links)
    # The two sides never meet: never named in one sentence outside a list (an implied side counts:
    # "the northern neighbour", not the bloc), nor in neighbouring ones. Each is a party to something
    # else (Russia among the guarantors of talks on Syria held in Kazakhstan, Kazakhstan in the bloc).
    meet = any(
        link >= LINK_NEIGHBOUR_THIRD or (not f.listed and all(_sides(f, named, bloc=False)))
        for f, link in zip(sentences, sentence_links, strict=True)
    )
    if not meet:
        evidence *= APART
    density = evidence / max(body, 4)
    value = (1.0 - math.exp(-evidence / 2.0)) * min(1.0, 0.3 + 2.5 * density)
    return max(0.0, min(1.0, value))
