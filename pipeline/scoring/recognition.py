"""What a recognition word governs: a claim, whose refusal is a step against the other side ("will not
recognise the annexation"), or a document, whose refusal is paperwork ("does not recognise Kazakh driving
licences"). The document words are data: ``pipeline/data/lexicons/recognition-objects.toml``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from ..resources import DataFileError, find_data_file, read_toml
from .lexicon import CUE, LEXICONS, RECOGNITION, CueSet
from .patterns import Match, normalise_word
from .scope import object_bounds, object_steps, suffix_negated

DOCUMENTS_FILE = "recognition-objects.toml"
DOCUMENTS_WHAT = "document words file"
DOCUMENT_WINDOW = 6  # the object's head stands this close: "recognise the results of Kazakh school exams"


@lru_cache(maxsize=8)
def _document_table(data_dir: str) -> dict[str, Any]:
    """The document words file, every language's table: the user's data directory's when it has one, else
    the package's; read once per directory."""
    path = find_data_file(LEXICONS, DOCUMENTS_FILE, data_dir or None)
    return read_toml(path, DOCUMENTS_WHAT) if path else {}


@lru_cache(maxsize=32)
def _documents(language: str, data_dir: str = "") -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """A language's document words (``*`` ends a stem), the words they must not take in («дипломат»),
    and where the object of a recognition word stands: "after" it, "before" it or "both"."""
    entry = _document_table(data_dir).get(language, {})
    words = [tuple(normalise_word(w) for w in entry.get(key, [])) for key in ("documents", "not_documents")]
    return words[0], words[1], str(entry.get("object", "after"))


def _directions(side: str) -> tuple[bool, ...]:
    """Where a recognition word's object is looked for: forward (after it), backward, or both ways."""
    return (True, False) if side == "both" else (side != "before",)


def _object_reach(m: Match, forward: bool, bounds: Sequence[bool]) -> Iterator[int]:
    """The positions of a recognition word's object on one side, nearest first: up to DOCUMENT_WINDOW
    words, in its clause (``bounds``: scope.object_bounds)."""
    for i in object_steps(m, forward, len(bounds), DOCUMENT_WINDOW):
        if bounds[i] if forward else bounds[i + 1]:
            return
        yield i


def _is(token: str, words: Sequence[str]) -> bool:
    return any(token.startswith(w[:-1]) if w.endswith("*") else token == w for w in words)


def claims_refused(
    tokens: Sequence[str], matches: Sequence[Match], cues: CueSet, clause_starts: Sequence[int], min_cue: float
) -> set[int]:
    """The recognition words (their token index) whose object, in their clause and before any stance cue
    of weight ``min_cue`` or more, names no document: refusing them is a step, not paperwork."""
    found = {m.start for m in matches if m.pattern.kind == RECOGNITION}
    documents, excluded, side = _documents(cues.language, cues.data_dir)
    if not documents or not found:
        return found
    bounds = object_bounds(tokens, clause_starts, cues)
    cue_at = [False] * len(tokens)
    for m in matches:
        if m.pattern.kind == CUE and abs(m.pattern.weight) >= min_cue and m.start not in found:
            cue_at[m.start] = True

    def document(i: int) -> bool:
        return _is(tokens[i], documents) and not _is(tokens[i], excluded)

    for m in matches:
        if m.start not in found:
            continue
        if any(document(i) for i in range(m.start + 1, m.end)):  # "erkennt die Diplome an": inside the verb
            found.discard(m.start)
        for forward in _directions(side):
            for i in _object_reach(m, forward, bounds):
                if cue_at[i]:
                    break  # a cue of its own ("the annexation and the documents")
                if document(i):
                    found.discard(m.start)
    return found


def refused_objects(
    tokens: Sequence[str],
    matches: Sequence[Match],
    cues: CueSet,
    clause_starts: Sequence[int],
    claims: set[int],
    negated: Sequence[bool],
) -> set[int]:
    """The token positions of what a recognition word of ``claims`` (claims_refused) governs when it is
    turned down (a negator, or a Kazakh negative form: «мойындамайды»), in its clause and within
    DOCUMENT_WINDOW words on the language's side: "does not recognise the annexation of Crimea". A conflict
    word there is the claim turned down, not a conflict denied ("there was no annexation")."""
    if not claims:
        return set()
    side = _documents(cues.language, cues.data_dir)[2]
    bounds = object_bounds(tokens, clause_starts, cues)
    found: set[int] = set()
    for m in matches:
        if m.pattern.kind != RECOGNITION or m.start not in claims:
            continue
        if not (negated[m.start] or suffix_negated(tokens, m, cues.negative_suffixes)):
            continue
        for forward in _directions(side):
            found.update(_object_reach(m, forward, bounds))
    return found


def check_documents(data_dir: str = "") -> str | None:
    """None when the document words file reads (or there is none), else why in words (read afresh)."""
    path = find_data_file(LEXICONS, DOCUMENTS_FILE, data_dir or None)
    if path is None:
        return None
    try:
        data = read_toml(path, DOCUMENTS_WHAT)
    except DataFileError as err:
        return str(err)
    for language, entry in data.items():
        if not isinstance(entry, dict):
            return f"document words file {path}: [{language}] must be a table"
        for key in ("documents", "not_documents"):
            words = entry.get(key, [])
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                return f"document words file {path}: [{language}] {key} must be a list of words"
        if entry.get("object", "after") not in ("after", "before", "both"):
            return f"document words file {path}: [{language}] object must be after, before or both"
    return None
