"""The article's text as HTML with its evidence sentences highlighted where they stand.

Sentences are found in the stored text after both are normalised the same way (runs of whitespace
become one space, every quote and apostrophe one character, dashes a hyphen, case is folded), with
``str.find``, never a regular expression made of the sentence, so the time is linear in the text and
a sentence full of ``(``, ``*`` or ``\\`` is just text. Everything is HTML-escaped: a text holding
``<script>`` shows those characters.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .models import Evidence

# Characters read as the same when finding a sentence: the scorer's sentences and the stored text may
# differ in the kind of quote or dash (a page's typography against a cleaned copy).
_SAME = str.maketrans(
    {
        # Every quote and apostrophe, single or double, is one character: pages and copies mix them.
        **dict.fromkeys("“”„‟«»″〝〞＂‘’‚‛‹›′`´'", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Mark:
    """One evidence sentence found in the text: ``text[start:end]``, its weight and direction."""

    start: int
    end: int
    weight: float

    @property
    def direction(self) -> str:
        return "tension" if self.weight > 0 else "cooperation" if self.weight < 0 else "neutral"


def normalised(text: str) -> tuple[str, list[int]]:
    """``text`` with whitespace runs as one space, quotes and dashes plain, case folded; and for each
    character of the result, the index of the character of ``text`` it comes from."""
    chars: list[str] = []
    origin: list[int] = []
    space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not space and chars:
                chars.append(" ")
                origin.append(index)
            space = True
            continue
        space = False
        folded = char.translate(_SAME).lower()
        # A letter whose lower case is longer ("İ" → "i̇") keeps its own form: one character, one index.
        chars.append(folded if len(folded) == 1 else char)
        origin.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def find_marks(text: str, evidence: Sequence[Evidence]) -> list[Mark]:
    """Where each evidence sentence stands in ``text`` (its first occurrence not inside an earlier
    mark), strongest sentence first in the search, returned in text order; sentences not found are left out."""
    flat, origin = normalised(text)
    taken: list[tuple[int, int]] = []
    marks: list[Mark] = []
    for item in sorted(evidence, key=lambda e: -abs(e.weight)):
        needle = normalised(item.sentence)[0]
        if not needle:
            continue
        at = flat.find(needle)
        # Past a mark already placed, not one character on: at most one more search per mark.
        while at >= 0 and (ends := [end for start, end in taken if at < end and at + len(needle) > start]):
            at = flat.find(needle, max(ends))
        if at < 0:
            continue
        taken.append((at, at + len(needle)))
        marks.append(Mark(origin[at], origin[at + len(needle) - 1] + 1, item.weight))
    return sorted(marks, key=lambda m: m.start)


def _paragraphs(text: str) -> str:
    """Escaped text with its line breaks kept: blank lines part paragraphs, single breaks are <br>."""
    return html.escape(text).replace("\r\n", "\n").replace("\n\n", "</p><p>").replace("\n", "<br>")


def highlighted_html(text: str, evidence: Sequence[Evidence]) -> str:
    """The article's text as escaped HTML paragraphs, each evidence sentence in a ``<mark>`` whose class
    is its direction (tension, cooperation, neutral), followed by its weight."""
    parts, at = [], 0
    for mark in find_marks(text, evidence):
        parts.append(_paragraphs(text[at : mark.start]))
        title = f"{mark.direction} {mark.weight:+.2f}"
        sentence = _paragraphs(text[mark.start : mark.end])
        # The weight in figures after the sentence: the sign is read without telling colours apart.
        parts.append(f'<mark class="{mark.direction}" title="{title}">{sentence}</mark><sup>{mark.weight:+.2f}</sup>')
        at = mark.end
    parts.append(_paragraphs(text[at:]))
    return "<p>" + "".join(parts) + "</p>"
