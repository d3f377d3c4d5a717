"""Bytes to text: BOM, header and meta charsets, and declarations that would turn a page into mojibake."""

import pytest

from pipeline.decode import decode_html, decode_page

RUSSIAN = (
    "Казахстан и Россия подписали соглашение о поставках зерна. Переговоры в Астане длились три часа, "
    "и стороны договорились встретиться снова весной."
)
# Ukrainian with the letters KOI8-R has no place for (і ї є ґ): KOI8-R reads them as box-drawing signs.
UKRAINIAN = (
    "Їжак і ґава єднаються: Україна та Казахстан підписали угоду про співпрацю. Її обговорювали "
    "в Астані, і сторони погодилися зустрітися знову навесні."
)
FRENCH = (
    "Le Kazakhstan et la Russie ont signé un accord à Astana ; les négociations ont duré trois heures, été comme hiver."
)
POLISH = "Kazachstan i Rosja podpisały umowę o dostawach zboża. Rozmowy w Astanie trwały trzy godziny, ósmego dnia."


def page(text: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


def test_header_latin1_over_utf8_russian_gives_the_russian_and_says_why():
    decoded = decode_page(page(RUSSIAN).encode("utf-8"), "iso-8859-1")
    assert RUSSIAN in decoded.text
    assert decoded.encoding == "utf-8"
    assert decoded.note == "the header charset 'iso-8859-1' gives mojibake (the bytes are UTF-8); read as utf-8"


@pytest.mark.parametrize("declared", ["windows-1252", "windows-1251", "koi8-r", "iso-8859-5"])
def test_any_single_byte_header_over_utf8_russian_gives_the_russian(declared):
    assert RUSSIAN in decode_html(page(RUSSIAN).encode("utf-8"), declared)


def test_header_windows_1251_that_is_right_is_used():
    decoded = decode_page(page(RUSSIAN).encode("cp1251"), "windows-1251")
    assert (RUSSIAN in decoded.text, decoded.encoding, decoded.note) == (True, "cp1251", "")


def test_meta_charset_alone_decides_koi8_u_which_the_guesser_gets_wrong():
    body = page(UKRAINIAN, meta="koi8-u").encode("koi8_u")
    decoded = decode_page(body, None)
    assert UKRAINIAN in decoded.text
    assert (decoded.encoding, decoded.note) == ("koi8-u", "")
    # Without the meta tag the same bytes are guessed as KOI8-R, which loses і ї є ґ.
    assert UKRAINIAN not in decode_html(page(UKRAINIAN).encode("koi8_u"), None)


def test_meta_charset_wins_over_utf8_and_guessing():
    body = page(RUSSIAN, meta="windows-1251").encode("cp1251")
    assert decode_page(body).encoding == "cp1251"
    assert RUSSIAN in decode_html(body)


def test_utf8_byte_order_mark_wins_over_header_and_meta():
    body = b"\xef\xbb\xbf" + page(RUSSIAN, meta="koi8-r").encode("utf-8")
    decoded = decode_page(body, "iso-8859-1")
    assert decoded.text.startswith("<html>") and RUSSIAN in decoded.text
    assert decoded.encoding == "utf-8"


def test_utf16_byte_order_mark_wins_over_a_header():
    body = page(RUSSIAN).encode("utf-16")
    assert RUSSIAN in decode_html(body, "iso-8859-1")


@pytest.mark.parametrize(("text", "encoding"), [(FRENCH, "iso-8859-1"), (POLISH, "iso-8859-2"), (FRENCH, "cp1252")])
def test_a_truly_legacy_page_declared_rightly_stays_as_is(text, encoding):
    decoded = decode_page(page(text).encode(encoding), encoding)
    assert text in decoded.text
    assert decoded.note == ""


def test_windows_1251_header_over_a_koi8_r_page_is_overruled_by_the_letter_mix():
    decoded = decode_page(page(RUSSIAN).encode("koi8_r"), "windows-1251")
    assert RUSSIAN in decoded.text
    assert decoded.encoding == "koi8-r"
    assert decoded.note == (
        "the header charset 'windows-1251' gives mojibake (its Cyrillic letters are not the usual mix); read as koi8-r"
    )


def test_a_wrong_header_falls_back_to_a_right_meta():
    body = page(RUSSIAN, meta="koi8-r").encode("koi8_r")
    decoded = decode_page(body, "windows-1251")
    assert RUSSIAN in decoded.text and decoded.encoding == "koi8-r"
    assert (
        decoded.note == "the header charset 'windows-1251' gives mojibake (its Cyrillic letters are not the usual mix)"
    )


def test_an_unknown_or_unfitting_header_is_named_in_the_note():
    unknown = decode_page(page(RUSSIAN).encode("utf-8"), "x-no-such-charset")
    assert RUSSIAN in unknown.text
    assert unknown.note == "the header charset 'x-no-such-charset' is unknown; read as utf-8"
    unfitting = decode_page(page(RUSSIAN).encode("utf-8"), "ascii")
    assert RUSSIAN in unfitting.text
    assert unfitting.note == "the header charset 'ascii' does not fit the bytes; read as utf-8"


def test_a_page_in_capitals_declared_rightly_is_not_taken_for_mojibake():
    # Capitals swap the case pattern the undeclared guess relies on; the letter mix stays Russian.
    shouting = RUSSIAN.upper()
    decoded = decode_page(page(shouting).encode("cp1251"), "windows-1251")
    assert (shouting in decoded.text, decoded.encoding, decoded.note) == (True, "cp1251", "")


def test_mojibake_with_nothing_cleaner_is_kept_and_said():
    # Every Cyrillic letter equally often: no reading gives Russian's usual mix, and a Latin guess is
    # no better, so the declaration is kept and the note says so.
    body = page(bytes(range(0xC0, 0x100)).decode("cp1251") * 4).encode("cp1251")
    decoded = decode_page(body, "windows-1251")
    assert decoded.encoding == "cp1251"
    assert decoded.note == (
        "the header charset 'windows-1251' gives mojibake (its Cyrillic letters are not the usual mix); "
        "no other reading was cleaner, so it was kept"
    )


def test_a_wrong_declaration_is_overruled_by_the_detector():
    decoded = decode_page(page(RUSSIAN).encode("cp1251"), "iso-8859-5")
    assert RUSSIAN in decoded.text and decoded.encoding == "cp1251"
    assert decoded.note.startswith("the header charset 'iso-8859-5' gives mojibake")


def test_meta_charset_after_a_long_head_is_still_read():
    # Real pages put scripts and styles before the charset; browsers look at the first 1024 bytes at
    # least, this reader at the first 8 KB.
    padding = "<script>var x = 1;</script>" * 150  # about 4 KB
    html = page(UKRAINIAN, meta="koi8-u").replace("<head>", f"<head>{padding}")
    decoded = decode_page(html.encode("koi8_u"))
    assert UKRAINIAN in decoded.text and decoded.encoding == "koi8-u"


@pytest.mark.parametrize("charset", ["undefined", "punycode", "idna", "utf\x008", "rot13", "base64"])
def test_a_charset_that_is_no_page_encoding_is_read_as_undeclared(charset):
    # codecs.lookup knows these, but they raise on any page or are not text encodings at all
    body = "<p>Казахстан и Россия подписали соглашение.</p>".encode()
    decoded = decode_page(body, charset)
    assert (decoded.text, decoded.encoding) == (body.decode(), "utf-8")
    assert decoded.note == f"the header charset {charset!r} is unknown; read as utf-8"
