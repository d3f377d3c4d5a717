"""Word patterns from the data files, matched against token lists.

A pattern is one or more words; a word ending in ``*`` matches any token that starts with it
("rosj*" matches Rosji, Rosją, Rosję), a lone ``*`` after the first word matches any one word, ``...``
between two words matches up to ten words (free word order: "елші* ... шақыр*"), other words match
whole tokens. Hyphens in a pattern are word
breaks, like in the tokenizer. Chinese is written without spaces, so for matching every Han character
is a word of its own, in patterns and in tokens ("哈萨克斯坦" is found inside "中国和哈萨克斯坦"); other
scripts match whole tokens as before. Every distinct token is analysed once and cached, so matching a
long article costs a few dictionary look-ups per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SPLIT = re.compile(r"[\s\-‐-―]+")
_CACHE_LIMIT = 200_000
GAP = "..."  # in a pattern: up to GAP_WORDS words of anything ("елші* ... шақыр*": the envoy ... summoned)
GAP_WORDS = 10
# Han ideographs (CJK Unified Ideographs, Extension A, the compatibility block and the supplementary
# planes' extensions): each one is a word for matching, as a run of them is one token of the tokenizer.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_PIECES = re.compile(f"[{_HAN}]|[^{_HAN}]+")


def normalise_word(word: str) -> str:
    """Lower-case and fold ё to е, as the tokenizer does; composed as the scorer composes the text (NFC)."""
    return unicodedata.normalize("NFC", word).lower().replace("ё", "е").replace("’", "'")


@dataclass(frozen=True)
class Pattern:
    words: tuple[str, ...]  # normalised words, prefix words keep their trailing "*"
    kind: str  # what the match means: "a", "b", "both", "other", "cooperation", "negator", ...
    weight: float = 1.0
    source: str = ""  # the pattern as written in the data file

    @property
    def specificity(self) -> tuple[int, int]:
        return len(self.words), sum(len(w.rstrip("*")) for w in self.words)


def han_words(token: str) -> list[str]:
    """The words of a token for matching: each Han character alone, the rest as it stands
    ("中国和哈萨克斯坦" -> 8 words, "中亚cis" -> "中", "亚", "cis"); a token without Han is one word."""
    if not _HAN_CHAR.search(token):
        return [token]
    return _HAN_PIECES.findall(token)


def _pattern_words(word: str) -> list[str]:
    """A pattern word split at Han characters; a final ``*`` stays on the last piece ("哈萨克*" ->
    "哈", "萨", "克*"), where it means what it means on any word."""
    if not _HAN_CHAR.search(word):
        return [word]
    stem, star = (word[:-1], "*") if word.endswith("*") else (word, "")
    pieces = han_words(stem)
    return [*pieces[:-1], pieces[-1] + star]


def parse_pattern(text: str, kind: str, weight: float = 1.0) -> Pattern | None:
    """Turn ``"territorial claim*"`` into a Pattern; None for an empty string."""
    words = tuple(p for w in _SPLIT.split(normalise_word(text.strip())) if w for p in _pattern_words(w))
    if not words or words[0] in ("*", GAP) or words[-1] == GAP:
        return None
    return Pattern(words=words, kind=kind, weight=float(weight), source=text)


def _word_matches(word: str, token: str) -> bool:
    if word == "*":  # any one word: "wezwa* * ambasador*" = "wezwała rosyjskiego ambasadora"
        return True
    if word.endswith("*"):
        return token.startswith(word[:-1])
    return token == word


def _match_end(words: Sequence[str], tokens: Sequence[str], i: int) -> int | None:
    """Where a pattern whose first word matched ``tokens[i]`` ends, or None when the rest fails."""
    if GAP not in words:
        n = len(words)
        if i + n > len(tokens) or not all(_word_matches(w, tokens[i + k]) for k, w in enumerate(words[1:], 1)):
            return None
        return i + n
    return _match_gapped(words, 1, tokens, i + 1)


def _match_gapped(words: Sequence[str], w: int, tokens: Sequence[str], t: int) -> int | None:
    # Patterns hold at most a few gaps, each trying at most GAP_WORDS + 1 lengths: bounded work.
    if w == len(words):
        return t
    if words[w] == GAP:
        for skip in range(GAP_WORDS + 1):
            if t + skip > len(tokens):
                break
            end = _match_gapped(words, w + 1, tokens, t + skip)
            if end is not None:
                return end
        return None
    if t < len(tokens) and _word_matches(words[w], tokens[t]):
        return _match_gapped(words, w + 1, tokens, t + 1)
    return None


@dataclass(frozen=True)
class Match:
    start: int  # token index
    end: int  # token index after the match
    pattern: Pattern


class PatternMatcher:
    """Finds, for each kind, the most specific non-overlapping matches in a token list."""

    def __init__(self, patterns: Iterable[Pattern]):
        self._exact: dict[str, list[Pattern]] = {}
        self._prefix: dict[str, list[Pattern]] = {}
        lengths = set()
        for pattern in patterns:
            first = pattern.words[0]
            if first.endswith("*"):
                stem = first[:-1]
                self._prefix.setdefault(stem, []).append(pattern)
                lengths.add(len(stem))
            else:
                self._exact.setdefault(first, []).append(pattern)
        self._lengths = sorted(lengths)
        self._cache: dict[str, tuple[Pattern, ...]] = {}
        self._pairs: dict[tuple[str, str | None], tuple[Pattern, ...]] = {}

    def candidates(self, token: str) -> tuple[Pattern, ...]:
        """Patterns whose first word matches ``token``, most specific first."""
        found = self._cache.get(token)
        if found is not None:
            return found
        hits = list(self._exact.get(token, ()))
        for length in self._lengths:
            if length > len(token):
                break
            hits.extend(self._prefix.get(token[:length], ()))
        hits.sort(key=lambda p: p.specificity, reverse=True)
        found = tuple(hits)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = found
        return found

    def _candidates_at(self, tokens: Sequence[str], i: int) -> tuple[Pattern, ...]:
        """Candidates at ``tokens[i]`` whose second word (if any) matches the next token. Cached by
        the pair of tokens, so a run of "не" or "not" does not try every phrase they open each time."""
        found = self.candidates(tokens[i])
        if not found or len(found[0].words) == 1:  # most specific first: no phrase here
            return found
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        key = (tokens[i], following)
        hit = self._pairs.get(key)
        if hit is None:
            hit = tuple(
                p
                for p in found
                if len(p.words) == 1
                or p.words[1] == GAP
                or (following is not None and _word_matches(p.words[1], following))
            )
            if len(self._pairs) > _CACHE_LIMIT:
                self._pairs.clear()
            self._pairs[key] = hit
        return hit

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """All matches, at most one per kind at each position, without overlaps within a kind; a match
        inside a run of Han characters is reported on the token that holds it."""
        if not _HAN_CHAR.search("".join(tokens)):  # one pass in C: most texts hold no Han
            return self._find(tokens)
        words: list[str] = []
        origin: list[int] = []  # the token each word comes from
        for i, token in enumerate(tokens):
            pieces = han_words(token)
            words.extend(pieces)
            origin.extend([i] * len(pieces))
        return [Match(origin[m.start], origin[m.end - 1] + 1, m.pattern) for m in self._find(words)]

    def _find(self, tokens: Sequence[str]) -> list[Match]:
        matches: list[Match] = []
        covered: dict[str, int] = {}
        for i in range(len(tokens)):
            candidates = self._candidates_at(tokens, i)
            if not candidates:
                continue
            seen_kinds: set[str] = set()
            for pattern in candidates:
                kind = pattern.kind
                if kind in seen_kinds or covered.get(kind, 0) > i:
                    continue
                end = _match_end(pattern.words, tokens, i)
                if end is None:
                    continue
                seen_kinds.add(kind)
                covered[kind] = end
                matches.append(Match(i, end, pattern))
        return matches
