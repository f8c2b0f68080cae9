"""A rendered page kept with markers where each response puts its own tokens.

The catalogue and product pages are the same for every shopper but for two values: the
CSRF token of the session and the one-time token of each buy form. So a page is rendered
with markers in their place, kept split at the markers, and each response joins the
parts with this shopper's CSRF token and fresh one-time tokens.
"""
import re
from collections.abc import Hashable, Mapping

from markupsafe import Markup

from app.forms import new_once_token

CSRF_MARK = Markup("<!--page-cache:csrf-->")
ONCE_MARK = Markup("<!--page-cache:once-->")
# Autoescaping turns every "<" of the data shown into "&lt;", so a marker can only
# come from the template itself.
_MARKS = re.compile("<!--page-cache:(csrf|once)-->")


class Kept:
    """A rendered page split at its markers (text, kind, text, kind, ..., text), with
    what it shows: each product's face as rendered, and whether it lists products (so
    that a product added, removed or renamed changes it)."""

    __slots__ = ("faces", "lists", "parts")

    def __init__(self, html: str, faces: Mapping[int, Hashable] | None = None,
                 lists: bool = False):
        self.parts = _MARKS.split(html)
        self.faces = dict(faces or {})
        self.lists = lists

    def fill(self, csrf_token: str) -> str:
        """The page with this session's CSRF token and a one-time token per form:
        one random part per response and the form's place, unique as the forms need."""
        parts, once = self.parts, new_once_token()
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(csrf_token if parts[i] == "csrf" else f"{once}-{i}")
            out.append(parts[i + 1])
        return "".join(out)
