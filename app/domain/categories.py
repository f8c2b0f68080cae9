"""Category names as people type them, and the slugs that name categories in links."""
import re
import unicodedata
from collections.abc import Iterable

NAME_LENGTH = 100  # the most characters of a category's name
SLUG_LENGTH = 120  # room for the name's slug and a "-12" that tells two apart
_SPACES = re.compile(r"\s+")
# Letters and digits of any script are kept; everything else separates words.
_NOT_A_WORD = re.compile(r"[\W_]+")


class CategoryNameError(ValueError):
    """A typed category name that cannot be saved; the message says why."""


def clean_name(typed: str) -> str:
    """A category's name as saved: Unicode in its composed form, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", typed)).strip()


def category_names(names: Iterable[str]) -> list[str]:
    """The distinct names among `names`, cleaned, in the order given; a name that
    differs from an earlier one only by case or spacing is the same category."""
    seen: set[str] = set()
    kept: list[str] = []
    for typed in names:
        name = clean_name(typed)
        if not name:
            continue
        if len(name) > NAME_LENGTH:
            raise CategoryNameError(
                f"A category name has at most {NAME_LENGTH} characters: {name[:20]}…")
        if name_key(name) not in seen:
            seen.add(name_key(name))
            kept.append(name)
    return kept


def split_names(text: str) -> list[str]:
    """The names in a comma-separated list, as typed in the product form."""
    return category_names(text.split(","))


def name_key(name: str) -> str:
    """What two names share when they name the same category ("Tea", " tea ")."""
    return clean_name(name).casefold()


def slugify(name: str) -> str:
    """The slug of a name: lower case, words joined by "-", letters of any script kept
    ("Thé & Café" gives "thé-café"), at most SLUG_LENGTH - 4 characters."""
    words = _NOT_A_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold()).split()
    # Cut, a slug may end in the dash before a word. No mutation of the characters
    # stripped matters but dropping the dash: a casefolded slug holds no capitals.
    return "-".join(words)[:SLUG_LENGTH - 4].rstrip("-")  # pragma: no mutate (see above)


def unique_slug(name: str, taken: Iterable[str]) -> str:
    """The slug of `name`, numbered ("tea-2", "tea-3", ...) past the slugs `taken`."""
    taken = set(taken)
    base = slugify(name) or "category"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
