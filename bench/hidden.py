"""The hidden fields of a page's first form (CSRF token, one-time token), as a browser
would send them back: for the benches that sign in or post forms in process."""
import re

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME, VALUE = re.compile(r'name="([^"]+)"'), re.compile(r'value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name and value:
            fields.setdefault(name.group(1), value.group(1))
    return fields
