"""Sentence splitting and word tokens for news prose in English, Russian, Polish and Kazakh.

Rules, not a model: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing quotes or brackets)
when the next one starts with a capital letter, an opening quote, a dash or a digit, unless the word
before the full stop is a known abbreviation or an initial ("V. Putin", "К. Токаев"). Line breaks
always end a sentence, so headlines and paragraphs without a final full stop stand alone.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations that end with a full stop inside a sentence (lower-cased, without the final dot).
# Written for this project; shared by all languages because news in one language quotes the others.
_ABBREVIATION_LIST = """
mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep pres vs etc inc ltd co corp dept no
nos approx est fig vol ed eds al jan feb mar apr jun jul aug sep sept oct nov dec mt ft e.g i.e
u.s u.k u.n a.m p.m г гг ул д т.е т.д т.п т.н тыс млн млрд трлн руб долл проф акад им ген см стр
рис пр кв обл р-н вв н.э др пос ст np m.in tzn ok ul al gen prez płk mjr dr hab mgr inż tys mln
mld zł r ws pt tj itd itp wg godz ж жж т.б т.с.с бұл млн млрд мың теңге
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())
# Possessive quantifiers and the look-behind keep the search linear: a run of dots, closing quotes or
# spaces is tried once, from its start, instead of from every position with backtracking.
# Capitals of the other alphabets news comes in: Latin with diacritics (Hungarian Éves, Czech Česko,
# Turkish Çin), Serbian Cyrillic, Greek, Armenian; Georgian and the Arabic script (Arabic, Persian,
# Urdu) have no case, so any of their letters.
_CAPITALS = "À-ÖØ-ÞĀĂĆČĎĐĒĖĚĞĢĪĶĹĻĽŃŅŇŐŒŔŘŚŞŠȘŢȚŤŪŮŰŹŻŽЀ-ЏΆ-ΫԱ-Ֆა-ჰء-يٱ-ۓ"
_SENTENCE_END = re.compile(
    r"""(?<![.!?…։؟۔])
        ([.!?…։؟۔]++)       # terminal punctuation (։ Armenian full stop, ؟ Arabic question mark, ۔ Urdu full stop)
        ([»"”’')\]]*+)      # closing quotes / brackets that belong to this sentence
        (\s++)              # the gap
        (?=[«"„“'(\[—–-]?\s*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІЇЄҐŁŚŻŹĆŃÓĄĘ0-9{_CAPITALS}])   # next sentence starts big
    """.replace("{_CAPITALS}", _CAPITALS),
    re.VERBOSE,
)
_BREAKS = "\r\n\u2028\u2029"
# A whitespace run holding a line break; it starts only where a run starts, for the same reason.
_LINE_BREAK = re.compile(rf"(?<!\s)[^\S{_BREAKS}]*+[{_BREAKS}]\s*+")
_WORD_CHAR = re.compile(r"\w")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# Combining marks are part of the word they sit on: Devanagari vowel signs and the nukta (Hindi
# "कज़ाख़स्तान"), the tone marks of Yoruba ("Rọ́ṣíà") and any decomposed Latin accent. Python's \w
# leaves them out, which cut such words into letters. (Arabic vowel points are not in these ranges.)
_MARK_RANGES = ((0x0300, 0x036F), (0x0900, 0x0DFF), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF))
_MARKS = "".join(
    chr(c) for lo, hi in _MARK_RANGES for c in range(lo, hi + 1) if unicodedata.category(chr(c)) in ("Mn", "Mc")
)
_LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_TOKEN = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*", re.UNICODE)

MAX_SENTENCE_CHARS = 2000  # longer runs (tables, lists, junk) are cut into pieces of this size


def _word_before(line: str, start: int, end: int) -> str:
    """The word ending ``line[start:end]`` (letters and digits, inner dots: "u.s", "m.in"), closing
    punctuation skipped; "" when an underscore ends it. Read backwards from ``end``, so it costs the
    length of that word, not of the sentence before it."""
    i = end
    while i > start and not _WORD_CHAR.match(line, i - 1):
        i -= 1
    stop = i
    while i > start and _LETTER_OR_DIGIT.match(line, i - 1):
        i -= 1
        if i - 2 >= start and line[i - 1] == "." and _LETTER_OR_DIGIT.match(line, i - 2):
            i -= 1  # an inner dot; the loop takes the letter before it
    return line[i:stop]


def _ends_with_abbreviation(line: str, start: int, end: int) -> bool:
    word = _word_before(line, start, end)
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "V. Putin", "Қ. Тоқаев"
    return word.lower() in _ABBREVIATIONS


def _cut(sentence: str) -> list[str]:
    """Pieces of at most MAX_SENTENCE_CHARS, cut at a space when one is in the second half."""
    pieces: list[str] = []
    begin, size = 0, len(sentence)
    while size - begin > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", begin, begin + MAX_SENTENCE_CHARS)
        cut = cut if cut - begin > MAX_SENTENCE_CHARS // 2 else begin + MAX_SENTENCE_CHARS
        pieces.append(sentence[begin:cut])
        begin = cut
        while begin < size and sentence[begin].isspace():
            begin += 1
    if begin < size:
        pieces.append(sentence[begin:])
    return pieces


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; every line break ends one, empty pieces are dropped."""
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text or ""):
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            if match.group(1) == "." and _ends_with_abbreviation(line, start, match.start(1)):
                continue
            sentences.append(line[start : match.end(2)].strip())
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return [piece for sentence in sentences if sentence for piece in _cut(sentence)]


def token_spans(sentence: str) -> list[tuple[int, int]]:
    """Character spans of the tokens ``tokenize`` returns, in the same order."""
    return [m.span() for m in _TOKEN.finditer(sentence.lower())]


def tokenize(sentence: str) -> list[str]:
    """Lower-cased word tokens; hyphens split words, apostrophes inside words are kept ("didn't")."""
    return [t.replace("’", "'").replace("ё", "е") for t in _TOKEN.findall(sentence.lower())]
