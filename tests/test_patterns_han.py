"""Chinese names inside a run of Han characters: for matching, each Han character is a word of its own,
so a zh name is found wherever it stands in a run, not only where the run starts; matching in every
other script is unchanged. Sentences written for these tests."""

from __future__ import annotations

from pipeline import score_article
from pipeline.scoring.actors import load_pair, sides_in
from pipeline.scoring.patterns import Match, PatternMatcher, han_words, parse_pattern
from pipeline.scoring.sentences import tokenize
from pipeline.scoring.side_names import may_name_a_side


def _matcher(*patterns: tuple[str, str]) -> PatternMatcher:
    parsed = [parse_pattern(text, kind) for text, kind in patterns]
    return PatternMatcher([p for p in parsed if p is not None])


def test_a_kazakh_name_in_the_middle_of_a_han_run_is_found():
    # One token each: "China and Kazakhstan signed ...", "Xi Jinping met Tokayev in Astana"
    assert tokenize("中国和哈萨克斯坦签署了协议") == ["中国和哈萨克斯坦签署了协议"]
    assert sides_in(tokenize("中国和哈萨克斯坦签署了协议"), "zh", "kz-cn") == {"a", "b"}
    assert sides_in(tokenize("今天习近平在阿斯塔纳会见托卡耶夫"), "zh", "kz-cn") == {"a", "b"}
    assert sides_in(tokenize("据报道，双方在霍尔果斯举行会谈"), "zh", "kz-cn") >= {"both"}


def test_a_match_inside_a_run_is_reported_on_the_token_that_holds_it():
    matcher = _matcher(("阿斯塔纳*", "a"), ("北京", "b"), ("astana", "a"))
    tokens = ["today", "北京和阿斯塔纳签署", "astana"]
    found = matcher.find(tokens)
    assert [(m.start, m.end, m.pattern.source) for m in found] == [
        (1, 2, "北京"),
        (1, 2, "阿斯塔纳*"),
        (2, 3, "astana"),
    ]
    assert all(isinstance(m, Match) for m in found)


def test_han_characters_are_one_word_each_and_other_scripts_stay_whole():
    assert han_words("中国和哈萨克斯坦") == ["中", "国", "和", "哈", "萨", "克", "斯", "坦"]
    assert han_words("中亚cis") == ["中", "亚", "cis"]
    assert han_words("kazakhstan") == ["kazakhstan"]
    pattern = parse_pattern("哈萨克*", "a")
    assert pattern is not None and pattern.words == ("哈", "萨", "克*")
    latin = parse_pattern("territorial claim*", "x")
    assert latin is not None and latin.words == ("territorial", "claim*")


def test_matching_in_other_scripts_is_unchanged():
    # Whole words stay whole words: no match inside a longer Latin, Cyrillic or Armenian token.
    matcher = _matcher(("astana", "a"), ("рос*", "b"), ("երևան*", "a"), ("rosj*", "b"))
    assert matcher.find(["nurastana", "пророссийский", "մերերևան", "prorosyjski"]) == []
    assert [m.start for m in matcher.find(["astana", "россия", "երևանում", "rosji"])] == [0, 1, 2, 3]


def test_the_quick_side_test_sees_a_name_inside_a_han_run():
    pair = load_pair("kz-cn")
    assert may_name_a_side("今天中国和哈萨克斯坦签署了协议", "zh", pair)
    assert not may_name_a_side("今天天气很好，我们去公园散步", "zh", pair)


def test_a_chinese_article_naming_both_sides_inside_runs_is_relevant_under_kz_cn():
    text = "今天习近平在北京会见了托卡耶夫。中国和哈萨克斯坦签署了合作协议。"
    assert score_article(text, pair="kz-cn", language="zh").relevance > 0
