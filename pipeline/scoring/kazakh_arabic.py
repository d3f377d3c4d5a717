"""Kazakh in the Arabic-based alphabet (töte jazuw, used by Kazakhs in China) to Cyrillic and back.

Written for this project from the alphabet's published letter table. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

HIGH_HAMZA = "\u0674"
# The front-vowel mark: the high hamza, or the plain hamza ء that most sites type in its place.
_HAMZAS = "\u0674\u0621"
# ٵ ٶ ٷ ٸ carry the mark built in: the vowel plus the mark (NFKC would turn ٸ into the consonant ي).
_PRECOMPOSED = str.maketrans({"\u0675": "\u0627\u0674", "\u0676": "\u0648\u0674", "\u0677": "\u06c7\u0674",
                              "\u0678": "\u0649\u0674"})  # fmt: skip
# Vowel letters that stand for a back and a front vowel; the word says which.
_AMBIGUOUS = {"ا": "аә", "أ": "аә", "إ": "аә", "آ": "аә", "و": "оө", "ۇ": "ұү", "ى": "ыі"}
_LETTERS = {
    "ب": "б", "پ": "п", "ت": "т", "ج": "ж", "چ": "ч", "ح": "х", "خ": "х", "د": "д", "ر": "р", "ز": "з",
    "ژ": "ж", "س": "с", "ش": "ш", "ع": "ғ", "غ": "ғ", "ف": "ф", "ق": "қ", "ك": "к", "ک": "к", "گ": "г",
    "ڭ": "ң", "ل": "л", "م": "м", "ن": "н", "ھ": "һ", "ه": "е", "ە": "е", "ۋ": "у", "ۆ": "в",
}  # fmt: skip
_FRONT_LETTERS = frozenset("ەكگک")  # е, к, г: a native word with one of them is front throughout
_BACK_LETTERS = frozenset("قعغ")  # қ, ғ: back throughout
_VOWEL_LETTERS = frozenset("اأإآوۇىەهيۋ")
# Letters Kazakh takes only in loanwords (в ф ч х ж-from-ж): their vowels are Russian, not harmonic.
_LOAN_LETTERS = frozenset("ۆفچحخژ")
_CYR_VOWELS = "аәеёиоөуұүыіэюя"
_CYR_FRONT = "әеиіөүэ"
_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?", "٪": "%", "۔": ".", "٫": ".", "٬": ",", "٭": "*"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_INVISIBLE = dict.fromkeys(map(ord, "\u0640\u200c\u200d\u200e\u200f\u061c\u0670"))  # tatweel, joiners, marks
_INVISIBLE.update(dict.fromkeys(range(0x064B, 0x0660)))  # short-vowel signs (harakat)
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_ARABIC_WORD = re.compile("[\u0621-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff\u0670-\u0678\u0640\u200c\u200d]+")
# A hamza typed before an opening quote belongs to the word after it: ء«біз».
_HAMZA_BEFORE_QUOTE = re.compile(f"([{_HAMZAS}])([«\"„“'(]+)")
# ц (written тс) at the start or before и (elsewhere тс is a suffix boundary); ия after a consonant.
_LOAN_SPELLING = re.compile("^تس|تسي|[^اأإآوۇىەهيۋ]يا")
# Each run of whitespace is matched by one unambiguous part (no two \s* side by side, none crossing a
# line break twice), so runs of blank lines or spaces cost linear time.
_SENTENCE_START = re.compile(r"(^|[.!?…][^\S\n]+|\n[^\S\n]*)((?:[«\"„“'(\[—–-][^\S\n]*)?)([а-яёәғқңөұүһі])")


def _mode(letters: str, front_mark: bool) -> str:
    """ "front", "back" or "loan" (Russian vowels, suffixes in harmony with the vowel before)."""
    if front_mark:
        return "front"
    front = any(ch in _FRONT_LETTERS for ch in letters)
    back = any(ch in _BACK_LETTERS for ch in letters)
    initial_cluster = len(letters) > 1 and letters[0] not in _VOWEL_LETTERS and letters[1] not in _VOWEL_LETTERS
    if (front and back) or initial_cluster or letters[:1] in ("ر", "ل") or _LOAN_SPELLING.search(letters):
        return "loan"  # no native word mixes к/г with қ/ғ, starts with two consonants, р or л, has ц
    if any(ch in _LOAN_LETTERS for ch in letters):
        return "loan"
    return "front" if front else "back"


def _vowel(pair: str, mode: str, last_vowel: str, letter: str) -> str:
    if mode != "loan":
        return pair[mode == "front"]
    # In a loanword а and о are Russian; ы/і and ұ/ү are suffix vowels that follow the vowel before.
    return pair[letter in "ىۇ" and last_vowel in _CYR_FRONT]


def _spell(letters: str, mode: str, previous: str = "", harmony: str = "") -> str:
    """The Cyrillic of a run of letters (no hamza) read in one mode, after ``previous`` (Cyrillic);
    in a loanword ы/і and ұ/ү follow the vowel before them, or ``harmony`` first."""
    out: list[str] = []
    last_vowel = harmony or next((ch for ch in reversed(previous) if ch in _CYR_VOWELS), "")
    i, n = 0, len(letters)
    while i < n:
        ch = letters[i]
        before = out[-1][-1] if out else previous[-1:]
        after = letters[i + 1] if i + 1 < n else ""
        step = 1
        if ch in _AMBIGUOUS:
            cyr = _vowel(_AMBIGUOUS[ch], mode, last_vowel, ch)
        elif ch == "ي":
            after_vowel = before in _CYR_VOWELS
            if after in "اۋ" and after and (not before or after_vowel):
                cyr, step = ("я" if after == "ا" else "ю"), 2  # йа, йу
            elif after in "اۋ" and after:
                cyr, step = ("ия" if after == "ا" else "ию"), 2  # "Азия": one letter for и + я
            elif after == "ە" and not before:
                cyr, step = "ие", 2
            else:
                cyr = "й" if after_vowel else "и"
        elif ch == "ت" and after == "س" and (i == 0 or letters[i + 2 : i + 3] == "ي"):
            cyr, step = "ц", 2  # ц is written тс: at the start and before и ("санкция")
        else:
            cyr = _LETTERS.get(ch, ch)
        out.append(cyr)
        if cyr[-1:] in _CYR_VOWELS:
            last_vowel = cyr[-1]
        i += step
    return "".join(out)


def _word(word: str, stems: Mapping[str, tuple[str, bool | None]]) -> str:
    front_mark = any(ch in _HAMZAS for ch in word)
    letters = "".join(ch for ch in word if ch not in _HAMZAS)
    if not letters:
        return ""
    # A lexicon stem: its own spelling (loanwords, э, ь), then the rest. Suffixes never have ә or ө,
    # so their ا and و are а and о; their ы/і follow е, к, г or қ, ғ in the rest, else the stem's vowel.
    for size in range(min(len(letters), 24), 2, -1):
        found = stems.get(letters[:size])
        if found is not None and found[1] in (None, front_mark):
            rest = letters[size:]
            front = any(ch in _FRONT_LETTERS for ch in rest)
            back = any(ch in _BACK_LETTERS for ch in rest)
            harmony = "" if front == back else "е" if front else "а"
            return found[0] + _spell(rest, "loan", found[0], harmony)
    return _spell(letters, _mode(letters, front_mark))


def tote_to_cyrillic(text: str, stems: Mapping[str, tuple[str, bool | None]] | None = None) -> str:
    """Kazakh in the Arabic-based alphabet, in Kazakh Cyrillic (lower case, sentences capitalised).

    A word with the hamza mark (ٴ or ء, or ٵ ٶ ٷ ٸ) is front-vowelled; one with е, к or г is front,
    with қ or ғ back, unless it looks like a Russian loanword. ``stems`` maps the Arabic spelling of
    lexicon stems to (Cyrillic stem, front mark it needs or None)."""
    if not text:
        return text
    stems = stems or {}
    if _PRESENTATION_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text.translate(_PRECOMPOSED))
    text = text.translate(_PRECOMPOSED).translate(_INVISIBLE).translate(_PUNCTUATION).translate(_DIGITS)
    text = _HAMZA_BEFORE_QUOTE.sub(r"\2\1", text)
    cyrillic = _ARABIC_WORD.sub(lambda m: _word(m.group(), stems), text)
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2) + m.group(3).upper(), cyrillic)


# --- Cyrillic to the Arabic-based alphabet (for tests and for learning what the letters lose) -----

_TO_TOTE = {
    "а": "ا", "ә": "ا", "б": "ب", "в": "ۆ", "г": "گ", "ғ": "ع", "д": "د", "е": "ە", "ё": "يو", "ж": "ج",
    "з": "ز", "и": "ي", "й": "ي", "к": "ك", "қ": "ق", "л": "ل", "м": "م", "н": "ن", "ң": "ڭ", "о": "و",
    "ө": "و", "п": "پ", "р": "ر", "с": "س", "т": "ت", "у": "ۋ", "ұ": "ۇ", "ү": "ۇ", "ф": "ف", "х": "ح",
    "һ": "ھ", "ц": "تس", "ч": "چ", "ш": "ش", "щ": "شش", "ъ": "", "ы": "ى", "і": "ى", "ь": "", "э": "ە",
    "ю": "يۋ", "я": "يا",
}  # fmt: skip
_CYR_WORD = re.compile("[\u0400-\u04ff]+")
_TO_TOTE_PUNCTUATION = str.maketrans({",": "،", ";": "؛", "?": "؟"})


def _tote_word(word: str) -> str:
    lower = word.lower()
    out: list[str] = []
    for i, ch in enumerate(lower):
        if ch == "е" and i and lower[i - 1] in _CYR_VOWELS:
            out.append("يە")  # е after a vowel is said, and written, йе
        elif ch in "яю" and i and lower[i - 1] == "и":
            out.append(_TO_TOTE[ch][1:])  # ия, ию: one ي for both
        else:
            out.append(_TO_TOTE.get(ch, ch))
    # The mark goes on front words that have no е, к or г to show it.
    front = any(ch in "әөүі" for ch in lower) and not any(ch in "еэкгғқ" for ch in lower)
    return (HIGH_HAMZA if front else "") + "".join(out)


def cyrillic_to_tote(text: str) -> str:
    """Kazakh Cyrillic in the Arabic-based alphabet, as the alphabet's table spells it."""
    return _CYR_WORD.sub(lambda m: _tote_word(m.group()), text).translate(_TO_TOTE_PUNCTUATION)
