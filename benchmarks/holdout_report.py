"""Misclassified items of a labelled set, with the scorer's evidence sentences.

    python benchmarks/holdout_report.py [tests/data/holdout.jsonl] [--all]

An item is listed when
  * it is labelled tension and its tension is not > 0, or cooperation and not < 0 (sign wrong);
  * it is off-topic and its relevance is >= 0.3;
  * it is on topic (tension / cooperation / mixed) and its relevance is < 0.3.
``--all`` also prints the scores of every mixed item (not counted as failures). Standard library
and the project's own package only; the language is detected, as in ``pipeline.scoring.evaluate``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import score_article  # noqa: E402

DEFAULT = ROOT / "tests" / "data" / "holdout.jsonl"
RELEVANCE_CUT = 0.3
ON_TOPIC = ("tension", "cooperation", "mixed")


def failures(item: dict, tension: float, relevance: float) -> list[str]:
    """Why this item counts as misclassified (empty when it does not)."""
    why = []
    if item["label"] == "tension" and not tension > 0:
        why.append("sign")
    if item["label"] == "cooperation" and not tension < 0:
        why.append("sign")
    if item["label"] == "off-topic" and relevance >= RELEVANCE_CUT:
        why.append("relevance-high")
    if item["label"] in ON_TOPIC and relevance < RELEVANCE_CUT:
        why.append("relevance-low")
    return why


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: Counter[str] = Counter()
    listed = 0
    for item in items:
        s = score_article(item["text"], title=item.get("title", ""), language=None)
        why = failures(item, s.tension, s.relevance)
        counts.update(why)
        if not why and not (show_all and item["label"] == "mixed"):
            continue
        listed += bool(why)
        tag = ",".join(why) or "info"
        print(
            f"## {item['id']} [{tag}] label={item['label']} strength={item['strength']} "
            f"tension={s.tension:+.3f} relevance={s.relevance:.2f} detected={s.language}"
        )
        print(f"   event: {item.get('event', '')}")
        if item.get("title"):
            print(f"   title: {item['title']}")
        if not s.evidence:
            print("   (no evidence sentences)")
        for e in s.evidence:
            print(f"   {e.weight:+.2f}  {e.sentence}")
        print()
    print(f"{listed} of {len(items)} items misclassified: {dict(counts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
