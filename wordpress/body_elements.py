"""The HTML elements of a post, as the body builder reads them.

Paragraphs, headings (six levels to our two), lists, quotations (their closing <cite> as their
source; WordPress's pull quotes as ours), tables (caption, header cells, a paragraph per cell's
paragraph), galleries, preformatted text, figures and WordPress's own caption markup, links,
players (frames: the provider's embed or a link; sounds and videos: the document library's or a
link to the file), file blocks, and HTML comments (« more », Gutenberg's block comments).
Scripts, styles and form fields are dropped; any other element keeps its text and loses its tag.
"""

import re
from html import escape, unescape

from .body_builder import BLOCK_TAGS, DASHES, INLINE_TAGS, MEDIA_AS_LINK, BodyBuilder, Capture
from .body_writer import Box, Cell, Gallery, SocialPost, Table
from .html_reader import html_attributes
from .open_elements import HEADINGS, Frame

TABLE_TAGS = frozenset({"table", "tr", "td", "th", "caption"})
# Inside a table inside a table's cell, these only separate the inner table's words.
_INNER_TABLE_TAGS = TABLE_TAGS | {"thead", "tbody", "tfoot", "colgroup", "col"}
# The embed codes social networks give to paste (a quotation of the post, and their script): Twitter's
# (X's), Bluesky's, TikTok's. Instagram's holds its site's furniture rather than the post's text.
SOCIAL_POSTS = frozenset({"twitter-tweet", "bluesky-embed", "tiktok-embed"})
_CLASS = re.compile(r"\bclass\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
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
        if tag == "cite" and self._starts_a_source():
            self.capture = Capture("cite", "cite")
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
        if self.nested_tables and tag in _INNER_TABLE_TAGS:
            self.nested_tables += tag == "table"
            self.inline.add(" ")
            return
        if self.open_elements.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag in ("tr", "td", "th", "caption") and self.open_elements.table is None:
            self.flush()  # a piece of a table outside any table: its text, as a paragraph
            self.open_elements.push(Frame(tag, "block"))
            return
        if tag in ("figure", "ul") and "wp-block-gallery" in _classes(attribute_text):
            self.flush()
            gallery = Gallery(tag if tag == "ul" else "gallery")
            self._append(gallery)
            self.galleries.append(gallery)
            self.open_elements.push(Frame(tag, "box", gallery))
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
            frame = self.open_elements.nearest("figure")
            classes = _classes(attribute_text)
            pullquote = "pullquote" in classes or (frame is not None and frame.kind == "pullquote")
            if any(name in SOCIAL_POSTS for name in classes.split()):
                box = SocialPost(html_attributes(attribute_text).get("cite", ""))
                self.social_posts.append(box)
            else:
                box = Box("blockquote", {"data-pullquote": ""} if pullquote else {})
            self._append(box)
            self.open_elements.push(Frame(tag, "box", box))
        elif tag == "table":
            if self.open_elements.cell is not None:
                self.nested_tables = 1  # a table in a cell: its words in that cell
                self.inline.add(" ")
                return
            table = self._append_described(Table())
            self.tables.append(table)
            self.open_elements.push(Frame(tag, "table", node=table))
        elif tag == "tr":
            self.flush()
            self._close_caption()
            index = self.open_elements.find({"tr", "table"})
            if index is not None and self.open_elements[index].tag == "tr":
                self._pop_to(index)
            self._start_row()
        elif tag in ("td", "th"):
            self.flush()
            self._close_caption()
            index = self.open_elements.find({"td", "th", "tr", "table"})
            if index is not None and self.open_elements[index].tag in ("td", "th"):
                self._pop_to(index)
            if self.open_elements.find({"tr", "table"}) is None or self.open_elements[-1].tag != "tr":
                self._start_row()  # a cell outside any row: in a row of its own, as browsers do
            cell = Cell(tag)
            attributes = html_attributes(attribute_text)
            if any(attributes.get(name, "1").strip() not in ("", "1") for name in ("colspan", "rowspan")):
                self.open_elements.table.spans = True
            self.open_elements.table.rows[-1].append(cell)
            self.open_elements.push(Frame(tag, "cell", node=cell))
        elif tag == "caption":
            self.flush()
            self.open_elements.push(Frame(tag, "caption" if self.open_elements.table is not None else "block"))
        elif tag == "pre":
            self.flush()
            self.open_elements.push(Frame(tag, "pre"))
        elif tag == "figcaption" or self._is_caption_text(attribute_text, tag):
            self._start_figcaption(tag)
        elif tag == "figure" or (tag in ("div", "dl") and self._is_caption_box(attribute_text)):
            self.flush()
            classes = _classes(attribute_text)
            self.open_elements.push(Frame(tag, "figure", kind="pullquote" if "wp-block-pullquote" in classes else ""))
        elif tag == "dt":
            self.flush()
            self.open_elements.push(Frame(tag, "block"))
            self.inline.push_mark("strong", len(self.open_elements))
        else:
            self.flush()
            if not closed and tag not in ("p", "hr"):
                self.open_elements.push(Frame(tag, "block"))

    def _end_block(self, tag: str):
        if self.nested_tables and tag in _INNER_TABLE_TAGS:
            self.nested_tables -= tag == "table"
            self.inline.add(" ")
            return
        if self.open_elements.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag == "p" or tag == "hr":
            self.flush()
            return
        if tag in ("td", "th"):
            index = self.open_elements.find({"td", "th"})
            if index is not None:
                self.flush()  # the cell's last paragraph
                self._pop_to(index)
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

    def _close_caption(self):
        """A row or a cell ends a table's caption left open."""
        if self.open_elements.in_caption:
            self._pop_to(self.open_elements.find({"caption"}))

    def _start_row(self):
        self.open_elements.table.rows.append([])
        self.open_elements.push(Frame("tr", "row"))

    def _starts_a_source(self) -> bool:
        """A <cite> at the start of a line of a quotation, as WordPress's quote block ends with: its source."""
        frames = self.open_elements
        return (
            frames.box.tag == "blockquote"
            and frames[-1].box is frames.box
            and DASHES.fullmatch(self.inline.last_line()) is not None
        )

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
        box = self.open_elements.box
        if isinstance(box, Gallery) and self.open_elements[-1].box is box and not box.caption:
            self.capture = Capture("figcaption", tag, target=box)
        elif frame is not None and len(frame.figures) == 1 and not frame.figures[0].caption:
            self.capture = Capture("figcaption", tag, target=frame.figures[0])
        elif tag != "p":
            # The caption of a table, of a gallery or of a missing image: a paragraph, so that nothing is lost.
            self.open_elements.push(Frame(tag, "block"))

    def _open_link(self, attributes: dict):
        if self.inline.is_open("a"):
            self.inline.close_tag("a")  # links do not nest: a new one ends the last
        if self.block[0] == "file" and attributes.get("href"):
            if "wp-block-file__button" in attributes.get("class", ""):
                self.capture = Capture("discard", "a")  # « Download »: the link before it is the file's
                return
            self._file_link(attributes)
            return
        href = self._link_target(attributes.get("href", ""))
        if href and isinstance(self.open_elements.box, SocialPost):
            self.open_elements.box.links.append(href)
        self.inline.push("a", f'<a href="{escape(href)}">' if href else None, len(self.open_elements))

    def _file_link(self, attributes: dict):
        """A file block's link: to the document library's copy, else to the old file (reported)."""
        url = self.site.absolute(attributes["href"])
        document = self.document(attachment_id=self.block_attachment_id(), url=url)
        if document is not None:
            href = f"/documents/{document[0]}/"
        else:
            href = self._link_target(url)
            self.report(MEDIA_AS_LINK, url)
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
                self.media(tag, source)
        elif tag == "object":
            attributes = html_attributes(attribute_text)
            found = _PARAM_MOVIE.search(inner) or _SOURCE_SRC.search(inner)
            source = attributes.get("data") or (unescape(found.group(1)) if found else "")
            if source:
                self.embed_link(source)
        # script, style, forms' fields, svg…: nothing a reader of the article needs

    def comment(self, body: str):
        if self.block_comment(body):
            return
        # The « read more » and page breaks: a paragraph ends there.
        if (body.strip() in ("more", "nextpage") or body.startswith("more ")) and self.capture is None:
            self.flush()


def _classes(attribute_text: str) -> str:
    """A tag's class attribute, read without reading all its attributes."""
    if "class" not in attribute_text:
        return ""
    match = _CLASS.search(attribute_text)
    return next((group for group in match.groups() if group), "") if match else ""
