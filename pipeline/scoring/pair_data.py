"""What the scorer takes from the pair's own file besides names, and which data a score was made with.

The pair file's ``[relation.<lang>]`` words tie a piece to this relationship (Baikonur for
Kazakhstan–Russia, the Lachin corridor for Armenia–Russia); they join the language's generic
``relation`` words. The scorer version is the code's base plus a digest of every data file the
scorer reads, so an edited lexicon or pair file never mixes silently with older scores.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..resources import DEFAULT_PAIR, DataFileError, data_files, find_data_file
from .actors import Pair, pair_path
from .lexicon import LEXICONS, RELATION, UNION_MIN_LETTERS, cue_matcher, cue_set
from .model import MODEL_FILE, MODEL_KIND
from .patterns import Pattern, PatternMatcher, parse_pattern
from .stems import STEMS_FILE

DIGEST_CHARS = 6  # "stance-1.14+3f9a2c": enough to tell two edits apart, short enough to read


def _read_table(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataFileError(f"pair file {path} cannot be read: {err}") from err


@lru_cache(maxsize=8)
def relation_words(pair: Pair) -> dict[str, tuple[Pattern, ...]]:
    """Language code -> the pair's own relation patterns (``[relation.<lang>]``, word = weight);
    empty for a pair built in memory. Raises DataFileError naming the file when a weight is not a number."""
    if not pair.source:
        return {}
    path = pair_path(pair.source, pair.data_dir)
    out: dict[str, tuple[Pattern, ...]] = {}
    table = _read_table(path).get("relation", {})
    if not isinstance(table, dict):
        raise DataFileError(f"pair file {path}: [relation] must hold one table per language")
    for code, words in table.items():
        if not isinstance(words, dict):
            raise DataFileError(f"pair file {path}: [relation.{code}] must map words to weights")
        try:
            patterns = [parse_pattern(str(word), RELATION, float(weight)) for word, weight in words.items()]
        except (TypeError, ValueError) as err:
            raise DataFileError(
                f"pair file {path}: [relation.{code}] holds a weight that is not a number ({err})"
            ) from err
        out[code] = tuple(p for p in patterns if p is not None)
    return out


def relation_patterns(pair: Pair, language: str) -> tuple[Pattern, ...]:
    """The pair's relation words for a language: its own list; for a language without a cue file (scored
    with the union of all cue files) the union of the pair's lists, short one-word stems left out alike."""
    words = relation_words(pair)
    if language in words:
        return words[language]
    if find_data_file(LEXICONS, f"cues-{language}.toml", pair.data_dir or None) is not None:
        return ()
    return tuple(
        p
        for patterns in words.values()
        for p in patterns
        if len(p.words) > 1 or len(p.words[0].rstrip("*")) >= UNION_MIN_LETTERS
    )


@lru_cache(maxsize=64)
def pair_cue_matcher(language: str, pair: Pair) -> PatternMatcher:
    """The language's cue matcher with the pair's relation words added (one matcher, so that the pair's
    words and the language's compete for a position exactly as if they stood in one file)."""
    extra = relation_patterns(pair, language)
    if not extra:
        return cue_matcher(language, pair.data_dir)
    return PatternMatcher(cue_set(language, pair.data_dir).patterns + extra)


def _scorer_paths(data_dir: str) -> list[Path]:
    """The data files every pair is scored with: the lexicons and the stance model."""
    paths = list(data_files(LEXICONS, "*.toml", data_dir or None).values())
    models = [find_data_file(MODEL_KIND, name, data_dir or None) for name in (MODEL_FILE, STEMS_FILE)]
    return paths + [model for model in models if model]


def _pair_paths(source: str, data_dir: str) -> list[Path]:
    """Every data file the scorer reads for a pair: its pair file, the lexicons, the model."""
    try:
        return [*_scorer_paths(data_dir), pair_path(source, data_dir)]
    except DataFileError:
        return _scorer_paths(data_dir)  # a missing pair is reported by load_pair, which scoring calls first


def _digest(paths: Iterable[Path], extra: str = "") -> str:
    # File names and contents, not paths: a checkout and an installed wheel give the same version.
    h = hashlib.sha256(extra.encode("utf-8"))
    for path in sorted(paths, key=lambda p: (p.parent.name, p.name)):
        h.update(f"\0{path.parent.name}/{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:DIGEST_CHARS]


@lru_cache(maxsize=16)
def scorer_version(base: str, pair: Pair | None = None) -> str:
    """``base+digest``: the code's version and a digest of the data files scoring with ``pair`` reads
    (default: the package's ``kz-ru``). A pair built in memory is digested by its patterns."""
    if pair is None:
        return f"{base}+{_digest(_pair_paths(DEFAULT_PAIR, ''))}"
    if pair.source:
        return f"{base}+{_digest(_pair_paths(pair.source, pair.data_dir))}"
    patterns = repr(sorted((code, p.kind, p.words, p.weight) for code, ps in pair.patterns.items() for p in ps))
    return f"{base}+{_digest(_scorer_paths(pair.data_dir), pair.id + pair.title + patterns)}"


def pair_title(pair: str = "", data_dir: str = "") -> str:
    """The pair's ``title`` ("Armenia–Russia") from its file, read without checking the rest; the pair's
    name as given when the file cannot be read (a help text or a page title must still show)."""
    try:
        title = _read_table(pair_path(pair or None, data_dir)).get("title")
    except DataFileError:
        return pair or DEFAULT_PAIR
    return str(title) if title else (pair or DEFAULT_PAIR)


def watched_pair_title() -> str:
    """The title of the pair the environment names (BAROMETER_PAIR, BAROMETER_DATA_DIR), for the CLI's help
    and the browser tab's title, which must show whatever the settings' checks later find."""
    return pair_title(os.environ.get("BAROMETER_PAIR", ""), os.environ.get("BAROMETER_DATA_DIR", ""))
