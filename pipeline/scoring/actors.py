"""The pair of countries being watched, loaded once from ``pipeline/data/actors/<pair>.toml``.

The pair is passed in explicitly (``Settings.pair``, default ``kz-ru``, names the file; nothing here
reads the environment). Nothing here knows which countries they are; side "a" and side "b" are
whatever the file says.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, SupportsIndex

from ..resources import DEFAULT_PAIR, PACKAGE_DATA, DataFileError, data_dirs, find_data_file
from .lexicon import TomlTable, check_lexicons
from .model import check_model
from .patterns import Match, Pattern, PatternMatcher, parse_pattern
from .recognition import check_documents
from .stems import check_stems

ACTORS_DIR = PACKAGE_DATA / "actors"
ACTORS = "actors"

# Kinds of actor pattern: the two sides, phrases naming both at once, and third parties.
SIDE_A, SIDE_B, BOTH, OTHER = "a", "b", "both", "other"
WEAK_A, WEAK_B = "a~", "b~"  # a language or ethnic group rather than the state
IMPLIED_A, IMPLIED_B = "a^", "b^"  # an epithet or institution ("the northern neighbour")
BLOC_A, BLOC_B = "a^bloc", "b^bloc"  # a bloc the side leads ("the EAEU"): implied, but the bloc is not the side
RECOGNISED_A, RECOGNISED_B = "a?", "b?"  # a side's claim, where recognising it is the news ("the annexed regions")
NAMED_AFTER = "~"  # a thing named after a side's place, not the side: "the Astana process" on Syria
ANY_LANGUAGE = "*"  # patterns listed once for every language
THIRD = "@"  # prefix of a third country's own kind ("@china"), to tell one third party from another


# eq=False: a pair is hashed by identity, so the matcher caches can key on it (loaded pairs are cached).
@dataclass(frozen=True, eq=False)
class Pair:
    id: str
    title: str
    labels: tuple[str, str]
    # language code -> patterns of kinds a / b / both / other
    patterns: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)
    source: str = ""  # what it was loaded by (an id or a .toml path); "" when built in memory
    data_dir: str = ""  # the user's data directory it was loaded with: its lexicons come first too

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        # A loaded pair travels to a worker process as its name and is read (once, cached) there: a
        # few bytes per page instead of every pattern, and one matcher cache per worker.
        if self.source:
            return (load_pair, (self.source, self.data_dir))
        return super().__reduce_ex__(protocol)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(code for code in self.patterns if code != ANY_LANGUAGE))

    def patterns_for(self, language: str) -> tuple[Pattern, ...]:
        """Patterns for a language plus the English ones (names travel); all of them if unknown."""
        shared = self.patterns.get(ANY_LANGUAGE, ())
        if language in self.patterns:
            extra = self.patterns.get("en", ()) if language != "en" else ()
            return self.patterns[language] + extra + shared
        merged: list[Pattern] = list(shared)
        for code in self.languages:
            merged.extend(self.patterns[code])
        return tuple(merged)


def pair_path(pair_id: str | None = None, data_dir: str = "") -> Path:
    """The data file of a pair (default ``kz-ru``): a ``.toml`` path as given, else ``<id>.toml`` in the
    user's data directory's ``actors/`` or the package's. Raises DataFileError when there is none."""
    name = pair_id or DEFAULT_PAIR
    if name.endswith(".toml"):
        if not Path(name).is_file():
            raise DataFileError(f"pair file {name} not found")
        return Path(name)
    path = find_data_file(ACTORS, f"{name}.toml", data_dir) if Path(name).name == name else None
    if path is None:
        searched = " or ".join(str(d) for d in data_dirs(ACTORS, data_dir))
        raise DataFileError(
            f"pair file {name}.toml not found in {searched} (the pair setting, BAROMETER_PAIR, names a file "
            "there or a .toml path)"
        )
    return path


def parse_pair(data: TomlTable, pair_id: str = "") -> Pair:
    """Build a Pair from the parsed TOML of an actors file."""
    sides = data.get("sides", {})
    side_a, side_b = sides.get("a", {}), sides.get("b", {})
    patterns: dict[str, list[Pattern]] = {}

    def add(kind: str, table: TomlTable) -> None:
        for code, words in table.items():
            if not isinstance(words, list):
                continue
            for word in words:
                pattern = parse_pattern(str(word), kind)
                if pattern is not None:
                    patterns.setdefault(code, []).append(pattern)

    add(SIDE_A, side_a)
    add(SIDE_B, side_b)
    add(BOTH, data.get("both", {}))
    weak = data.get("weak", {})
    add(WEAK_A, weak.get("a", {}))
    add(WEAK_B, weak.get("b", {}))
    add(OTHER, data.get("others", {}))
    add(NAMED_AFTER, data.get("named_after", {}))
    implied = data.get("implied", {})
    add(IMPLIED_A, implied.get("a", {}))
    add(IMPLIED_B, implied.get("b", {}))
    bloc = data.get("bloc", {})
    add(BLOC_A, bloc.get("a", {}))
    add(BLOC_B, bloc.get("b", {}))
    for country, words in data.get("third_countries", {}).items():
        add(THIRD + country, {ANY_LANGUAGE: words})  # names travel: one list for every language
    proxies = data.get("proxies", {})  # "will not recognise the DNR": a stance towards Russia
    add(SIDE_A, proxies.get("a", {}))
    add(SIDE_B, proxies.get("b", {}))
    # "Astana will not recognise the annexed regions": in a sentence about recognising them, the other side's
    # claims stand for that side; elsewhere they are the third country they belong to.
    recognised = data.get("recognised", {})
    add(RECOGNISED_A, {ANY_LANGUAGE: recognised.get("a", [])})
    add(RECOGNISED_B, {ANY_LANGUAGE: recognised.get("b", [])})
    return Pair(
        id=str(data.get("id", pair_id)),
        title=str(data.get("title", pair_id)),
        labels=(str(side_a.get("label", "a")), str(side_b.get("label", "b"))),
        patterns={code: tuple(p) for code, p in patterns.items()},
    )


def load_pair(pair: Pair | str | os.PathLike[str] | None = None, data_dir: str = "") -> Pair:
    """The pair to score with: a Pair as given, else its data file (an id, default ``kz-ru``, or a .toml
    path) read, checked with the lexicons it will be scored with, and cached.

    Raises DataFileError, naming the file and the reason, when the pair file or a lexicon is missing
    or broken: that would otherwise give every article a quiet neutral score.
    """
    if isinstance(pair, Pair):
        return pair
    source = os.fspath(pair) if pair else DEFAULT_PAIR  # a Path to a .toml as its string
    try:
        return _load_pair(source, data_dir)
    except DataFileError:
        # A pair read from a .toml path (BAROMETER_PAIR=/path/x.toml) is known by its id afterwards in
        # this process: the database and the dashboard name it by id, and no data directory holds it.
        if source in _READ_FROM_FILES:
            return _READ_FROM_FILES[source]
        raise


def check_pair(pair: str | None = None, data_dir: str = "") -> str | None:
    """None when the pair's data file loads and names both sides (and the lexicons load), else the
    reason in words. Read afresh each time (not cached), for the CLI's and the dashboard's start."""
    try:
        _read_pair(str(pair_path(pair, data_dir)), pair or DEFAULT_PAIR, data_dir)
    except DataFileError as err:
        return str(err)
    return None


def _read_pair(path: str, source: str, data_dir: str) -> Pair:
    try:
        with open(path, "rb") as handle:
            pair = parse_pair(tomllib.load(handle), Path(path).stem)
    except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError) as err:
        raise DataFileError(f"pair file {path} cannot be read: {err}") from err
    sides = {code for code, patterns in pair.patterns.items() for p in patterns if p.kind in (SIDE_A, SIDE_B)}
    kinds = {p.kind for patterns in pair.patterns.values() for p in patterns}
    if not {SIDE_A, SIDE_B} <= kinds or not sides:
        raise DataFileError(f"pair file {path} does not name both sides (sides.a and sides.b lists)")
    if problem := check_lexicons(data_dir):  # the cue files are data too: a typo there would zero a language
        raise DataFileError(problem)
    if problem := check_model(data_dir) or check_stems(data_dir) or check_documents(data_dir):  # and their side files
        raise DataFileError(problem)
    return replace(pair, source=source, data_dir=data_dir)


@lru_cache(maxsize=8)
def _load_pair(source: str, data_dir: str) -> Pair:
    # Keyed on what was asked, so that scoring an article with a pair id costs no look at the disk.
    pair = _read_pair(str(pair_path(source, data_dir)), source, data_dir)
    if source.endswith(".toml"):
        _READ_FROM_FILES[pair.id] = pair
    return pair


#: The pairs read from a .toml path in this process, by id (``load_pair`` finds them by id afterwards).
_READ_FROM_FILES: dict[str, Pair] = {}


def actor_matcher(language: str, pair: Pair | str | None = None) -> PatternMatcher:
    """A matcher for the pair's actor patterns in one language (cached per pair and language)."""
    return _actor_matcher(language, load_pair(pair))


@lru_cache(maxsize=64)
def _actor_matcher(language: str, pair: Pair) -> PatternMatcher:
    return PatternMatcher(pair.patterns_for(language))


def claims_as_sides(matches: list[Match], recognising: bool) -> list[Match]:
    """The actor matches with the other side's claims ("the annexed regions") read as that side when the
    sentence is about recognising them, and left out otherwise (their country's own name still counts)."""
    claims = [m for m in matches if m.pattern.kind in (RECOGNISED_A, RECOGNISED_B)]
    if not claims:
        return matches
    kept = [m for m in matches if m.pattern.kind not in (RECOGNISED_A, RECOGNISED_B)]
    if not recognising:
        return kept
    at = {m.start for m in claims}
    kept = [m for m in kept if m.start not in at]  # "Donetsk" is the claim here, not Ukraine
    side = {RECOGNISED_A: SIDE_A, RECOGNISED_B: SIDE_B}
    return sorted(
        kept + [replace(m, pattern=replace(m.pattern, kind=side[m.pattern.kind])) for m in claims],
        key=lambda m: m.start,
    )


def find_actors(tokens: list[str], matcher: PatternMatcher) -> list[Match]:
    """Actor matches; a weak name ("Russian-language") hides the plain name matched on its words, and a
    name given to something else ("the Astana process", the talks on Syria held there) hides it and
    names nobody."""
    matches = matcher.find(tokens)
    hiding = [(m.start, m.end) for m in matches if m.pattern.kind in (WEAK_A, WEAK_B, NAMED_AFTER)]
    if not hiding:
        return matches
    return [
        m
        for m in matches
        if m.pattern.kind != NAMED_AFTER
        and (m.pattern.kind not in (SIDE_A, SIDE_B) or not any(s <= m.start < e for s, e in hiding))
    ]


# What may stand between two items of a list of countries: a comma and/or a conjunction.
_LIST_GAP = re.compile(r"^[\s,;]*(?:and|or|und|et|и|или|і|та|i|oraz|lub|және|мен|бен|пен|немесе)?[\s,;]*$")


def in_a_list(matches: list[Match], sentence: str, spans: list[tuple[int, int]], min_items: int = 3) -> bool:
    """True when one of the pair is an item in a comma-separated run of country names ("Russia,
    Belarus, Kazakhstan and Uzbekistan"): ``min_items`` names or more, a third country among them."""
    names = sorted((m for m in matches if m.pattern.kind in (SIDE_A, SIDE_B, OTHER)), key=lambda m: m.start)
    text = sentence.lower()
    runs: list[list[Match]] = []
    for m in names:
        if runs:
            gap = text[spans[runs[-1][-1].end - 1][1] : spans[m.start][0]]
            if _LIST_GAP.match(gap):
                runs[-1].append(m)
                continue
        runs.append([m])
    for run in runs:
        if len(run) < min_items or not any(r.pattern.kind == OTHER for r in run):
            continue
        if any(r.pattern.kind != OTHER for r in run):
            first, last = spans[run[0].start][0], spans[run[-1].end - 1][1]
            if "," in text[first:last]:
                return True
    return False


# What joins two parties into one pair: a conjunction or "with" alone ("Kazakhstan and Ukraine", «Казахстана
# с Украиной», «Қазақстан мен Украина»).
_PAIR_GAP = re.compile(r"^\s*(?:and|und|et|ve|va|with|и|с|со|і|та|з|i|oraz|z|ze|және|мен|бен|пен|bilan)\s*$")
BOTH_NEAR = 3  # "bilateral relations between Kazakhstan and ...": at most this many words from the pair it names


def joined_to_a_third(matches: list[Match], sentence: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The tokens (start, end) of one side joined by a conjunction to a third country, the other side unnamed
    ("Georgia and Russia fought a brief war"); None when there is no such pair."""
    kinds = {m.pattern.kind for m in matches}
    if (SIDE_A in kinds) == (SIDE_B in kinds):
        return None
    parties: dict[int, Match] = {}  # one name per position: a third country is matched as "other" and "@country"
    for m in sorted(matches, key=lambda m: m.start):
        if m.pattern.kind in (SIDE_A, SIDE_B, OTHER) or m.pattern.kind.startswith(THIRD):
            parties.setdefault(m.start, m)
    text = sentence.lower()
    for left, right in itertools.pairwise(parties.values()):
        if (
            (left.pattern.kind in (SIDE_A, SIDE_B)) != (right.pattern.kind in (SIDE_A, SIDE_B))
            and left.end <= right.start
            and _PAIR_GAP.match(text[spans[left.end - 1][1] : spans[right.start][0]])
        ):
            return left.start, right.end
    return None


def both_is_another_pair(matches: list[Match], joined: tuple[int, int]) -> bool:
    """True when "bilateral" or "the two countries" names, within BOTH_NEAR words, the pair ``joined`` (one side
    joined to a third country, the other side unnamed: `joined_to_a_third`): "bilateral relations between
    Kazakhstan and Ukraine" are not the watched pair's, though the piece is about a strike on a pipeline in
    Russia; "the two presidents also discussed transit through Kazakhstan and Uzbekistan" still are."""
    start, end = joined
    return any(
        m.pattern.kind == BOTH and (0 <= start - m.end <= BOTH_NEAR or 0 <= m.start - end <= BOTH_NEAR) for m in matches
    )


def sides_in(tokens: list[str], language: str, pair: Pair | str | None = None) -> set[str]:
    """Which of "a", "b", "a~", "b~", "both", "other" the tokens name (for tests and tools)."""
    return {m.pattern.kind for m in find_actors(tokens, actor_matcher(language, pair))}
