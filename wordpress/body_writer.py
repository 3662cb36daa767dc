"""What the body builder writes: the paragraph being written, and the tree of boxes, paragraphs and figures.

``Inline`` turns the text and inline elements of one paragraph (or caption) into escaped HTML;
the builder appends each finished paragraph, figure or box to the ``Box`` open where it is;
``serialised`` writes the tree as the few elements our editor knows (articles/body.py),
leaving out what ended up empty.
"""

import re
from dataclasses import dataclass, field
from html import escape

_TRAILING_BREAKS = re.compile(r"(?:\s|<br>)+((?:</(?:strong|em|a)>)*)$")
_EMPTY_INLINE = re.compile(r"<(strong|em|a)\b[^>]*>(\s*)</\1>")


class Inline:
    """The paragraph (or caption) being written: escaped text and the inline elements open around it.

    Open elements are written lazily, just before the text they hold, so that a link around an
    image, or a <strong> across two paragraphs (which wpautop produces), never leaves an empty
    element behind; at a paragraph's end they are closed, and reopened in the next one if still open.
    """

    __slots__ = ("pieces", "open", "written", "has_text", "last_break", "ends_in_space", "separator")

    def __init__(self):
        self.open: list[tuple[str, str | None, int]] = []  # (tag, opening HTML or None when transparent, level)
        self._reset()

    def _reset(self):
        self.pieces: list[str] = []
        self.written = 0
        self.has_text = False
        self.last_break: str | None = None
        self.ends_in_space = True
        self.separator = ""

    def add(self, text: str):
        if not self.has_text:
            text = text.lstrip()
        elif self.ends_in_space:
            text = text.lstrip(" ")
        if not text:
            return
        if self.separator and not text.isspace():
            # Between table cells, outside the cell's own <strong>.
            self.pieces.append(self.separator.lstrip() if self.ends_in_space else self.separator)
            self.separator = ""
        for _tag, opening, _level in self.open[self.written :]:
            if opening:
                self.pieces.append(opening)
        self.written = len(self.open)
        self.pieces.append(escape(text, quote=False))
        if not text.isspace():
            self.has_text = True
            self.last_break = None
        self.ends_in_space = text[-1] == " "

    def add_break(self, kind: str):
        self.pieces.append("<br>")
        self.last_break = kind
        self.ends_in_space = True

    def is_open(self, tag: str) -> bool:
        return any(opening and open_tag == tag for open_tag, opening, _level in self.open)

    def push(self, tag: str, opening: str | None, level: int = 0):
        self.open.append((tag, opening, level))

    def push_mark(self, tag: str, level: int = 0):
        """Open <strong> or <em>; inside one already open, only its end tag is awaited (no <strong> in <strong>)."""
        self.push(tag, None if self.is_open(tag) else f"<{tag}>", level)

    def close(self, index: int):
        """Close the element at ``index``; those opened inside it stay open (and are reopened), as browsers do."""
        for position in range(len(self.open) - 1, index - 1, -1):
            tag, opening, _level = self.open[position]
            if position < self.written and opening:
                self.pieces.append(f"</{tag}>")
        del self.open[index]
        self.written = min(self.written, index)

    def close_tag(self, tag: str):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                self.close(index)
                return

    def close_deeper_than(self, level: int):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][2] > level:
                self.close(index)

    def finish(self) -> str | None:
        """The paragraph's HTML (None when it holds no text), its inline elements closed; ready for the next one."""
        has_text = self.has_text
        closing = "".join(f"</{tag}>" for tag, opening, _level in reversed(self.open[: self.written]) if opening)
        html = "".join(self.pieces) + closing
        self._reset()
        if not has_text:
            return None
        html = _TRAILING_BREAKS.sub(r"\1", html)
        return _EMPTY_INLINE.sub(r"\2", _EMPTY_INLINE.sub(r"\2", html)).strip()


# The body being built: boxes (root, aside, blockquote, lists and items) holding paragraphs and figures.


@dataclass
class Box:
    tag: str
    attributes: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


@dataclass
class TextBlock:
    tag: str
    html: str


@dataclass
class Figure:
    image_id: int
    caption: str = ""


def serialised(nodes: list) -> str:
    """The HTML of a box's children, empty ones left out; a list that only holds pictures is its pictures."""
    parts = []
    for node in nodes:
        if isinstance(node, TextBlock):
            parts.append(f"<{node.tag}>{node.html}</{node.tag}>")
        elif isinstance(node, Figure):
            caption = f"<figcaption>{node.caption}</figcaption>" if node.caption else ""
            parts.append(f'<figure><img data-file="{node.image_id}" alt="">{caption}</figure>')
        elif node.tag in ("ul", "ol"):
            items = [(item, serialised(item.children)) for item in node.children]
            items = [(item, html) for item, html in items if html]
            if items and all(isinstance(child, Figure) for item, _html in items for child in item.children):
                # A gallery laid out as a list: its pictures, one after the other.
                parts.append("".join(html for _item, html in items))
            elif items:
                start = f' start="{node.attributes["start"]}"' if node.attributes.get("start") else ""
                inner = "".join(f"<li>{html}</li>" for _item, html in items)
                parts.append(f"<{node.tag}{start}>{inner}</{node.tag}>")
        elif node.tag == "aside":
            inner = serialised(node.children)
            if inner or node.attributes.get("data-title"):
                attributes = "".join(f' {name}="{escape(value)}"' for name, value in node.attributes.items())
                parts.append(f'<aside data-callout=""{attributes}>{inner or "<p></p>"}</aside>')
        else:
            inner = serialised(node.children)
            if inner:
                parts.append(f"<{node.tag}>{inner}</{node.tag}>")
    return "".join(parts)
