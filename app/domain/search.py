"""What a shopper types in the catalogue's search box, as the terms to look for.

Only letters and digits (of any script) make words; everything else separates them, so
nothing typed reaches a database's search syntax: quotes, `*`, `-`, `:`, brackets and
the like never mean anything, and "OR" or "NEAR" are words like any other.

A term is what stands between spaces: one word ("tea"), or words joined by other
characters ("TEA-1", "t-shirt"), which must follow one another as typed. Every term
must match, and its last word may be the start of a longer one ("tea" finds "teapot").
"""
import re
import unicodedata

MAX_TYPED = 200  # characters of the box read; the rest is ignored
MAX_WORDS = 8    # words looked for; more narrow a search little and cost more
MAX_WORD = 40    # characters of one word
_WORD = re.compile(r"[^\W_]+")

Term = tuple[str, ...]  # words that follow one another


def search_terms(typed: str) -> list[Term]:
    """The distinct terms of `typed`, in order, with at most MAX_WORDS words in all,
    each of at most MAX_WORD characters."""
    terms: list[Term] = []
    seen: set[Term] = set()
    room = MAX_WORDS
    for chunk in unicodedata.normalize("NFC", typed[:MAX_TYPED]).split():
        term = tuple(word[:MAX_WORD] for word in _WORD.findall(chunk))[:room]
        key = tuple(word.casefold() for word in term)
        if not term or key in seen:
            continue
        seen.add(key)
        terms.append(term)
        room -= len(term)
        if room == 0:
            break
    return terms


def fts5_match(terms: list[Term], column: str | None = None) -> str:
    """An SQLite FTS5 query for rows with every term, in any column or in `column` only.
    Each term is a quoted phrase (its words cannot hold a quote), its last word a prefix."""
    phrases = [f'"{" ".join(term)}"*' for term in terms]
    if column is not None:
        phrases = [f"{column} : {phrase}" for phrase in phrases]
    return " AND ".join(phrases)


def tsquery(terms: list[Term], weight: str = "") -> str:
    """A PostgreSQL to_tsquery text for rows with every term: its words one after
    another (<->), its last word a prefix (:*); with a `weight` ("A"), only words of
    that weight count (the name's, in the products' search vector)."""
    def word(text: str, last: bool) -> str:
        return f"{text}:{'*' if last else ''}{weight}" if last or weight else text
    return " & ".join(
        "(" + " <-> ".join(word(w, i == len(term) - 1) for i, w in enumerate(term)) + ")"
        for term in terms)
