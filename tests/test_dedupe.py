"""Deduplication keys: the canonical URL (golden values) and the MinHash fingerprint of a text."""

from __future__ import annotations

import pytest

from pipeline.dedupe import MIN_WORDS, PERMUTATIONS, SAME_STORY, band_keys, canonicalize_url, fingerprint, similarity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://news.example.kz/a?id=1", "https://news.example.kz/a?id=1"),
        ("HTTP://WWW.News.Example.KZ:80/a/?utm_source=x&id=2#top", "https://news.example.kz/a?id=2"),
        ("https://news.example.kz:443//a//b/", "https://news.example.kz/a/b"),
        ("https://news.example.kz:8443/a", "https://news.example.kz:8443/a"),
        ("http://news.example.kz:443/a", "https://news.example.kz:443/a"),  # 443 is not http's default
        ("https://news.example.kz./", "https://news.example.kz/"),
        ("https://news.example.kz", "https://news.example.kz/"),
        ("https://news.example.kz/a?b=2&a=1&a=0", "https://news.example.kz/a?a=0&a=1&b=2"),
        ("https://news.example.kz/a?q=&page=2", "https://news.example.kz/a?page=2&q="),  # blank values stay
        ("https://news.example.kz/Story/ABC", "https://news.example.kz/Story/ABC"),  # paths keep their case
        ("https://news.example.kz/a?q=%D0%B0+b", "https://news.example.kz/a?q=%D0%B0+b"),
        (
            "https://news.example.kz/a?id=7&fbclid=1&gclid=2&yclid=3&UTM_Medium=4&pk_campaign=5&ref=6&_ga=7",
            "https://news.example.kz/a?id=7",
        ),
        ("https://news.example.kz/a?FBCLID=1&Ref=x&id=3", "https://news.example.kz/a?id=3"),  # any case
        ("https://news.example.kz/a?reference=1&fromage=2", "https://news.example.kz/a?fromage=2&reference=1"),
        ("  https://news.example.kz/a  ", "https://news.example.kz/a"),
    ],
)
def test_canonical_url_golden_values(url, canonical):
    assert canonicalize_url(url) == canonical


def test_distinct_articles_that_differ_only_in_the_query_stay_distinct():
    first, second = canonicalize_url("https://a.example/a?id=1"), canonicalize_url("https://a.example/a?id=2")
    assert first != second
    assert canonicalize_url("https://a.example/a?id=1&utm_campaign=x") == first


def _words(seed: int, n: int) -> list[str]:
    return [f"w{(seed * 7919 + i * 104729) % 1009}" for i in range(n)]


def test_fingerprint_is_stable_and_has_one_hex_value_per_permutation():
    text = " ".join(_words(1, 60))
    fp = fingerprint(text)
    assert len(fp) == 8 * PERMUTATIONS and int(fp, 16) >= 0
    assert fp == fingerprint(text.upper())  # case does not matter
    assert fp == fingerprint(" ".join(_words(1, 60)))  # and it does not depend on the run
    assert fp[:24] == "065a8ef303c9bcbc01695a70", fp[:24]  # fixed seeds: stable across machines


def test_short_texts_have_no_fingerprint_and_no_band_keys():
    assert fingerprint(" ".join(_words(1, MIN_WORDS - 1))) == ""
    assert fingerprint(" ".join(_words(1, MIN_WORDS))) != ""
    assert band_keys("") == [] and similarity("", fingerprint(" ".join(_words(1, 60)))) == 0.0


def test_similarity_separates_an_edited_copy_from_another_story():
    words = _words(3, 200)
    edited = [*words[:100], "changed", "sentence", "here", *words[100:]]
    other = _words(5, 200)
    original = fingerprint(" ".join(words))
    assert similarity(original, original) == 1.0
    assert similarity(original, fingerprint(" ".join(edited))) >= 0.8
    assert similarity(original, fingerprint(" ".join(other))) < SAME_STORY
    assert similarity(original, original[:-8]) == 0.0  # fingerprints of different lengths never match


def test_band_keys_are_sixteen_and_shared_by_near_copies():
    words = _words(3, 200)
    a = fingerprint(" ".join(words))
    b = fingerprint(" ".join([*words[:150], "one", "new", "sentence", *words[150:]]))
    keys_a, keys_b = band_keys(a), band_keys(b)
    assert len(keys_a) == 16 and len(set(keys_a)) == 16
    assert set(keys_a) & set(keys_b)
    assert band_keys(a) == keys_a
