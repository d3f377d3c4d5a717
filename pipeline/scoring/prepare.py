"""The input made readable for the scorer: clean text, its language, and the marks a sentence's stance
reads besides its words (clause starts, scare quotes, a question, who is a third party)."""

from __future__ import annotations

import re
import unicodedata

from .actors import BOTH, OTHER, SIDE_A, SIDE_B, THIRD
from .language import KAZAKH_LETTERS, detect_language
from .patterns import Match
from .sentences import token_spans

MAX_CHARS = 100_000  # longer inputs are scored on their first 100 000 characters
_SURROGATES = re.compile("[\ud800-\udfff]")
_LANGUAGE_CODE = re.compile("[a-z]{2,3}")
_POLISH_LETTERS = frozenset("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")


def _guess_by_script(text: str) -> str:
    # Too short for py3langid: the alphabet is still a good hint.
    if any(ch in KAZAKH_LETTERS for ch in text):
        return "kk"
    if any(ch in _UKRAINIAN_LETTERS for ch in text):
        return "uk"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    if any(ch in _POLISH_LETTERS for ch in text):
        return "pl"
    if any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return ""


def _given_language(language: object) -> str:
    """The caller's language as a code of 2-3 ASCII letters ("ru-RU" -> "ru", "EN" -> "en"); "" when it
    is not one (a lone surrogate, a NUL, an empty string), so that the text's language is detected."""
    if not isinstance(language, str):
        return ""
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if _LANGUAGE_CODE.fullmatch(code) else ""


def _language(text: str, title: str, language: str | None) -> str:
    code = _given_language(language)
    if code:
        return code
    sample = f"{title}\n{text[:2500]}"
    code, _prob = detect_language(sample)
    return code or _guess_by_script(sample)


def _clean(value: object) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text[:MAX_CHARS]
    # Lone surrogates cannot be encoded and break downstream storage; drop them.
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("", text)
    text = unicodedata.normalize("NFC", text)
    # Turkish and Azerbaijani İ lower-cases to i + a combining dot, which splits the word in two
    # ("İşbirliği" -> "i", "şbirliği"); I lower-cases to a plain i, as İ does in those languages.
    return text.replace("İ", "I") if "İ" in text else text


_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")


def _clause_starts(sentence: str) -> tuple[int, ...]:
    """Indices of the tokens that open a new clause: a comma, semicolon, colon or dash before them."""
    spans = token_spans(sentence)
    lowered = sentence.lower()
    return tuple(
        i for i in range(1, len(spans)) if _CLAUSE_BREAK.search(lowered, spans[i - 1][1], spans[i][0]) is not None
    )


# A quote of one or two words, opened and closed by quote marks of any language: «…», „…“, “…”, "…".
_SHORT_QUOTE = re.compile(r"[\"«„“‘']([^\"«»„“”‘’'\s]+(?:\s[^\"«»„“”‘’'\s]+)?)[\"»“”’']")
_CLOSING = " \t\"'»”’)]…"  # what may follow a question mark at the end of a sentence


def _scare_quoted(sentence: str) -> frozenset[int]:
    """Tokens inside a short quote that starts in lower case ("our 'friends'", «„союзник“»): scare quotes.
    A capitalised quote is a name (the «Druzhba» pipeline, the «Достық» crossing) and is left out."""
    found = [m.span(1) for m in _SHORT_QUOTE.finditer(sentence) if m.group(1)[0].islower()]
    if not found:
        return frozenset()
    spans = token_spans(sentence)
    return frozenset(i for i, (start, end) in enumerate(spans) for lo, hi in found if lo <= start and end <= hi)


def _asks(sentence: str) -> bool:
    """Whether the sentence is a question ("Ally or rival?", «Брат, ты меня уважаешь?»): it asserts no tie."""
    return sentence.rstrip(_CLOSING).endswith("?")


def _partners(names: list[Match]) -> dict[int, bool]:
    """Token index of each name -> whether it is a third party (True) or one of the pair (False)."""
    out: dict[int, bool] = {}
    for m in names:
        kind = m.pattern.kind
        if kind == OTHER or kind.startswith(THIRD):
            out.setdefault(m.start, True)
        elif kind in (SIDE_A, SIDE_B, BOTH):
            out[m.start] = False
    return out
