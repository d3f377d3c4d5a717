"""The stance model: a linear weighing of the scorer's features (``features.py``), read from a data file.

``pipeline/data/model/stance.toml`` holds one weight per feature, learnt from the real-article ledgers
by ``scripts/train_scorer_model.py``. An article's tension is ``tanh(w . x)``, ``x`` its feature
vector; a sentence's share of it is its own row's part, so the shares add up to the tension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..resources import DataFileError, data_dirs, find_data_file, read_toml
from .features import FEATURES

MODEL_KIND = "model"
MODEL_FILE = "stance.toml"
# The rule scorer before the model (stance-1.13): tanh(0.9 x (stance - 0.4 x tone)), whichever cue moved it.
RULE_WEIGHTS = {"tension_stance": 0.9, "cooperation_stance": 0.9, "tone": -0.36}


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]  # one per features.FEATURES, in that order
    source: str = ""  # the file it was read from ("" for the rule weights)
    trained_on: tuple[str, ...] = ()
    trained: str = ""  # date of training

    def dot(self, row: tuple[float, ...]) -> float:
        return sum(w * x for w, x in zip(self.weights, row, strict=True) if x)

    def contributions(self, vector: tuple[float, ...]) -> dict[str, float]:
        """Each feature's part of ``w . x`` (before the tanh): the article's explanation."""
        return {name: w * x for name, w, x in zip(FEATURES, self.weights, vector, strict=True) if w * x}


def rule_model() -> Model:
    """The rule scorer's own weighing, as a model (the baseline the trained one is measured against)."""
    return Model(tuple(RULE_WEIGHTS.get(name, 0.0) for name in FEATURES))


def parse_model(data: dict[str, object], source: str) -> Model:
    """A Model from a parsed model file; DataFileError naming the file and what is wrong with it."""
    weights = data.get("weights")
    if not isinstance(weights, dict):
        raise DataFileError(f"model file {source} has no [weights] table")
    unknown = sorted(set(weights) - set(FEATURES))
    missing = [name for name in FEATURES if name not in weights]
    if unknown or missing:
        raise DataFileError(
            f"model file {source} does not match the scorer's features: "
            + "; ".join(
                p
                for p in (
                    f"unknown {', '.join(unknown)}" if unknown else "",
                    f"missing {', '.join(missing)}" if missing else "",
                )
                if p
            )
        )
    bad = [n for n in FEATURES if isinstance(weights[n], bool) or not isinstance(weights[n], int | float)]
    bad += [n for n in FEATURES if n not in bad and not math.isfinite(weights[n])]
    if bad:
        raise DataFileError(f"model file {source}: the weights of {', '.join(bad)} are not finite numbers")
    trained_on = data.get("trained_on", [])
    if not isinstance(trained_on, list) or not all(isinstance(t, str) for t in trained_on):
        raise DataFileError(f"model file {source}: trained_on must be a list of ledger names")
    return Model(tuple(float(weights[n]) for n in FEATURES), source, tuple(trained_on), str(data.get("trained", "")))


@lru_cache(maxsize=8)
def load_model(data_dir: str = "") -> Model:
    """The stance model of the data directory (the user's first, then the package's), read once."""
    return _read_model(data_dir)


def check_model(data_dir: str = "") -> str | None:
    """None when the model file reads, else why in words (read afresh: for the pair's check at start)."""
    try:
        _read_model(data_dir)
    except DataFileError as err:
        return str(err)
    return None


def _read_model(data_dir: str) -> Model:
    path = find_data_file(MODEL_KIND, MODEL_FILE, data_dir or None)
    if path is None:
        searched = " or ".join(str(d) for d in data_dirs(MODEL_KIND, data_dir or None))
        raise DataFileError(f"no model file {MODEL_FILE} in {searched}: the package's data files are missing")
    return read_model(path)


def read_model(path: Path) -> Model:
    return parse_model(read_toml(path, "model file"), str(path))
