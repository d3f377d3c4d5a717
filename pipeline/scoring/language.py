"""Offline language identification (py3langid), with a confidence the scorer can use."""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import LanguageIdentifier

from ..langid_model import load_identifier

# Kazakh written in Cyrillic shares most letters with Russian; these letters are Kazakh-only
# (і is left out: Ukrainian and Belarusian use it too). Kyrgyz has ң ө ү but none of ә ғ қ ұ һ;
# Uzbek Cyrillic has ғ қ but also ў and ҳ, which Kazakh never uses.
KAZAKH_LETTERS = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
_KAZAKH_NOT_KYRGYZ = re.compile("[әғқұһӘҒҚҰҺ]")
_UZBEK_CYRILLIC = re.compile("[ўҳЎҲ]")
_TAJIK_CYRILLIC = re.compile("[ҷӣӯҶӢӮ]")  # Tajik shares ғ қ ҳ with Uzbek; these three are its own
_KYRGYZ_WORDS = re.compile(r"(?i)\b(?:жана|менен|үчүн|кыргыз\w*|орусия\w*|казакстан\w*)\b")
_MIN_CHARS = 12
# Enough for a confident call; the cost grows with the sample (py3langid walks a 40 MB table one byte
# at a time). 800 was tried for speed (0.9 ms a page) and changed a Tajik article of ledger 6 to Uzbek,
# its Tajik letters all past the 800th character: a score changed without a new scorer version.
_SAMPLE_CHARS = 1500
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_KAZAKH = re.compile("[" + "".join(sorted(KAZAKH_LETTERS)) + "]")
# News this tool reads comes in these languages; restricting py3langid to them stops short, name-heavy
# texts ("Kazakhstan and Russia") from being called Acehnese or Latin.
_NEWS_LANGUAGE_CODES = """
en ru pl kk uk be de fr es it pt nl sv no da is fi et lv lt cs sk sl hr sr bg
ro hu el tr az hy ka uz ky tk mn zh ja ko ar fa he hi ur id vi th
"""
NEWS_LANGUAGES = tuple(_NEWS_LANGUAGE_CODES.split())


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = load_identifier(norm_probs=True)  # an unpacked copy: the packaged model takes 0.5 s to read
    identifier.set_languages(list(NEWS_LANGUAGES))
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability in [0, 1]); ("", 0.0) when the text is too short to tell."""
    sample = (text or "")[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < _MIN_CHARS:
        return "", 0.0
    kazakh = len(_KAZAKH.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    # py3langid sometimes calls short Kazakh text Russian or Mongolian; Kazakh-only letters settle it.
    if cyrillic and kazakh / cyrillic > 0.02:
        if _TAJIK_CYRILLIC.search(sample):
            return "tg", 0.9
        if len(_UZBEK_CYRILLIC.findall(sample)) / cyrillic > 0.005:
            return "uz", 0.9
        if _KAZAKH_NOT_KYRGYZ.search(sample):
            return "kk", 0.95
        if "ң" in sample or "Ң" in sample or _KYRGYZ_WORDS.search(sample):
            return "ky", 0.9
    elif not cyrillic and kazakh_script(sample):
        return "kk", 0.9
    code, prob = _identifier().classify(sample)
    return str(code), float(prob)


# --- Turkic languages in Latin script ------------------------------------------------------------
# py3langid calls Kazakh in Latin script Turkish or Azerbaijani. Frequent words and names settle it:
# each language's function words and its own names of the two countries, in every spelling of its
# alphabets (for Kazakh: 2017 apostrophes, 2018 acute accents, 2021 Turkic letters). Written for this
# project from the alphabets' published letter tables and general knowledge of the languages.
_TURKIC_WORDS = {
    "kk": """jäne jáne ja'ne jane men bul būl üşin úshin u'shin ushin osy dep degen bolyp arasyndağy
        arasyndaǵy arasyndag'y arasyndagy ekı eki bıraq biraq alaida alaıda alai'da sondai sondaı sondai'
        joq emes jyl jyly jylğy jylǵy jylg'y qarym týraly turaly y'raly""",
    "uz": """va bilan uchun ham emas haqida orqali ushbu yana bo'yicha o'rtasidagi o'rtasida yil yilda
        qildi bo'lib esa hamda o'z mamlakat mamlakatlar""",
    "tk": """we bilen üçin hem bolup barada boýunça arasyndaky ýaly soňra diýip edildi ýyl ýylda""",
    "tr": """ve bir bu için ile olarak değil çok daha olan gibi ancak arasında arasındaki tarafından ise
        sonra dedi veya kadar göre""",
    "az": """və ilə üçün bir bu olan arasında isə həm görə sonra""",
}
_TURKIC_STEMS = {
    "kk": """qazaqstan resei reseı mäskeu máskeý ma'skey' toqaev yntymaq ıntymaq qatynas ärıptes áriptes
        kelısım kelisim mälımde málimde şielenıs shıelenis shielenis""",
    "uz": """qozog'iston qozogiston rossiya o'zbekiston hamkorlik munosabat davlat""",
    "tk": """gazagystan russiýa rossiýa moskwa ýurt hyzmatdaşlyk döwlet gatnaşyk""",
    "tr": """kazakistan rusya moskova ilişki işbirliği ülke cumhurbaşkan türkiye""",
    "az": """qazaxıstan rusiya ölkə əlaqə əməkdaşlıq""",
}
_WEAK_WORDS = frozenset({"men", "emes", "bu", "bir"})  # shared with a neighbour or with English
_TURKIC_EXACT = {code: frozenset(words.split()) for code, words in _TURKIC_WORDS.items()}
_TURKIC_PREFIX = {code: tuple(words.split()) for code, words in _TURKIC_STEMS.items()}
_TURKIC_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*'?")
_ODD_APOSTROPHE = re.compile("[’ʼʻ‘`´]")
_TURKIC_SAMPLE_CHARS = 1000  # some 130 words: plenty for function words to show
# Letters no other Latin-script language of the news uses together with Kazakh words: ū ǵ ñ (with q).
_KAZAKH_LATIN_LETTERS = re.compile("[ūǵŪǴ]")
_NOT_KAZAKH_LETTERS = re.compile("[əƏňŇžŽłŁąĄęĘśŚźŹżŻćĆ]")  # Azerbaijani, Turkmen, Polish
_MIN_MARKERS = 2.0


def turkic_votes(text: str, languages: tuple[str, ...] = tuple(_TURKIC_WORDS)) -> dict[str, float]:
    """How strongly the text reads as each Turkic language in Latin script (word and name hits)."""
    votes = dict.fromkeys(languages, 0.0)
    if _ODD_APOSTROPHE.search(text):
        text = _ODD_APOSTROPHE.sub("'", text)
    for token in _TURKIC_TOKEN.findall(text.lower()):
        for code in languages:
            if token in _TURKIC_EXACT[code]:
                votes[code] += 0.5 if token in _WEAK_WORDS else 1.0
            elif token.startswith(_TURKIC_PREFIX[code]):
                votes[code] += 1.0
    return votes


def kazakh_latin(text: str) -> bool:
    """True when a Latin-script text is Kazakh: its words outvote Turkish, Uzbek, Turkmen and
    Azerbaijani ones, and it has none of their (or Polish) letters in any number."""
    sample = (text or "")[:_TURKIC_SAMPLE_CHARS]
    if len(sample) < _MIN_CHARS or (_CYRILLIC.search(sample) and len(_CYRILLIC.findall(sample)) > len(sample) / 4):
        return False
    # Kazakh words first: most texts (English, Polish ...) stop here, before the other languages count.
    kazakh = turkic_votes(sample, ("kk",))["kk"] + 2.0 * len(_KAZAKH_LATIN_LETTERS.findall(sample))
    if kazakh < _MIN_MARKERS or len(_NOT_KAZAKH_LETTERS.findall(sample)) > 2:
        return False
    others = turkic_votes(sample, tuple(code for code in _TURKIC_WORDS if code != "kk"))
    return kazakh > 1.5 * max(others.values())


# --- Kazakh in the Arabic-based alphabet (töte) ------------------------------------------------
# py3langid calls it Arabic, Persian or Uyghur. Uyghur shares the extra letters (ە ڭ ۋ ۇ ۆ), so the
# words settle it: Kazakh function words and names as the Kazakh alphabet spells them, and the hamza
# that marks a front-vowelled word (ءبىر, ٴۇشىن). Uyghur writes every initial vowel with ئ and has
# ې ۈ; Arabic ة أ إ; Persian and Urdu ک ی ے: none of them Kazakh.
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\ufb50-\ufdff\ufe70-\ufefc]")
_KAZAKH_ARABIC = """جانە مەنەن بۇل بۇنىڭ وسى وسىنداي ءۇشىن ٴۇشىن ۇشىن ەكى ەكىنشى ءبىر ٴبىر ەمەس تۋرالى ارقىلى
    دەگەن بولىپ بولادى ەلدىڭ ەلدەر الايدا سوندىقتان قاتىستى بويىنشا جىلى جىلعى حالىق ءتىل"""
_KAZAKH_ARABIC_NAMES = """قازاقستان رەسەي ماسكەۋ توقاەۆ توقايەۆ اراسىنداعى قارىم ىنتىماق ارىپتەس كەلىسىم مالىمدە
    ساياسات"""
_UYGHUR_ARABIC = "ۋە بىلەن بۇ ئۇ ئۈچۈن ھەم قازاقىستان روسىيە ئارىسىدىكى بولۇپ"
_KAZAKH_ARABIC_WORDS = frozenset(_KAZAKH_ARABIC.split())
_KAZAKH_ARABIC_STEMS = tuple(_KAZAKH_ARABIC_NAMES.split())
_UYGHUR_ARABIC_WORDS = frozenset(_UYGHUR_ARABIC.split())
_HAMZA_WORD = re.compile("(?:^|(?<=[\\s«\"'(]))[\u0621\u0674][\u0627-\u06d5]|[\u0675-\u0678]")
# ئ ې ۈ (Uyghur), ة أ إ (Arabic), ک ی (Persian), ے ہ ٹ ڈ ڑ ں (Urdu)
_NOT_KAZAKH_ARABIC = re.compile(
    "[\u0626\u06d0\u06c8\u0629\u0623\u0625\u06a9\u06cc\u06d2\u06c1\u0679\u0688\u0691\u06ba]"
)
_ARABIC_TOKEN = re.compile("[\u0621-\u064a\u066e-\u06d3\u06d5\u0674-\u0678]+")


def kazakh_arabic(text: str) -> bool:
    """True when a text in Arabic script is Kazakh: mostly Arabic letters, Kazakh words and front-vowel
    marks outvote Uyghur words, and letters only Uyghur, Arabic, Persian or Urdu use are rare."""
    sample = (text or "")[:_TURKIC_SAMPLE_CHARS]
    arabic = len(_ARABIC_LETTER.findall(sample))
    if arabic < _MIN_CHARS or arabic < 0.5 * len(_LETTER.findall(sample)):
        return False
    if len(_NOT_KAZAKH_ARABIC.findall(sample)) > 2 + arabic / 200:
        return False
    kazakh = 2.0 * len(_HAMZA_WORD.findall(sample))
    uyghur = 0.0
    for token in _ARABIC_TOKEN.findall(sample):
        if token in _KAZAKH_ARABIC_WORDS or token.startswith(_KAZAKH_ARABIC_STEMS):
            kazakh += 1.0
        elif token in _UYGHUR_ARABIC_WORDS:
            uyghur += 1.0
    return kazakh >= _MIN_MARKERS and kazakh > 1.5 * uyghur


def kazakh_script(text: str) -> str:
    """The alphabet of a Kazakh text other than Cyrillic: "arabic" (töte), "latin", or "" when the
    text is not Kazakh in either (the language detector and the text repairs both ask this)."""
    if _ARABIC_LETTER.search(text[:_TURKIC_SAMPLE_CHARS]) and kazakh_arabic(text):
        return "arabic"
    return "latin" if kazakh_latin(text) else ""
