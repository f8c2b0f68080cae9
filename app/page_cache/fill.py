"""A rendered page kept with markers where each response puts its own tokens.

The catalogue and product pages are the same for every shopper but for a few values: the
CSRF token of the session, the one-time token of each buy form, and what the session
alone says (the count on the header's Cart link: VISITOR_GLOBALS). So a page is rendered
with markers in their place, kept split at the markers, and each response joins the
parts with this shopper's CSRF token, fresh one-time tokens and session values.
"""
import re
from collections.abc import Hashable, Mapping

from markupsafe import Markup, escape

from app.forms import new_once_token

CSRF_MARK = Markup("<!--page-cache:csrf-->")
ONCE_MARK = Markup("<!--page-cache:once-->")
# Template globals whose value comes from the visitor's session alone (no SQL): a kept
# page holds a marker for each, filled per response by calling the global itself.
VISITOR_GLOBALS = {"cart_count": Markup("<!--page-cache:cart_count-->")}
# Autoescaping turns every "<" of the data shown into "&lt;", so a marker can only
# come from the template itself.
_MARKS = re.compile(f"<!--page-cache:(csrf|once|{'|'.join(VISITOR_GLOBALS)})-->")


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

    def fill(self, csrf_token: str, visitor: Mapping[str, str] | None = None) -> str:
        """The page with this session's CSRF token, a one-time token per form (one
        random part per response and the form's place, unique as the forms need) and
        the session's own values (`visitor`, by the name of their global)."""
        parts, once = self.parts, new_once_token()
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            kind = parts[i]
            out.append(csrf_token if kind == "csrf" else f"{once}-{i}" if kind == "once"
                       else str(escape((visitor or {})[kind])))
            out.append(parts[i + 1])
        return "".join(out)
