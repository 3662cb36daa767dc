"""What the body builder writes: the paragraph being written, and the tree of boxes, paragraphs and figures.

``Inline`` turns the text and inline elements of one paragraph (or caption) into escaped HTML;
the builder appends each finished paragraph, figure, table, embed, gallery or box to the ``Box``
open where it is; ``serialised`` writes the tree as the elements our editor stores
(articles/body.py), leaving out what ended up empty.
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

    def add_html(self, html: str):
        """Inline HTML already escaped (a quotation's <cite> read apart): as text of the paragraph."""
        if self.separator:
            self.pieces.append(self.separator)
            self.separator = ""
        for _tag, opening, _level in self.open[self.written :]:
            if opening:
                self.pieces.append(opening)
        self.written = len(self.open)
        self.pieces.append(html)
        self.has_text = True
        self.last_break = None
        self.ends_in_space = False

    def last_line(self) -> str:
        """What the paragraph holds since its last line break (all of it without one), as written."""
        pieces = self.pieces
        start = max((index for index, piece in enumerate(pieces) if piece == "<br>"), default=-1) + 1
        return "".join(pieces[start:])

    def drop_last_line(self):
        """Forget what follows the last line break (a dash before a quotation's source)."""
        pieces = self.pieces
        start = max((index for index, piece in enumerate(pieces) if piece == "<br>"), default=-1) + 1
        del pieces[start:]  # text alone (DASHES): no element opened there
        self.has_text = any(piece != "<br>" and not piece.isspace() for piece in pieces)

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


@dataclass
class Cell:
    tag: str  # "th" or "td"
    paragraphs: list[str] = field(default_factory=list)  # inline HTML, one per paragraph of the cell


@dataclass
class Table:
    """A table as our editor stores it; ``as_text`` when it is beyond what an article shows (its old form)."""

    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    spans: bool = False  # merged cells (colspan, rowspan): their text is kept, not the merge
    as_text: bool = False

    @property
    def cells(self) -> int:
        return sum(len(row) for row in self.rows)

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass
class Embed:
    """A post or video of another site, by its provider and id (articles.embeds), never its HTML."""

    provider: str
    embed_id: str
    caption: str = ""


@dataclass
class Media:
    """A sound, a video or a file WordPress played or offered: the document library's, else a link to the file."""

    kind: str  # "audio", "video" or "file"
    url: str  # the file's address on the old site
    document_id: int | None = None
    document_kind: str = ""  # the library's own: audio, video, pdf, office
    caption: str = ""  # inline HTML: the player's caption, a file block's link text


@dataclass
class Source:
    """A quotation's source (``<cite>``), kept as the quotation's ``data-source`` when it ends it."""

    html: str
    text: str


class SocialPost(Box):
    """A post of a social network pasted as its site's embed code (« <blockquote class="twitter-tweet"> »): the
    provider's embed with the post's text as its caption when articles.embeds knows the post, else a quotation."""

    def __init__(self, cite: str = ""):
        super().__init__("blockquote")
        self.links: list[str] = [cite] if cite else []  # the addresses it names: the post's is among them
        self.embed: Embed | None = None  # found by the builder once the quotation is read


class Gallery(Box):
    """WordPress's gallery: the library images it holds become one « Diaporama » figure."""

    def __init__(self, tag: str = "gallery"):
        super().__init__(tag)  # "ul" for the block's first markup, a list of pictures
        self.caption = ""

    def figures(self) -> list[Figure]:
        """Its pictures in order, twice if WordPress showed one twice."""
        found: list[Figure] = []

        def walk(nodes):
            for node in nodes:
                if isinstance(node, Figure):
                    found.append(node)
                elif isinstance(node, Box):
                    walk(node.children)

        walk(self.children)
        return found

    def texts(self) -> list:
        """What else it held (text beside its pictures): kept after it."""
        found: list = []

        def walk(nodes):
            for node in nodes:
                if isinstance(node, TextBlock):
                    found.append(node)
                elif isinstance(node, Box) and not isinstance(node, Gallery):
                    walk(node.children)

        walk(self.children)
        return found


# Past this many library images, a gallery is cut in several « Diaporamas » (BODY_GALLERY_MAX_IMAGES).
def _gallery_html(gallery: Gallery, max_images: int) -> str:
    figures = gallery.figures()
    images = [figure.image_id for figure in figures]
    caption = f"<figcaption>{gallery.caption}</figcaption>" if gallery.caption else ""
    parts = []
    if len(figures) == 1:  # one picture found: a picture, with the gallery's caption or its own
        own = figures[0].caption
        caption = caption or (f"<figcaption>{own}</figcaption>" if own else "")
        parts.append(f'<figure><img data-file="{images[0]}" alt="">{caption}</figure>')
    elif images:
        for start in range(0, len(images), max_images):
            ids = " ".join(str(image_id) for image_id in images[start : start + max_images])
            parts.append(f'<figure data-gallery="{ids}">{caption if start == 0 else ""}</figure>')
    elif gallery.caption:
        parts.append(f"<p>{gallery.caption}</p>")  # its pictures are missing: its caption kept as text
    parts += [f"<{node.tag}>{node.html}</{node.tag}>" for node in gallery.texts()]
    return "".join(parts)


CELL_SEPARATOR = " – "


def _table_html(table: Table) -> str:
    rows = [row for row in table.rows if row]
    if not any(paragraph for row in rows for cell in row for paragraph in cell.paragraphs) and not table.caption:
        return ""
    if table.as_text:
        # Beyond what an article shows: as before tables were stored, a paragraph a row, cells side by side.
        parts = [f"<p>{table.caption}</p>"] if table.caption else []
        for row in rows:
            cells = []
            for cell in row:
                text = " ".join(cell.paragraphs)
                if text:
                    cells.append(f"<strong>{text}</strong>" if cell.tag == "th" else text)
            if cells:
                parts.append(f"<p>{CELL_SEPARATOR.join(cells)}</p>")
        return "".join(parts)
    caption = f"<caption>{table.caption}</caption>" if table.caption else ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<{cell.tag}>{''.join(f'<p>{text}</p>' for text in cell.paragraphs) or '<p></p>'}</{cell.tag}>"
            for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{caption}<tbody>{body}</tbody></table>"


def _media_html(media: Media) -> str:
    caption = f"<figcaption>{media.caption}</figcaption>" if media.caption else ""
    if media.document_id is not None and media.document_kind in ("audio", "video") and media.kind != "file":
        return f'<figure data-media="{media.document_id}">{caption}</figure>'
    href = f"/documents/{media.document_id}/" if media.document_id is not None else media.url
    text = re.sub(r"</?a\b[^>]*>", "", media.caption) or escape(media.url, quote=False)  # links do not nest
    return f'<p><a href="{escape(href)}">{text}</a></p>'


def _quote_html(box: Box, inner_nodes: list, max_images: int) -> str:
    """A quotation, its closing <cite> as its source; a pull quote (« exergue ») says who in its last line."""
    nodes = list(inner_nodes)
    attributes = ""
    if "data-pullquote" in box.attributes:
        attributes = ' data-pullquote=""'
    elif len(nodes) > 1 and isinstance(nodes[-1], Source) and nodes[-1].text:  # alone, it is the quotation
        attributes = f' data-source="{escape(nodes.pop().text)}"'
    pullquote = "data-pullquote" in box.attributes
    nodes = [
        TextBlock("p", ("— " + node.html) if pullquote else f"<em>{node.html}</em>")
        if isinstance(node, Source)
        else node
        for node in nodes
        if not isinstance(node, Source) or node.html
    ]
    inner = serialised(nodes, max_images=max_images)
    return f"<blockquote{attributes}>{inner}</blockquote>" if inner else ""


def serialised(nodes: list, *, max_images: int = 100) -> str:
    """The HTML of a box's children, empty ones left out; a list that only holds pictures is its pictures."""
    parts = []
    for node in nodes:
        if isinstance(node, TextBlock):
            parts.append(f"<{node.tag}>{node.html}</{node.tag}>")
        elif isinstance(node, Figure):
            caption = f"<figcaption>{node.caption}</figcaption>" if node.caption else ""
            parts.append(f'<figure><img data-file="{node.image_id}" alt="">{caption}</figure>')
        elif isinstance(node, Table):
            parts.append(_table_html(node))
        elif isinstance(node, Embed):
            caption = f"<figcaption>{node.caption}</figcaption>" if node.caption else ""
            parts.append(
                f'<figure data-embed="{escape(node.provider)}" data-embed-id="{escape(node.embed_id)}">{caption}</figure>'
            )
        elif isinstance(node, Media):
            parts.append(_media_html(node))
        elif isinstance(node, Source):
            if node.html:
                parts.append(f"<p><em>{node.html}</em></p>")
        elif isinstance(node, Gallery):
            parts.append(_gallery_html(node, max_images))
        elif isinstance(node, SocialPost) and node.embed is not None:
            texts = [child.html for child in node.children if isinstance(child, (TextBlock, Source)) and child.html]
            node.embed.caption = " ".join(texts)
            parts.append(serialised([node.embed], max_images=max_images))
        elif node.tag == "blockquote":
            parts.append(_quote_html(node, node.children, max_images))
        elif node.tag in ("ul", "ol"):
            items = [(item, serialised(item.children, max_images=max_images)) for item in node.children]
            items = [(item, html) for item, html in items if html]
            if items and all(isinstance(child, (Figure, Embed)) for item, _html in items for child in item.children):
                # A gallery laid out as a list (or a list of videos): its pictures, one after the other.
                parts.append("".join(html for _item, html in items))
            elif items:
                start = f' start="{node.attributes["start"]}"' if node.attributes.get("start") else ""
                inner = "".join(f"<li>{html}</li>" for _item, html in items)
                parts.append(f"<{node.tag}{start}>{inner}</{node.tag}>")
        elif node.tag == "aside":
            inner = serialised(node.children, max_images=max_images)
            if inner or node.attributes.get("data-title"):
                attributes = "".join(f' {name}="{escape(value)}"' for name, value in node.attributes.items())
                parts.append(f'<aside data-callout=""{attributes}>{inner or "<p></p>"}</aside>')
        else:
            inner = serialised(node.children, max_images=max_images)
            if inner:
                parts.append(f"<{node.tag}>{inner}</{node.tag}>")
    return "".join(parts)
