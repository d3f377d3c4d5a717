"""py3langid's model, unpacked once per user: the package ships it LZMA-compressed, and unpacking it
costs half a second of CPU in every process that detects a language; an unpacked copy in the user's
cache directory loads in a tenth of that."""

from __future__ import annotations

import hashlib
import logging
import lzma
import os
import shutil
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import _to_array

logger = logging.getLogger(__name__)

#: What py3langid's loader reads from the model (modelio.load_model), in its order.
_KEYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def cache_dir() -> Path:
    """Where unpacked models are kept: ``$XDG_CACHE_HOME/bilateral-barometer`` (``~/.cache/…``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bilateral-barometer"


def cached_model_path(model: Path = MODEL_DIR / MODEL_FILE) -> Path:
    """The unpacked copy of ``model``, named after py3langid's version and the file's size and time,
    so an upgrade of py3langid unpacks its own model instead of reading a stale one."""
    try:
        release = version("py3langid")
    except PackageNotFoundError:
        release = "unknown"
    info = model.stat()
    key = hashlib.sha256(f"{release}:{model.resolve()}:{info.st_size}:{info.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / f"py3langid-{release}-{key}.npz"


def load_identifier(*, norm_probs: bool = True) -> LanguageIdentifier:
    """py3langid's LanguageIdentifier on its own model, read from the unpacked copy (made on first use).

    Whatever goes wrong with the copy (no cache directory, a full disk, a damaged file), the model is
    read from the package as py3langid itself would, so language detection never depends on the cache.
    """
    model = MODEL_DIR / MODEL_FILE
    try:
        path = cached_model_path(model)
        try:
            ptc, pc, classes, nextmove, row, output = _read(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # not unpacked yet, or damaged: (re)unpack
            _unpack(model, path)
            ptc, pc, classes, nextmove, row, output = _read(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, lzma.LZMAError) as err:
        logger.debug("unpacked language model unusable (%s): reading %s", err, model)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=norm_probs)
    # as LanguageIdentifier.from_model_file builds it from the same arrays
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs, tk_row=row)


def _unpack(model: Path, path: Path) -> None:
    """Decompress ``model`` to ``path`` through a temporary file in the same directory: a reader never
    sees half a file, and two processes unpacking at once both end with a whole one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".unpacking-", suffix=".npz", delete=False) as tmp:
        try:
            with lzma.open(model) as src:
                shutil.copyfileobj(src, tmp, length=1 << 20)
        except BaseException:
            Path(tmp.name).unlink(missing_ok=True)
            raise
    os.replace(tmp.name, path)


def _read(path: Path) -> tuple[np.ndarray, np.ndarray, list[str], object, object, list[int]]:
    """The arrays py3langid's modelio.load_model returns, from an unpacked (plain npz) model file."""
    with np.load(path, allow_pickle=False) as data:
        missing = set(_KEYS).difference(data.files)
        if missing:
            raise KeyError(f"{path} lacks {sorted(missing)}")
        return (
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            _to_array(data["nextmove"]),
            _to_array(data["nextmove_row"]),
            data["out_feat"].tolist(),
        )
