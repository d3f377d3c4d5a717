"""Where the package's own data lives: lexicons, pairs and the demo, inside the package.

Found through ``importlib.resources`` so an installed wheel (or a cluster worker) reads the same
files as a checkout; a user's own data directory (``BAROMETER_DATA_DIR``) comes first, file by file.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

# setuptools installs the package as plain files, so the traversable is a real directory.
PACKAGE_DATA = Path(str(resources.files("pipeline").joinpath("data")))
DEFAULT_PAIR = "kz-ru"


class DataFileError(ValueError):
    """A data file the scorer needs (a pair, a lexicon) is missing or cannot be read; names it."""


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A data file's table; DataFileError "``what`` ``path`` cannot be read: reason" when it is unreadable,
    not UTF-8 or not TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise DataFileError(f"{what} {path} cannot be read: {err}") from err


def data_dirs(kind: str, data_dir: str | Path | None = None) -> tuple[Path, ...]:
    """The directories searched for ``kind`` ("actors", "lexicons"): the user's first, then the package's."""
    package = PACKAGE_DATA / kind
    return (Path(data_dir) / kind, package) if data_dir else (package,)


def find_data_file(kind: str, name: str, data_dir: str | Path | None = None) -> Path | None:
    """The first ``<dir>/<kind>/<name>`` that exists (the user's data directory before the package's)."""
    for directory in data_dirs(kind, data_dir):
        if (directory / name).is_file():
            return directory / name
    return None


def data_files(kind: str, pattern: str, data_dir: str | Path | None = None) -> dict[str, Path]:
    """File name -> path of every file matching ``pattern``; a user's file hides the package's of that name."""
    found: dict[str, Path] = {}
    for directory in reversed(data_dirs(kind, data_dir)):
        found.update({p.name: p for p in directory.glob(pattern)})
    return dict(sorted(found.items()))
