"""The HTML elements of a post, as the body builder reads them.

Paragraphs, headings (six levels to our two), lists, quotations, tables (their cells as one
paragraph a row), preformatted text, figures and WordPress's own caption markup, links,
players (frames, videos, objects: a link to what they showed), and HTML comments (« more »).
Scripts, styles and form fields are dropped; any other element keeps its text and loses its tag.
"""

import re
from html import escape, unescape

from .body_builder import BLOCK_TAGS, INLINE_TAGS, BodyBuilder, Capture
from .body_writer import Box
from .html_reader import html_attributes
from .open_elements import HEADINGS, Frame

TABLE_TAGS = frozenset({"table", "tr", "td", "th", "caption"})
CELL_SEPARATOR = " – "
_SOURCE_SRC = re.compile(r"<(?:source|embed)\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_PARAM_MOVIE = re.compile(
    r"<param\b[^>]*?\bname\s*=\s*[\"']?movie[\"']?[^>]*?\bvalue\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE
)


class ElementConversion(BodyBuilder):
    """The body builder's handling of HTML: start and end tags, opaque elements (players, scripts), comments."""

    def start(self, tag: str, attribute_text: str, closed: bool):
        if self.capture is not None:
            self._capture_start(tag, attribute_text)
            return
        if tag in INLINE_TAGS:
            name = INLINE_TAGS[tag]
            self.inline.push_mark(name, len(self.open_elements))
        elif tag == "a":
            self._open_link(html_attributes(attribute_text))
        elif tag == "br":
            self.br()
        elif tag == "img":
            self.image(html_attributes(attribute_text))
        elif tag in ("iframe", "video", "audio", "object", "embed"):
            # Written « <iframe … /> », or left open: a player all the same.
            attributes = html_attributes(attribute_text)
            source = attributes.get("src") or attributes.get("data-src") or attributes.get("data")
            if source:
                self.embed_link(source)
        elif tag == "q":
            self.add("« ")
        elif tag in BLOCK_TAGS:
            self._start_block(tag, attribute_text, closed)

    def end(self, tag: str):
        if self.capture is not None and self._capture_end(tag):
            return
        if tag in INLINE_TAGS:
            self.inline.close_tag(INLINE_TAGS[tag])
        elif tag == "a":
            self.inline.close_tag("a")
        elif tag == "q":
            self.add(" »")
        elif tag == "br":
            self.br()  # « </br> », read as a <br> by browsers
        elif tag in BLOCK_TAGS:
            self._end_block(tag)

    def _start_block(self, tag: str, attribute_text: str, closed: bool):
        if self.open_elements.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag in HEADINGS:
            self.flush()
            index = self.open_elements.find({"h1", "h2", "h3", "h4", "h5", "h6"})
            if index is not None:
                self._pop_to(index)
            self.open_elements.push(Frame(tag, "heading"))
        elif tag in ("ul", "ol"):
            self.flush()
            outer = self.open_elements.box
            if outer.tag in ("ul", "ol") and outer.children and outer.children[-1].tag == "li":
                # A list straight in a list: in its last item.
                self.open_elements.push(Frame("li", "box", outer.children[-1]))
            start = html_attributes(attribute_text).get("start", "") if tag == "ol" else ""
            box = Box(tag, {"start": start} if start.isdigit() and start != "1" else {})
            self._append(box)
            self.open_elements.push(Frame(tag, "box", box))
        elif tag == "li":
            self.flush()
            self._close_item()
            if self.open_elements.box.tag not in ("ul", "ol"):
                box = Box("ul")
                self._append(box)
                self.open_elements.push(Frame("ul", "box", box))
            item = Box("li")
            self.open_elements.box.children.append(item)
            self.open_elements.push(Frame("li", "box", item))
        elif tag == "blockquote":
            self.flush()
            box = Box("blockquote")
            self._append(box)
            self.open_elements.push(Frame(tag, "box", box))
        elif tag == "table":
            self.flush()
            self.open_elements.push(Frame(tag, "table"))
        elif tag == "tr":
            self.flush()
            index = self.open_elements.find({"tr", "table"})
            if index is not None and self.open_elements[index].tag == "tr":
                self._pop_to(index)
            self.open_elements.push(Frame(tag, "row"))
        elif tag in ("td", "th"):
            index = self.open_elements.find({"td", "th", "tr", "table"})
            if index is not None and self.open_elements[index].tag in ("td", "th"):
                self._pop_to(index)
            if self.inline.has_text:
                self.inline.separator = CELL_SEPARATOR
            self.open_elements.push(Frame(tag, "cell"))
            if tag == "th":
                self.inline.push_mark("strong", len(self.open_elements))
        elif tag == "caption":
            self.flush()
            self.open_elements.push(Frame(tag, "block"))
        elif tag == "pre":
            self.flush()
            self.open_elements.push(Frame(tag, "pre"))
        elif tag == "figcaption" or self._is_caption_text(attribute_text, tag):
            self._start_figcaption(tag)
        elif tag == "figure" or (tag in ("div", "dl") and self._is_caption_box(attribute_text)):
            self.flush()
            self.open_elements.push(Frame(tag, "figure"))
        elif tag == "dt":
            self.flush()
            self.open_elements.push(Frame(tag, "block"))
            self.inline.push_mark("strong", len(self.open_elements))
        else:
            self.flush()
            if not closed and tag not in ("p", "hr"):
                self.open_elements.push(Frame(tag, "block"))

    def _end_block(self, tag: str):
        if self.open_elements.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag == "p" or tag == "hr":
            self.flush()
            return
        if tag in ("td", "th"):
            index = self.open_elements.find({"td", "th"})
            if index is not None:
                self._pop_to(index)  # the row goes on: no paragraph break
            return
        tags = {"h1", "h2", "h3", "h4", "h5", "h6"} if tag in HEADINGS else {tag}
        index = self.open_elements.find(tags)
        if index is None and tag in ("ul", "ol"):
            index = self.open_elements.find({"ul", "ol"})
        if index is None:
            self.flush()
            return
        self.flush()
        self._pop_to(index)

    def _close_item(self):
        """A new <li> closes the item still open in the same list (HTML's implied </li>)."""
        index = self.open_elements.open_item()
        if index is not None:
            self._pop_to(index)

    @staticmethod
    def _is_caption_box(attribute_text: str) -> bool:
        """WordPress's own rendering of a caption, pasted back into a post: <div class="wp-caption">."""
        return "wp-caption" in attribute_text and re.search(r"\bwp-caption(?!-)", attribute_text) is not None

    @staticmethod
    def _is_caption_text(attribute_text: str, tag: str) -> bool:
        return tag in ("p", "dd", "div") and re.search(r"\bwp-caption-(?:text|dd)\b", attribute_text) is not None

    def _start_figcaption(self, tag: str):
        self.flush()
        frame = self.open_elements.nearest("figure")
        if frame is not None and len(frame.figures) == 1 and not frame.figures[0].caption:
            self.capture = Capture("figcaption", tag, target=frame.figures[0])
        elif tag != "p":
            # The caption of a table, of a gallery or of a missing image: a paragraph, so that nothing is lost.
            self.open_elements.push(Frame(tag, "block"))

    def _open_link(self, attributes: dict):
        if self.inline.is_open("a"):
            self.inline.close_tag("a")  # links do not nest: a new one ends the last
        href = self._link_target(attributes.get("href", ""))
        self.inline.push("a", f'<a href="{escape(href)}">' if href else None, len(self.open_elements))

    # Opaque elements: scripts, frames, players -----------------------------------------------------

    def opaque(self, tag: str, attribute_text: str, inner: str):
        if tag == "iframe":
            source = html_attributes(attribute_text).get("src") or html_attributes(attribute_text).get("data-src")
            if source:
                self.embed_link(source)
        elif tag in ("video", "audio"):
            attributes = html_attributes(attribute_text)
            found = _SOURCE_SRC.search(inner)
            source = attributes.get("src") or (unescape(found.group(1)) if found else "")
            if source:
                self.embed_link(source)
        elif tag == "object":
            attributes = html_attributes(attribute_text)
            found = _PARAM_MOVIE.search(inner) or _SOURCE_SRC.search(inner)
            source = attributes.get("data") or (unescape(found.group(1)) if found else "")
            if source:
                self.embed_link(source)
        # script, style, forms' fields, svg…: nothing a reader of the article needs

    def comment(self, body: str):
        # The « read more » and page breaks: a paragraph ends there.
        if (body.strip() in ("more", "nextpage") or body.startswith("more ")) and self.capture is None:
            self.flush()
