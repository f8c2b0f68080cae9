"""Reading the pages as a person (or a screen reader) would: labels, fields, buttons, messages.

A small tree over html.parser, so the web tests need nothing beyond the standard library.
"""
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Element"]:
        return [el for el in self.iter()
                if (tag is None or el.tag == tag)
                and all(el.attrs.get(name.rstrip("_").replace("_", "-")) == value
                        for name, value in attrs.items())]

    def find(self, tag: str | None = None, **attrs) -> "Element | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def ancestor(self, tag: str) -> "Element | None":
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value if value is not None else "" for name, value in attrs},
                          parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def textarea_value(element: Element) -> str:
    """A textarea's text, without the one leading newline HTML drops."""
    text = "".join(c for c in element.children if isinstance(c, str))
    for newline in ("\r\n", "\n"):
        if text.startswith(newline):
            return text[len(newline):]
    return text


class Page:
    """A rendered page, queried by what people see: label text, button text, messages."""

    def __init__(self, response_or_html):
        if isinstance(response_or_html, Element):
            self.html, self.root = "", response_or_html
            return
        html = response_or_html if isinstance(response_or_html, str) \
            else response_or_html.get_data(as_text=True)
        self.html = html
        builder = _TreeBuilder()
        builder.feed(html)
        builder.close()
        self.root = builder.root

    def form(self, action: str) -> "Page":
        """The form posting to `action`, queried on its own (pages hold several forms)."""
        found = [form for form in self.root.find_all("form") if form.attrs.get("action") == action]
        assert len(found) == 1, f"{len(found)} forms post to {action!r}"
        return Page(found[0])

    @property
    def text(self) -> str:
        body = self.root.find("main") or self.root
        return body.text

    def ids(self) -> list[str]:
        return [el.attrs["id"] for el in self.root.iter() if "id" in el.attrs]

    def labels(self, within: Element | None = None) -> dict[str, str]:
        """Label text -> the id its `for` names."""
        scope = within or self.root
        return {label.text: label.attrs["for"] for label in scope.find_all("label")
                if "for" in label.attrs}

    def control(self, label: str) -> Element:
        """The input, select or textarea a `<label for>` with this text points at."""
        labels = self.labels()
        assert label in labels, f"no <label for> reading {label!r}; labels: {sorted(labels)}"
        matches = [el for el in self.root.iter() if el.attrs.get("id") == labels[label]
                   and el.tag in ("input", "select", "textarea")]
        assert len(matches) == 1, f"label {label!r} points at {len(matches)} controls"
        return matches[0]

    def value(self, label: str) -> str:
        control = self.control(label)
        if control.tag == "select":
            chosen = [o for o in control.find_all("option") if "selected" in o.attrs]
            return (chosen or control.find_all("option"))[0].attrs.get("value", "")
        if control.tag == "textarea":
            return textarea_value(control)
        return control.attrs.get("value", "")

    def options(self, label: str) -> list[str]:
        return [option.text for option in self.control(label).find_all("option")]

    def errors(self, label: str) -> list[str]:
        """The messages shown next to a field (the ones its aria-describedby points at)."""
        control = self.control(label)
        wrapper = control.parent
        return [p.text for p in wrapper.find_all("p") if p.has_class("error")]

    def all_errors(self) -> list[str]:
        return [p.text for p in self.root.find_all("p") if p.has_class("error")]

    def flashes(self) -> list[str]:
        return [p.text for p in self.root.find_all("p") if p.has_class("flash")]

    def buttons(self) -> list[Element]:
        return self.root.find_all("button")

    def button(self, text: str) -> Element:
        found = [b for b in self.buttons() if b.text == text]
        assert len(found) == 1, f"{len(found)} buttons read {text!r}: {self.button_texts()}"
        return found[0]

    def button_texts(self) -> list[str]:
        return [b.text for b in self.buttons()]

    def hidden(self, name: str, form: Element | None = None) -> str:
        scope = form or self.root
        found = scope.find("input", name=name)
        assert found is not None, f"no input named {name!r}"
        return found.attrs.get("value", "")

    def form_of(self, button_text: str) -> Element:
        form = self.button(button_text).ancestor("form")
        assert form is not None, f"button {button_text!r} is not in a form"
        return form

    def form_data(self, button_text: str) -> dict[str, str]:
        """What the browser would post when the button is pressed (text inputs as shown)."""
        form = self.form_of(button_text)
        data: dict[str, str] = {}
        for el in form.iter():
            name = el.attrs.get("name")
            if not name or "disabled" in el.attrs:
                continue
            if el.tag == "input":
                kind = el.attrs.get("type", "text")
                if kind in ("checkbox", "radio"):
                    if "checked" in el.attrs:
                        data[name] = el.attrs.get("value", "on")
                elif kind not in ("submit", "button"):
                    data[name] = el.attrs.get("value", "")
            elif el.tag == "select":
                chosen = [o for o in el.find_all("option") if "selected" in o.attrs] \
                    or el.find_all("option")
                data[name] = chosen[0].attrs.get("value", chosen[0].text) if chosen else ""
            elif el.tag == "textarea":
                data[name] = textarea_value(el)
        button = self.button(button_text)
        if button.attrs.get("name"):
            data[button.attrs["name"]] = button.attrs.get("value", "")
        return data

    def links(self) -> dict[str, str]:
        """Link text -> href (the first of each text)."""
        found: dict[str, str] = {}
        for a in self.root.find_all("a"):
            found.setdefault(a.text, a.attrs.get("href", ""))
        return found

    def table_rows(self, caption_contains: str = "") -> list[list[str]]:
        for table in self.root.find_all("table"):
            caption = table.find("caption")
            if caption_contains and (caption is None or caption_contains not in caption.text):
                continue
            body = table.find("tbody") or table
            return [[cell.text for cell in row.find_all() if cell.tag in ("td", "th")]
                    for row in body.find_all("tr")]
        raise AssertionError(f"no table with a caption containing {caption_contains!r}")

    def __contains__(self, text: str) -> bool:
        return text in self.text
