"""Category names as typed, and the slugs that name categories in links."""
import pytest

from app.domain.categories import (NAME_LENGTH, SLUG_LENGTH, CategoryNameError, category_names,
                                   name_key, slugify, split_names, unique_slug)


@pytest.mark.parametrize("name, slug", [
    ("Tea", "tea"),
    ("Green tea", "green-tea"),
    ("  Green   tea  ", "green-tea"),
    ("Thé & Café", "thé-café"),           # letters of any script are kept
    ("Thé & Café", "thé-café"),     # decomposed accents compose first
    ("Чай", "чай"),
    ("お茶", "お茶"),
    ("T-shirts / Tops", "t-shirts-tops"),
    ("snake_case", "snake-case"),
    ("ﬁne", "fine"),                      # compatibility forms fold (NFKC)
    ("Straße", "strasse"),                # case folding, not only lower case
    ("!!!", ""),
    ("x" * 300, "x" * (SLUG_LENGTH - 4)),
    ("x" * (SLUG_LENGTH - 5) + " y", "x" * (SLUG_LENGTH - 5)),  # no dash left where cut
])
def test_a_slug_keeps_the_words_of_the_name_in_lower_case(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize("name, taken, slug", [
    ("Tea", set(), "tea"),
    ("Tea", {"tea"}, "tea-2"),
    ("Tea", {"tea", "tea-2"}, "tea-3"),
    ("Tea", {"tea-2"}, "tea"),
    ("!!!", set(), "category"),
    ("!!!", {"category"}, "category-2"),
])
def test_a_new_slug_is_numbered_past_the_slugs_taken(name, taken, slug):
    assert unique_slug(name, taken) == slug


@pytest.mark.parametrize("text, names", [
    ("", []),
    ("Tea", ["Tea"]),
    ("Tea, Coffee", ["Tea", "Coffee"]),
    ("Tea,,  , Coffee,", ["Tea", "Coffee"]),
    ("Tea, tea, TEA ", ["Tea"]),                # the same category, whatever its case
    ("Green  tea, green tea", ["Green tea"]),
    ("Café, Café", ["Café"]),             # and whatever its Unicode form
])
def test_a_comma_separated_list_gives_each_category_once(text, names):
    assert split_names(text) == names


def test_a_name_may_be_as_long_as_the_limit_and_no_longer():
    assert category_names(["x" * NAME_LENGTH]) == ["x" * NAME_LENGTH]
    with pytest.raises(CategoryNameError) as refused:
        category_names(["Tea", "abcdefghijklmnopqrstuvwxyz" * 4])
    assert str(refused.value) == \
        f"A category name has at most {NAME_LENGTH} characters: abcdefghijklmnopqrst…"


def test_names_that_differ_in_case_and_spacing_share_a_key():
    assert name_key(" Green   Tea") == name_key("green tea") != name_key("green teas")
