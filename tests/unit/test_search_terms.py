"""What the search box's text becomes: terms of words, and the query each database gets.
Nothing typed survives as search syntax."""
import pytest

from app.domain.search import (MAX_TYPED, MAX_WORD, MAX_WORDS, fts5_match, search_terms,
                               tsquery)


@pytest.mark.parametrize("typed, terms", [
    ("", []),
    ("   ", []),
    ("tea", [("tea",)]),
    ("green tea", [("green",), ("tea",)]),
    ("TEA-1", [("TEA", "1")]),                 # joined by punctuation: one term, in order
    ("t-shirt, red", [("t", "shirt"), ("red",)]),
    ('"green tea"', [("green",), ("tea",)]),    # quotes make no phrase
    ('"green', [("green",)]),
    ("tea*", [("tea",)]),
    ("-tea", [("tea",)]),
    ("tea OR cup", [("tea",), ("OR",), ("cup",)]),  # OR is a word like any other
    ("NEAR(tea cup)", [("NEAR", "tea"), ("cup",)]),
    ("name:tea", [("name", "tea")]),
    ("{name}:tea", [("name", "tea")]),
    ("tea:*", [("tea",)]),
    ("tea <-> cup", [("tea",), ("cup",)]),
    ("!tea & (cup | pot)", [("tea",), ("cup",), ("pot",)]),
    ("snake_case", [("snake", "case")]),       # the underscore too
    ("* - \" ' ( ) : ^ + % _ \\", []),
    ("Tea tea TEA", [("Tea",)]),               # a repeat, whatever its case, once
    ("Thé Чай お茶", [("Thé",), ("Чай",), ("お茶",)]),
    ("Thé", [("Thé",)]),                 # accents composed first (NFC)
    ("🍵 tea", [("tea",)]),
    ("tea\u200bcup", [("tea", "cup")]),        # a zero-width space is not a letter
])
def test_what_is_typed_becomes_terms_of_letters_and_digits(typed, terms):
    assert search_terms(typed) == terms


def test_at_most_max_words_are_looked_for_counting_every_word_of_each_term():
    assert search_terms(" ".join(f"w{i}" for i in range(MAX_WORDS + 3))) == \
        [(f"w{i}",) for i in range(MAX_WORDS)]
    assert search_terms("a b c d e f g-h-i-j") == \
        [("a",), ("b",), ("c",), ("d",), ("e",), ("f",), ("g", "h")]
    assert len(search_terms("-".join("abcdefghijkl"))[0]) == MAX_WORDS


def test_a_word_is_cut_at_max_word_characters_and_the_text_at_max_typed():
    assert search_terms("x" * (MAX_WORD + 5)) == [("x" * MAX_WORD,)]
    assert search_terms("x" * MAX_WORD) == [("x" * MAX_WORD,)]
    assert search_terms(" " * (MAX_TYPED - 3) + "tea") == [("tea",)]
    assert search_terms(" " * (MAX_TYPED - 2) + "tea") == [("te",)]
    assert search_terms(" " * MAX_TYPED + "tea") == []


@pytest.mark.parametrize("terms, column, match", [
    ([("tea",)], None, '"tea"*'),
    ([("green",), ("tea",)], None, '"green"* AND "tea"*'),
    ([("TEA", "1")], None, '"TEA 1"*'),
    ([("green",), ("tea",)], "name", 'name : "green"* AND name : "tea"*'),
    ([("OR",), ("NEAR",)], "sku", 'sku : "OR"* AND sku : "NEAR"*'),
])
def test_fts5_gets_each_term_as_a_quoted_prefix_phrase(terms, column, match):
    assert fts5_match(terms, column) == match


@pytest.mark.parametrize("terms, weight, query", [
    ([("tea",)], "", "(tea:*)"),
    ([("green",), ("tea",)], "", "(green:*) & (tea:*)"),
    ([("TEA", "RED", "M")], "", "(TEA <-> RED <-> M:*)"),
    ([("tea",)], "A", "(tea:*A)"),
    ([("green",), ("TEA", "1")], "B", "(green:*B) & (TEA:B <-> 1:*B)"),
])
def test_postgresql_gets_each_term_as_a_prefix_phrase(terms, weight, query):
    assert tsquery(terms, weight) == query
