"""Learn the stance model's weights from the real-article ledgers and write pipeline/data/model/stance.toml.

    python scripts/train_scorer_model.py [--caches DIR ...] [--free NAME ...] [--penalty L] [--dry-run]

The model (pipeline/scoring/model.py) is tanh(w . x) over the scorer's features. The weights are a
logistic regression of the labelled tension (+1) and cooperation (-1) items on x, pulled towards the
rule scorer's own weights by an L2 penalty (a few hundred items: only what all the ledgers agree on
should move it); only the ``free`` features are learnt, the others keep the rule's weight. How much to
pull (the penalty) is chosen by leave-one-ledger-out inside the training ledgers. See
benchmarks/cross_ledger.py for the out-of-sample comparison, docs/evaluation.md for the figures.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.scoring.features import FEATURES  # noqa: E402
from pipeline.scoring.model import MODEL_FILE, RULE_WEIGHTS  # noqa: E402

PENALTIES = (1.0, 3.0, 10.0, 30.0, 100.0)  # the L2 pulls tried, per item of training data x 100
STRONG = 2.0  # a strength-2 item (a clear act) weighs this much more than a strength-1 one
# What is learnt by default: the lean of a cued sentence (the sign threshold), the two sides of the
# stance, and the cue classes that decide a sign out of sample (chosen by benchmarks/cross_ledger.py).
DEFAULT_FREE = tuple(FEATURES)
PRIOR = np.array([RULE_WEIGHTS.get(name, 0.0) for name in FEATURES])


def signed(items: Sequence) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, y (+1 tension, -1 cooperation) and item weights of the relevant, signed items."""
    chosen = [i for i in items if i.row["relevant"] == "1" and i.row["label"] in ("tension", "cooperation")]
    x = np.array([i.vector for i in chosen], dtype=float).reshape(len(chosen), len(FEATURES))
    y = np.array([1.0 if i.row["label"] == "tension" else -1.0 for i in chosen])
    w = np.array([STRONG if abs(float(i.row["strength"] or 0)) >= 2 else 1.0 for i in chosen])
    return x, y, w


def fit(items: Sequence, free: Sequence[str] = DEFAULT_FREE, penalty: float = 10.0) -> np.ndarray:
    """The weights minimising the weighted logistic loss of tanh(w . x) plus penalty x n/100 x |w - rule|^2
    over the free features (Newton's method; the loss is convex, so it converges in a few steps)."""
    x, y, c = signed(items)
    idx = [FEATURES.index(name) for name in free]
    beta = PRIOR.copy()
    if not len(y) or not idx:
        return beta
    lam = penalty * len(y) / 100.0
    xf = x[:, idx]
    for _ in range(50):
        z = 2.0 * (x @ beta)  # tanh(s) = 2 sigmoid(2 s) - 1: the logit of "tension" is 2 w . x
        p = 1.0 / (1.0 + np.exp(-y * z))
        grad = -(c * y * (1.0 - p) * 2.0) @ xf + lam * (beta[idx] - PRIOR[idx])
        hess = (xf * (c * 4.0 * p * (1.0 - p))[:, None]).T @ xf + lam * np.eye(len(idx))
        step = np.linalg.solve(hess, grad)
        beta[idx] -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def sign_rate(beta: np.ndarray, items: Sequence) -> float:
    x, y, _ = signed(items)
    t = np.round(np.tanh(x @ beta), 4)
    return float(np.mean(np.where(y > 0, t > 0.05, t < -0.05))) if len(y) else float("nan")


def choose_penalty(items: Sequence, free: Sequence[str]) -> float:
    """The penalty with the best mean sign rate over leave-one-ledger-out within ``items`` (ties: stronger)."""
    ledgers = sorted({i.ledger for i in items})
    if len(ledgers) < 2:
        return PENALTIES[-1]
    scores = []
    for penalty in PENALTIES:
        rates = [
            sign_rate(
                fit([i for i in items if i.ledger != held], free, penalty), [i for i in items if i.ledger == held]
            )
            for held in ledgers
        ]
        scores.append((float(np.nanmean(rates)), penalty))
    return max(scores)[1]


def write_model(
    path: Path, beta: np.ndarray, ledgers: Sequence[str], free: Sequence[str], penalty: float, n: int
) -> None:
    lines = [
        "# The stance model (pipeline/scoring/model.py): tension = tanh(sum of weight x feature), features in",
        "# pipeline/scoring/features.py. Written by scripts/train_scorer_model.py; do not edit by hand, retrain.",
        f"# Learnt: {', '.join(free)}; the others keep the rule scorer's weights (stance-1.13).",
        f"# {n} labelled items, logistic loss, L2 pull to the rule weights of {penalty:g} (chosen by",
        "# leave-one-ledger-out inside the training ledgers).",
        f"trained_on = [{', '.join(repr(name).replace(chr(39), chr(34)) for name in ledgers)}]",
        f'trained = "{datetime.date.today().isoformat()}"',
        "",
        "[weights]",
        *(f"{name} = {value:.4f}" for name, value in zip(FEATURES, beta, strict=True)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import cross_ledger  # the ledgers and their caches, loaded the way the benchmark loads them

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cross_ledger.add_cache_arguments(parser)
    parser.add_argument("--free", nargs="+", default=list(DEFAULT_FREE), choices=FEATURES, metavar="FEATURE")
    parser.add_argument("--penalty", type=float, help="the L2 pull (default: chosen by leave-one-ledger-out)")
    parser.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "model" / MODEL_FILE)
    parser.add_argument("--dry-run", action="store_true", help="print the weights, write nothing")
    args = parser.parse_args(argv)
    items = cross_ledger.load(cross_ledger.ledgers_from(args, parser))
    penalty = args.penalty if args.penalty is not None else choose_penalty(items, args.free)
    beta = fit(items, args.free, penalty)
    x, _, _ = signed(items)
    for name, value in sorted(zip(FEATURES, beta, strict=True), key=lambda p: -abs(p[1])):
        print(f"{name:>20} {value:+.4f}")
    print(f"penalty {penalty:g}; {len(x)} signed items; in-sample sign rate {sign_rate(beta, items):.1%}")
    if not args.dry_run:
        names = sorted({i.ledger for i in items})
        write_model(args.out, beta, names, args.free, penalty, len(x))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
