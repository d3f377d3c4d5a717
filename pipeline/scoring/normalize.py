"""Text repairs before scoring: hard-wrapped lines, Latin look-alikes in Cyrillic words, Kazakh in
Latin script (the 2017, 2018 and 2021 official alphabets) back to Cyrillic. Pure functions."""

from __future__ import annotations

import re
from functools import lru_cache

from .kazakh_arabic import HIGH_HAMZA, cyrillic_to_tote, tote_to_cyrillic
from .language import kazakh_script

# --- hard-wrapped lines ----------------------------------------------------------------------------

_LINE = re.compile(r"\r\n|[\r\n\u2028\u2029]")
_CLOSING = """»"”’')]"""
_TERMINAL_MARKS = ".!?…:;"
_STARTS_LOWER = re.compile(r"""^[«"„“'(\[]?[^\W\d_]""")
_MIN_WRAPPED_LINES = 3


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSING)[-1:] in _TERMINAL_MARKS if line.rstrip(_CLOSING) else False


def _starts_lowercase(line: str) -> bool:
    match = _STARTS_LOWER.match(line)
    return match is not None and match.group()[-1].islower()


def _wrap_width(lines: list[str]) -> int:
    """The column a hard-wrapped block breaks at, or 0 when the lines do not look wrapped.

    Wrapped prose has most lines near one width and many breaks in mid-sentence (the next line
    starts lowercase); a list of headlines or captions has neither."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < _MIN_WRAPPED_LINES:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not 30 <= width <= 120:
        return 0
    full = [i for i, line in enumerate(lines) if len(line) >= 0.7 * width and i + 1 < len(lines) and lines[i + 1]]
    if len(full) < 0.4 * len(lengths):
        return 0
    continued = sum(1 for i in full if _starts_lowercase(lines[i + 1]) and not _ends_sentence(lines[i]))
    return width if continued >= 2 and continued >= 0.25 * len(full) else 0


def _join(parts: list[str]) -> str:
    # "российско-\nказахстанские": a break after a hyphen keeps the hyphen and adds no space.
    out: list[str] = []
    for part in parts:
        if out and not (len(out[-1]) > 1 and out[-1].endswith("-") and out[-1][-2].isalpha()):
            out.append(" ")
        out.append(part)
    return "".join(out)


_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n){2,}")


def rejoin_wrapped_lines(text: str) -> str:
    """Join lines broken inside a sentence, so that only real sentence and paragraph ends remain.

    A break is undone when the line does not end with terminal punctuation and the next line starts
    lowercase or, in a block hard-wrapped at a fixed width, the line is full ("talks between" /
    "Kazakhstan and Russia"). Breaks after a full stop and blank lines stay."""
    if not text or not _LINE.search(text):
        return text
    # Runs of blank lines say no more than one blank line: fold them before splitting into lines.
    text = _BLANK_RUN.sub("\n\n", text)
    lines = [line.strip() for line in _LINE.split(text)]
    width = _wrap_width(lines)
    paragraphs: list[list[str]] = []  # each: the lines that make one line once joined
    previous_length = 0  # of the last line as written, not as joined
    for line in lines:
        last = paragraphs[-1][-1] if paragraphs else ""
        open_ended = bool(last and line) and not _ends_sentence(last)
        if open_ended and (_starts_lowercase(line) or (width and previous_length >= 0.7 * width)):
            paragraphs[-1].append(line)
            previous_length = len(line)
            continue
        paragraphs.append([line])
        previous_length = len(line)
    return "\n".join(_join(parts) for parts in paragraphs)


# --- Latin look-alikes inside Cyrillic words -----------------------------------------------------

_LOOKALIKES = str.maketrans("aceopxyiABCEHKMOPTXYI", "асеорхуіАВСЕНКМОРТХУІ")
_LOOKALIKE_CLASS = "aceopxyiABCEHKMOPTXYI"
_MIXED_HINT = re.compile(f"[\u0400-\u04ff][{_LOOKALIKE_CLASS}]|[{_LOOKALIKE_CLASS}][\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_NOT_LOOKALIKE_LATIN = re.compile(f"[A-Za-z](?<![{_LOOKALIKE_CLASS}])")
# A one-letter word typed on the Latin keyboard between Cyrillic words ("аннексию, a Москва", "B Москве"):
# the conjunction or preposition, which the word stems would read as another word. Not "I" (a Roman
# numeral, or the Kazakh і), and not two letters ("в IT-секторе", "CO"), which are real Latin.
_LONE_LOOKALIKE = re.compile(r"(?<=[\u0400-\u04ff])(\W{1,3})([aceopxyABCEHKMOPTXY])(?=\W{1,3}[\u0400-\u04ff])")


def _fix_word(match: re.Match[str]) -> str:
    word = match.group()
    if not _CYRILLIC.search(word) or _NOT_LOOKALIKE_LATIN.search(word):
        return word  # all Latin, or a real mixed word ("Газпромneft"): leave it
    return word.translate(_LOOKALIKES)


def fix_lookalikes(text: str) -> str:
    """Latin letters that look Cyrillic (a, e, o, p, c, x, y, K, M, H, T, B ...) inside a Cyrillic
    word become the Cyrillic letters, so "Рoссия" with a Latin o is Россия again."""
    if not text or not _CYRILLIC.search(text):
        return text
    if _MIXED_HINT.search(text):
        text = _WORD.sub(_fix_word, text)
    return _LONE_LOOKALIKE.sub(lambda m: m.group(1) + m.group(2).translate(_LOOKALIKES), text)


# --- Kazakh in Latin script ----------------------------------------------------------------------

# Letters shared by the 2017 (apostrophe), 2018 (acute) and 2021 (Turkic-style) alphabets.
_COMMON = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "j": "ж", "k": "к", "l": "л",
    "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т", "v": "в", "w": "у",
    "y": "ы", "z": "з", "x": "кс", "c": "ц", "sh": "ш", "ch": "ч", "ŋ": "ң", "ä": "ә", "ö": "ө", "ü": "ү",
}  # fmt: skip
_I = "\x00"  # the one Latin letter for both и and й; which one is settled by its neighbours
_Y = "\x01"  # the digraph spelling's one letter for ы and й: й after a vowel (but у), ы elsewhere
# Where the alphabets differ: the letters for і, и/й, у, ұ and the marks on ә ғ ң ө ү ш ч.
_SCHEMES = {
    "2021": {"ä": "ә", "ğ": "ғ", "ñ": "ң", "ö": "ө", "ū": "ұ", "ü": "ү", "ş": "ш", "ç": "ч", "ı": "і", "i": _I,
             "u": "у"},
    "2018": {"á": "ә", "ǵ": "ғ", "ń": "ң", "ó": "ө", "u": "ұ", "ú": "ү", "ý": "у", "i": "і", "ı": _I},
    "2017": {"a'": "ә", "g'": "ғ", "n'": "ң", "o'": "ө", "u'": "ү", "y'": "у", "s'": "ш", "c'": "ч",
             "i'": _I, "i": "і", "u": "ұ"},
    # Not an official alphabet: the plain-keyboard spelling of some outlets' Latin pages (gh, ng and
    # iy for ғ, ң and и; y for ы and й; ó ú ý for ө ұ ү; ә kept or written á).
    "digraph": {"gh": "ғ", "ng": "ң", "ngh": "нғ", "iya": "ия", "iyu": "ию", "iy": "и", "ya": "я", "yu": "ю",
                "y": _Y, "ó": "ө", "ú": "ұ", "ý": "ү", "u": "у", "á": "ә", "ә": "ә", "i": "і"},
}  # fmt: skip
_APOSTROPHES = "'’ʼʻ‘`´"
# The digraph spelling's ng is ң, before a vowel too ("tengiz", "mangyzdy", "janga"), since native words
# cannot tell it from н+г; the loanwords and names that have н+г are listed by their first letters (their
# i is и, as in "Putin").
_LOAN_NG = re.compile(r"^(?:angli|anglo|angol|bangkok|banglad|gonkong|hongkong|ingush|kongo|kongr|mongol|singap|vengr)")
_NG = "\x02"  # between the n and g of those: no digraph, and gone once the word is read
_LATIN_LETTERS = "A-Za-z\u00c0-\u024f\u0300-\u036f"
# A Latin word with the apostrophes inside or after it (the 2017 alphabet's marks), not before it.
_LATIN_RUN = re.compile(f"[{_LATIN_LETTERS}]+(?:[{_APOSTROPHES}][{_LATIN_LETTERS}]*)*")
_CYR_VOWELS = "аәеёиоөуұүыіэюя"
_CYR_WORD = re.compile("[\u0400-\u04ff]+")
_SCHEME_MARKS = {
    "2021": re.compile("[äğñöūüşçÄĞÑÖŪÜŞÇİ]"),
    "2018": re.compile("[áǵńóúýÁǴŃÓÚÝ]"),
    "2017": re.compile(f"[AaGgIiNnOoSsCcUuYy][{_APOSTROPHES}](?=[^\\W\\d_]|\\s|$)"),
}
# The digraph spelling: gh and iy inside words, ng at a word's end, a vowel's y; the 2018 alphabet's own
# ǵ ń ı say otherwise (the two share ó ú ý).
# A vowel then y before a consonant or the word's end is й in it too ("qoydy", "Resey"): no official alphabet
# writes й so (2017's "ay'" has its apostrophe).
_DIGRAPH_MARKS = re.compile(r"[^\W\d_](?:[Gg][Hh]|[Ii][Yy])|[Nn][Gg]\b|[AaEeOoáóә][Yy](?![aeiouyáóúýәAEIOUY'’ʼʻ‘`´])")
_ONLY_2018 = re.compile("[ǵńıǴŃ]")
_MIN_DIGRAPHS = 2


def kazakh_latin_scheme(text: str) -> str:
    """Which Latin alphabet a Kazakh text uses: the official "2021", "2018" or "2017" (apostrophes), or
    the outlets' plain-keyboard "digraph" spelling."""
    digraphs = len(_DIGRAPH_MARKS.findall(text))
    if digraphs >= _MIN_DIGRAPHS and digraphs > 2 * len(_ONLY_2018.findall(text)):
        return "digraph"
    counts = {name: len(mark.findall(text)) for name, mark in _SCHEME_MARKS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else "2021"


def _tables(scheme: str) -> tuple[dict[str, str], int]:
    table = {**_COMMON, **_SCHEMES[scheme]}
    if scheme == "2017":
        for apostrophe in _APOSTROPHES:
            table.update({k.replace("'", apostrophe): v for k, v in _SCHEMES["2017"].items() if "'" in k})
    return table, max(len(k) for k in table)


def _settle_i(word: str) -> str:
    """The shared и/й letter: й after a vowel, и elsewhere; "ia" / "iu" spell я / ю ("iia": ия)."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch != _I:
            out.append(ch)
            i += 1
            continue
        after = word[i + 1] if i + 1 < n else ""
        after_vowel = bool(out) and out[-1] in _CYR_VOWELS
        if after == _I and word[i + 2 : i + 3] in ("а", "у"):  # "Aziia", "qiiu"
            out.append("ия" if word[i + 2] == "а" else "ию")
            i += 3
        elif after == "а" and (not out or after_vowel):  # я at the start or after a vowel ("aiaq")
            out.append("я")
            i += 2
        elif after == "у":
            out.append("ю")
            i += 2
        else:
            out.append("й" if after_vowel else "и")
            i += 1
    return "".join(out)


def _settle_y(word: str) -> str:
    """The digraph spelling's y: й after a vowel other than у ("Resey", "qoydy"), ы elsewhere ("tauy")."""
    out: list[str] = []
    for ch in word:
        if ch == _Y:
            ch = "й" if out and out[-1] in _CYR_VOWELS and out[-1] != "у" else "ы"
        out.append(ch)
    return "".join(out)


# Loanwords whose ц the Latin alphabets write ts: before и ("investitsiia") and at the start it is ц;
# elsewhere тс is a Kazakh suffix boundary ("aitsa", "ketse") and stays.
_LOAN_FIXES = ((re.compile(r"(?<=[^\W\d_])тс(?=и)|^тс"), "ц"),)


# Cyrillic to Latin, letter by letter, as the alphabets' tables give it (used to learn what they lose).
_TO_LATIN_SHARED = dict(zip("абдефгжклмнопқрствызхһэ", "abdefgjklmnopqrstvyzhhe", strict=True))
_TO_LATIN = {
    "2021": {"ә": "ä", "ғ": "ğ", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "ш": "ş", "ч": "ç", "і": "ı", "и": "i",
             "й": "i", "у": "u", "я": "ia", "ю": "iu", "ц": "ts", "щ": "şş", "ё": "io"},
    "2018": {"ә": "á", "ғ": "ǵ", "ң": "ń", "ө": "ó", "ұ": "u", "ү": "ú", "ш": "sh", "ч": "ch", "і": "i",
             "и": "ı", "й": "ı", "у": "ý", "я": "ıa", "ю": "ıý", "ц": "ts", "щ": "shsh", "ё": "ıo"},
    "2017": {"ә": "a'", "ғ": "g'", "ң": "n'", "ө": "o'", "ұ": "u", "ү": "u'", "ш": "s'", "ч": "c'", "і": "i",
             "и": "i'", "й": "i'", "у": "y'", "я": "i'a", "ю": "i'y'", "ц": "ts", "щ": "s's'", "ё": "i'o"},
    "digraph": {"ә": "á", "ғ": "gh", "ң": "ng", "ө": "ó", "ұ": "ú", "ү": "ý", "ш": "sh", "ч": "ch", "і": "i",
                "и": "iy", "й": "y", "у": "u", "я": "ya", "ю": "yu", "ц": "s", "щ": "sh", "ё": "yo"},
}  # fmt: skip


def to_kazakh_latin(text: str, scheme: str = "2021") -> str:
    """Kazakh Cyrillic in one of the official Latin alphabets (ъ and ь are dropped, as they prescribe)."""
    table = {**_TO_LATIN_SHARED, **_TO_LATIN[scheme], "ъ": "", "ь": ""}
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low)
        if latin is None:
            out.append(ch)
        else:
            out.append(latin[:1].upper() + latin[1:] if ch != low else latin)
    return "".join(out)


@lru_cache(maxsize=1)
def _kazakh_stems() -> tuple[str, ...]:
    """The Kazakh cue, tone and actor stems (four letters or more), as the lexicons spell them."""
    from .actors import load_pair
    from .lexicon import cue_set, sentiment_model
    from .pair_data import relation_patterns

    words = {w for p in cue_set("kk").patterns for w in p.words}
    words |= {w for p in load_pair().patterns.get("kk", ()) for w in p.words}
    words |= {w for p in relation_patterns(load_pair(), "kk") for w in p.words}  # the pair file's relation words
    model = sentiment_model("kk")
    words |= set(getattr(model, "words", {}))
    stems = {word.rstrip("*") for word in words}
    return tuple(sorted(stem for stem in stems if len(stem) >= 4 and _CYRILLIC.search(stem)))


@lru_cache(maxsize=2)
def _restored_stems(digraph: bool = False) -> tuple[tuple[str, str], ...]:
    """(lossy spelling, lexicon spelling) of the Kazakh cue, tone and actor stems that come back from
    Latin changed (ь and э are gone, ц is ts, "Ukraina" reads й): the lexicons' own words decide. The
    digraph spelling has its own losses, and writes the и of Russian names as i ("Putin")."""
    restored: dict[str, str] = {}
    for stem in _kazakh_stems():
        for scheme in ("digraph",) if digraph else ("2021", "2018"):
            back = transliterate_kazakh_latin(to_kazakh_latin(stem, scheme), scheme)
            lossy = {back, back.replace("и", "і")} if digraph else {back}
            for spelling in sorted(lossy - {stem}):
                if len(spelling) >= 4:
                    restored.setdefault(spelling, stem)
    return tuple(sorted(restored.items(), key=lambda item: (-len(item[0]), item[0])))


def _restore_stem(word: str, digraph: bool = False) -> str:
    lower = word.lower()
    for lossy, stem in _restored_stems(digraph):
        if lower.startswith(lossy):
            return _recase(word, stem + lower[len(lossy) :])
    return word


def _recase(original: str, lowered: str) -> str:
    """``lowered`` in the case of ``original``: all capitals, a capital first letter, or none."""
    if len(original) > 1 and original.isupper():
        return lowered.upper()
    return lowered[:1].upper() + lowered[1:] if original[:1].isupper() else lowered


def _transliterate_word(word: str, table: dict[str, str], longest: int, scheme: str) -> str:
    # In the 2021 alphabet capital I is the capital of ı (і), and İ that of i (и / й).
    lower = word.replace("İ", "i").replace("I", "ı").lower() if scheme == "2021" else word.lower()
    if scheme == "digraph" and (loan := _LOAN_NG.match(lower)):  # "Angliya" is Англия, not Аңлия
        lower = loan.group().replace("ng", "n" + _NG + "g").replace("i", _I) + lower[loan.end() :]
    out: list[str] = []
    i = 0
    while i < len(lower):
        for size in range(min(longest, len(lower) - i), 0, -1):
            if lower[i : i + size] in table:
                out.append(table[lower[i : i + size]])
                i += size
                break
        else:
            out.append("" if lower[i] in ("\u0307", _NG) else lower[i])  # the dot of İ is gone with it
            i += 1
    cyrillic = "".join(out)
    cyrillic = _settle_i(cyrillic) if _I in cyrillic else cyrillic
    cyrillic = _settle_y(cyrillic) if _Y in cyrillic else cyrillic
    for pattern, replacement in _LOAN_FIXES:
        cyrillic = pattern.sub(replacement, cyrillic)
    return _recase(word, cyrillic)


def transliterate_kazakh_latin(text: str, scheme: str | None = None) -> str:
    """Kazakh written in an official Latin alphabet, back in Cyrillic (scheme guessed when None)."""
    if not text:
        return text
    scheme = scheme or kazakh_latin_scheme(text)
    table, longest = _tables(scheme)
    return _LATIN_RUN.sub(lambda m: _transliterate_word(m.group(), table, longest, scheme), text)


def kazakh_latin_to_cyrillic(text: str, scheme: str | None = None) -> str:
    """``transliterate_kazakh_latin``, then the lexicons' spelling for stems the Latin alphabets lose."""
    scheme = scheme or kazakh_latin_scheme(text)
    cyrillic = transliterate_kazakh_latin(text, scheme)
    return _CYR_WORD.sub(lambda m: _restore_stem(m.group(), scheme == "digraph"), cyrillic)


# --- Kazakh in the Arabic-based alphabet (töte) ------------------------------------------------


@lru_cache(maxsize=1)
def _tote_stems() -> dict[str, tuple[str, bool | None]]:
    """Arabic spelling → (lexicon spelling, front mark it needs or None) of the Kazakh stems, so that
    loanwords (Russian vowels, э, ь, ц) and the suffixes after a stem are read right."""
    table: dict[str, tuple[str, bool | None]] = {}
    for stem in sorted({stem.lower() for stem in _kazakh_stems()}):
        tote = cyrillic_to_tote(stem)
        if " " in tote:
            continue
        marked = tote.startswith(HIGH_HAMZA)
        letters = tote.lstrip(HIGH_HAMZA)
        harmony = None if any(ch in "ەكگ" for ch in letters) else marked  # е, к, г show front anyway
        # Two stems, one spelling: the fuller one (кремль, not кремл), else the one the letter rules
        # read (көл, not кол: the native word).
        rank = (len(stem), tote_to_cyrillic(tote) == stem)
        if letters not in table or rank > (len(table[letters][0]), tote_to_cyrillic(tote) == table[letters][0]):
            table[letters] = (stem, harmony)
    return table


def kazakh_arabic_to_cyrillic(text: str) -> str:
    """Kazakh in the Arabic-based alphabet in Cyrillic; lexicon stems keep the lexicon's spelling."""
    return tote_to_cyrillic(text, _tote_stems())


# --- all repairs, as the scorer calls them -------------------------------------------------------

_ODD_APOSTROPHE = re.compile("[ʻʼ‘`´]")
_UZBEK_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[ʻʼ‘`´](?=[^\W\d_])")


def normalize_article(title: str, text: str, language: str | None = None) -> tuple[str, str, str | None]:
    """(title, text, language) repaired for scoring; the language is "kk" when the text was Kazakh
    in Latin script (and is now Cyrillic), else the one given."""
    text = rejoin_wrapped_lines(text)
    title = rejoin_wrapped_lines(title)
    if _ODD_APOSTROPHE.search(text) or _ODD_APOSTROPHE.search(title):
        # oʻ, gʻ (Uzbek) and the 2017 Kazakh apostrophes come in many shapes; one shape for the tokenizer.
        text, title = _UZBEK_APOSTROPHE.sub("'", text), _UZBEK_APOSTROPHE.sub("'", title)
    code = str(language or "").strip().lower()[:2]
    script = kazakh_script(f"{title}\n{text[:2500]}") if code in ("", "kk") else ""
    if script == "arabic":
        return kazakh_arabic_to_cyrillic(title), kazakh_arabic_to_cyrillic(text), "kk"
    if script == "latin":
        scheme = kazakh_latin_scheme(f"{title}\n{text}")
        return kazakh_latin_to_cyrillic(title, scheme), kazakh_latin_to_cyrillic(text, scheme), "kk"
    return fix_lookalikes(title), fix_lookalikes(text), language
