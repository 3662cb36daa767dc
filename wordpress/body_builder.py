"""The body builder: a post's event stream (wordpress/html_reader.py) turned into our body, the way WordPress showed it.

``BodyBuilder`` holds what is being built and the operations every part of a post shares:
writing paragraphs and figures where the open elements say (wordpress/open_elements.py),
text with WordPress's line and paragraph breaks, links, embeds, images from the library, and
the content gathered for a caption. What each HTML element does is in wordpress/body_elements.py,
what each shortcode does in wordpress/body_shortcodes.py; wordpress/content.py puts them together.
"""

import json
import re
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from django.conf import settings

from .addresses import OldSite, Resolver, embed_of, on_embed_host, player_page
from .body_writer import Box, Embed, Figure, Gallery, Inline, Media, SocialPost, Source, Table, TextBlock, serialised
from .html_reader import BLANK_LINE, SPACES, html_attributes, read_events
from .open_elements import Frame, OpenElements
from .plain_text import is_file_name_caption
from .shortcodes import Shortcode, neutralised

# What the report says about a post, in French (the desk reads it).
UNKNOWN_SHORTCODE = "shortcode inconnu"
MISSING_IMAGE = "image manquante"
FOREIGN_IMAGE = "image extérieure"
INVALID_COLOUR = "couleur invalide"
EMBED_AS_LINK = "contenu intégré remplacé par un lien"
LITERAL_SHORTCODE = "shortcode écrit en toutes lettres, retiré"
GALLERY_WITHOUT_IDS = "galerie sans liste d’images"
TABLE_AS_TEXT = "tableau trop grand, gardé en texte"
TABLE_SPANS = "cellules fusionnées d’un tableau : texte gardé, sans la fusion"
GALLERY_NOT_IMPORTED = "diaporama non importé : images absentes"
GALLERY_IMAGE_CAPTION = "légende d’une image de diaporama non reprise (la photothèque donne la sienne)"
MEDIA_AS_LINK = "son, vidéo ou fichier absent de la médiathèque : lien vers l’ancien fichier"


@dataclass(frozen=True)
class Problem:
    """Something of a post that could not be carried over as it was."""

    kind: str  # one of the constants above
    detail: str  # what it was: « [contact-form-7] », « #zzzzzz », an image's address


INLINE_TAGS = {
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
}
# Elements that end a paragraph and start another (wpautop's list, and HTML5's); their content is kept.
BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "center", "details", "dialog", "dir", "div", "dl", "dt", "dd"),
        *("fieldset", "figure", "figcaption", "footer", "form", "header", "hgroup", "hr", "legend", "main"),
        *("menu", "nav", "p", "pre", "section", "summary", "blockquote", "ul", "ol", "li"),
        *("table", "caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td", "th"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_BARE_URL = re.compile(r"https?://[^\s<>\"]+")
# A line that holds only dashes: what precedes a quotation's source (« — <cite>Jean Dupont</cite> »).
DASHES = re.compile(r"[\s—–―-]*")
# « wp:audio {"id":821} », « /wp:audio », « wp:core-embed/youtube {…} », « wp:shortcode »; self-closing ones too.
_BLOCK_COMMENT = re.compile(r"^\s*(/?)wp:([a-z0-9_/-]+)\s*(\{.*\})?\s*/?\s*$", re.DOTALL)
_ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")
# A link to a picture of the uploads stays a link (to the picture's old address, which redirects).
_PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|heic|heif)$", re.IGNORECASE)
_SMILEY = re.compile(r"\b(?:wp-smiley|emoji)\b")


@dataclass
class Capture:
    """Content gathered instead of written: a [caption]'s, a <figcaption>'s, an [embed]'s, a quotation's
    <cite>; or content dropped (``discard``: a file block's « Download » button, a [video]'s fallback)."""

    kind: str
    until: object  # the closing shortcode's index, or the end tag
    inline: Inline = field(default_factory=Inline)
    images: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    caption: str = ""  # the old caption="…" attribute
    attachment_id: int | None = None
    target: Figure | None = None

    def add_text(self, text: str):
        """Text met while gathering: an [embed]'s address as it is, a caption's as its inline content."""
        if self.kind == "embed":
            self.text.append(text)
        elif self.kind == "discard":
            return
        else:
            self.inline.add(SPACES.sub(" ", neutralised(text) if "[" in text else text))


class BodyBuilder:
    """The body being built from a post's events, and what its HTML elements and its shortcodes share.

    Paragraphs and figures written where the open elements say, text with WordPress's breaks,
    links, embeds, library images and captured captions; ElementConversion (wordpress/body_elements.py)
    and ShortcodeConversion (wordpress/body_shortcodes.py) add what each tag and each shortcode does.
    """

    def __init__(self, resolver: Resolver, site: OldSite, *, line_breaks: bool):
        self.resolver = resolver
        self.site = site
        # Classic posts: WordPress turns each single newline into a <br> (wpautop); block posts are HTML already.
        self.line_breaks = line_breaks
        self.problems: list[Problem] = []
        self.root = Box("root")
        self.open_elements = OpenElements(self.root)
        self.inline = Inline()
        self.capture: Capture | None = None
        self.shortcodes: list[Shortcode] = []
        self.tables: list[Table] = []
        self.galleries: list[Gallery] = []
        self.social_posts: list[SocialPost] = []
        self.nested_tables = 0  # tables inside a table's cell: their cells are that cell's text
        # A quotation's <cite> just read: its source if its line ends there, else words of the line.
        self.pending_source: Source | None = None
        # The Gutenberg block the text is in (« <!-- wp:audio {"id":821} --> »): its name and attributes.
        self.block: tuple[str, dict] = ("", {})

    def _pop_to(self, index: int):
        """Close the open elements from the innermost down to ``index`` (included), and the inline ones inside them."""
        self.open_elements.pop_to(index)
        self.inline.close_deeper_than(len(self.open_elements))

    def report(self, kind: str, detail: str):
        self.problems.append(Problem(kind, detail))

    # Writing blocks -----------------------------------------------------------------------------------

    def flush(self):
        html = self.inline.finish()
        if html is None:
            return
        open_elements = self.open_elements
        if open_elements.in_table and open_elements.table is not None:
            if open_elements.in_caption:
                table = open_elements.table
                table.caption = f"{table.caption} {html}" if table.caption else html
                return
            if open_elements.cell is not None:
                open_elements.cell.paragraphs.append(html)
                return
        plain = unescape(html) if "<" not in html else ""
        if plain and _BARE_URL.fullmatch(plain):
            # An address alone in its paragraph was an embed or a link on WordPress (its auto-embed reads
            # « <p>https://…</p> » too): our embed when articles.embeds knows it, else a link.
            found = None if self.open_elements.heading else embed_of(plain)
            if found is not None:
                self._append_described(Embed(*found))
                return
            self._append(TextBlock("p", self._link_html(plain)))
            self._report_embed(plain, only_players=True)
            return
        self._append(TextBlock(self.open_elements.heading or "p", html))

    def _append(self, node):
        if isinstance(node, TextBlock) and self.open_elements.cell is not None:
            self.open_elements.cell.paragraphs.append(node.html)  # a link written in a table's cell stays there
            return
        box = self.open_elements.box
        if box.tag in ("ul", "ol"):  # content straight inside a list: in an item of its own
            item = Box("li")
            box.children.append(item)
            self.open_elements.push(Frame("li", "box", item))
            box = item
        box.children.append(node)

    def _append_figure(self, image_id: int, caption: str = ""):
        return self._append_described(Figure(image_id, caption))

    def _append_described(self, node):
        """A picture, table, embed or player: in the <figure> open around it, whose <figcaption> describes it."""
        self.flush()
        self._append(node)
        frame = self.open_elements.nearest("figure")
        if frame is not None:
            frame.figures.append(node)
        return node

    def _link_html(self, url: str) -> str:
        return f'<a href="{escape(url)}">{escape(url, quote=False)}</a>'

    def _report_embed(self, url: str, *, only_players: bool = False):
        if not only_players or on_embed_host(url):
            self.report(EMBED_AS_LINK, url)

    def url_line(self, url: str):
        """An address alone on its line: WordPress embedded it (a video, a post) or linked it; a link here."""
        if self.capture is not None:
            self.capture.add_text(url)
        else:
            self.embed_link(url, always_report=False)

    def embed_link(self, url: str, *, always_report: bool = True):
        """A video, a post or a map that WordPress embedded: our embed of its provider (articles.embeds),
        else a paragraph with a link to it."""
        url = self.site.absolute(unescape(url.strip()))
        if not re.match(r"^https?://", url):
            return
        found = embed_of(url) or embed_of(player_page(url))
        if found is not None and self.open_elements.cell is None:
            self._append_described(Embed(*found))
            return
        url = player_page(url)
        self.flush()
        self._append(TextBlock("p", self._link_html(url)))
        self._report_embed(url, only_players=not always_report)

    def media(self, kind: str, url: str, *, attachment_id: int | None = None, caption: str = ""):
        """A sound, a video or a file of the old site: the document library's when it is there (the player,
        or a link to its stable address), else a link to the old file, reported. A video on YouTube or
        another provider's site is that provider's embed."""
        url = self.site.absolute(unescape((url or "").strip()))
        if not re.match(r"^https?://", url):
            return
        if kind == "video" and embed_of(url) is not None:
            self.embed_link(url)
            return
        if attachment_id is None:
            attachment_id = self.block_attachment_id()
        document = self.document(attachment_id=attachment_id, url=url)
        node = Media(kind, url, caption=caption)
        if document is not None:
            node.document_id, node.document_kind = document
        else:
            self.report(MEDIA_AS_LINK, url)
        if self.open_elements.cell is not None:
            self._append(TextBlock("p", self._link_html(url)))
            return
        self._append_described(node)

    def document(self, *, attachment_id: int | None, url: str) -> tuple[int, str] | None:
        """The document library's (id, kind) for a file of the old site; None while it is not there."""
        lookup = getattr(self.resolver, "document", None)  # resolvers written before the document library
        return lookup(attachment_id=attachment_id, url=url) if lookup is not None else None

    # Gutenberg's blocks ------------------------------------------------------------------------------

    def block_comment(self, body: str) -> bool:
        """« wp:audio {…} » opens a block, « /wp:audio » closes it; True when the comment was one of those."""
        match = _BLOCK_COMMENT.match(body)
        if match is None:
            return False
        closing, name, attributes = match.groups()
        if closing:
            if self.block[0] == name:
                self.block = ("", {})
            return True
        try:
            parsed = json.loads(attributes) if attributes else {}
        except ValueError:
            parsed = {}
        self.block = (name, parsed if isinstance(parsed, dict) else {})
        return True

    def block_attachment_id(self) -> int | None:
        value = self.block[1].get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    # Text ----------------------------------------------------------------------------------------------

    def text(self, text: str):
        if "&" in text:
            text = unescape(text)
        if self.capture is not None:
            self.capture.add_text(text)
            return
        if self.open_elements.in_pre:
            for number, line in enumerate(text.split("\n")):
                if number:
                    self.newline(always=True)
                self.add(line)
            return
        for number, part in enumerate(BLANK_LINE.split(text)):
            if number:
                self.paragraph_break()
            for line_number, line in enumerate(part.split("\n")):
                if line_number:
                    self.newline()
                if line:
                    self.add(line)

    def add(self, text: str):
        text = SPACES.sub(" ", text)
        if "[" in text:
            text = neutralised(text)
        self.inline.add(text)

    def paragraph_break(self):
        if self.open_elements.in_table and self.open_elements.cell is None:
            self.inline.add(" ")
        else:
            self.flush()  # in a cell: a paragraph of the cell

    def newline(self, *, always: bool = False):
        """A single newline: a <br> in a classic post (none right after a <br> tag), a space elsewhere."""
        inline = self.inline
        if self.open_elements.in_table or not (self.line_breaks or always):
            inline.add(" ")
        elif inline.last_break == "tag":
            inline.last_break = "tag+newline"
        elif inline.last_break is not None:
            self.flush()
        elif inline.has_text:
            inline.add_break("newline")

    def br(self):
        inline = self.inline
        if self.open_elements.in_table:
            inline.add(" ")
        elif inline.last_break is not None:
            self.flush()  # two <br> in a row: WordPress's paragraph break
        elif inline.has_text:
            inline.add_break("tag")

    # Links ----------------------------------------------------------------------------------------

    def _link_target(self, href: str) -> str | None:
        href = href.strip()
        if not href:
            return None
        if href.startswith("#"):
            return href
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", href)
        if scheme and scheme.group(1).lower() == "mailto":
            return href
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            return None  # javascript:, tel:, data:… the text stays, without the link
        absolute = self.site.absolute(href)
        if self.site.is_own(absolute):
            internal = self.resolver.article_href(absolute)
            if internal:
                return internal
        if self.site.is_upload(absolute) and not _PICTURE_FILE.search(urlsplit(absolute).path):
            # A PDF or another file of the old site's uploads: the document library's stable address.
            document = self.document(attachment_id=None, url=absolute.split("#")[0].split("?")[0])
            if document is not None:
                return f"/documents/{document[0]}/"
        return absolute

    # Images ----------------------------------------------------------------------------------------

    def image(self, attributes: dict, attachment_id: int | None = None):
        source = attributes.get("src", "")
        if not source or source.startswith("data:"):  # lazy-loading plugins keep the real address aside
            source = (
                attributes.get("data-lazy-src")
                or attributes.get("data-src")
                or attributes.get("data-orig-file")
                or source
            )
        classes = attributes.get("class", "")
        if _SMILEY.search(classes) or "/smilies/" in source or "/images/core/emoji/" in source:
            self.add(attributes.get("alt", ""))  # an emoji drawn as an image: the emoji itself
            return
        image_id = self._library_image(
            source, classes, attributes.get("data-id", ""), attachment_id, alt=attributes.get("alt", "")
        )
        if image_id is None:
            return
        if self.capture is not None:
            self.capture.images.append(image_id)
        else:
            self._append_figure(image_id)

    def _library_image(
        self, source: str, classes: str, data_id: str, attachment_id: int | None, *, alt: str = ""
    ) -> int | None:
        found = _ATTACHMENT_CLASS.search(classes)
        if found:
            attachment_id = int(found.group(1))
        elif data_id.isdigit():
            attachment_id = int(data_id)
        source = source.strip()
        if source.startswith("data:"):
            self.report(FOREIGN_IMAGE, source[:40] + "…")
            return None
        if not source and attachment_id is None:
            return None
        url = self.site.origin(self.site.absolute(source).split("#")[0].split("?")[0]) if source else ""
        if alt.strip() and getattr(self.resolver, "takes_alt", False):
            # The post's own <img alt>: the library image's alt text when its attachment had none.
            image_id = self.resolver.image(attachment_id=attachment_id, url=url, alt=unescape(alt))
        else:
            image_id = self.resolver.image(attachment_id=attachment_id, url=url)
        if image_id is not None:
            return image_id
        if attachment_id is not None or (url and self.site.is_upload(url)):
            self.report(MISSING_IMAGE, url or f"pièce jointe {attachment_id}")
        else:
            self.report(FOREIGN_IMAGE, url)
        return None

    # Captured content: [caption], <figcaption>, [embed] -----------------------------------------

    def _capture_start(self, tag: str, attribute_text: str):
        if self.capture.kind == "discard":
            return
        inline = self.capture.inline
        if tag in INLINE_TAGS:
            name = INLINE_TAGS[tag]
            inline.push_mark(name)
        elif tag == "a":
            if inline.is_open("a"):
                inline.close_tag("a")
            href = self._link_target(html_attributes(attribute_text).get("href", ""))
            inline.push("a", f'<a href="{escape(href)}">' if href else None)
        elif tag == "img":
            self.image(html_attributes(attribute_text), attachment_id=self.capture.attachment_id)
        elif tag == "br" or tag in BLOCK_TAGS:
            inline.add(" ")

    def _capture_end(self, tag: str) -> bool:
        """Handle an end tag while capturing; False when it ended the capture and must be handled as usual."""
        capture = self.capture
        if capture.kind == "figcaption" and (tag == capture.until or tag in ("figure", "dl", "div")):
            self._end_capture()
            return tag == capture.until
        if capture.kind in ("cite", "discard") and (tag == capture.until or tag in ("blockquote", "figure", "div")):
            self._end_capture()
            return tag == capture.until
        if capture.kind == "discard":
            return True
        if tag in INLINE_TAGS:
            capture.inline.close_tag(INLINE_TAGS[tag])
        elif tag == "a":
            capture.inline.close_tag("a")
        elif tag in BLOCK_TAGS or tag == "br":
            capture.inline.add(" ")
        return True

    def _end_capture(self):
        capture, self.capture = self.capture, None
        if capture.kind == "discard":
            return
        if capture.kind == "cite":
            html = capture.inline.finish() or ""
            text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]*>", "", html))).strip()
            self.pending_source = Source(html, text.lstrip("—–-― ").strip())  # settle_source() decides
            return
        if capture.kind == "embed":
            address = "".join(capture.text).strip()
            if _BARE_URL.fullmatch(address):
                self.embed_link(address)
            return
        caption = capture.inline.finish() or ""
        if capture.caption:  # the old form, caption="…", wins as in WordPress
            caption = self._inline_html(capture.caption)
        if caption and is_file_name_caption(caption):
            caption = ""
        if capture.kind == "figcaption":
            capture.target.caption = caption
            for image_id in capture.images:
                self._append_figure(image_id)
            return
        for position, image_id in enumerate(capture.images):
            self._append_figure(image_id, caption if position == 0 else "")
        if not capture.images and caption:
            self._append(TextBlock("p", caption))  # the image is missing: its caption is kept as text

    def _inline_html(self, fragment: str) -> str:
        """A caption="…" attribute's HTML as caption content: text, bold, italic and links."""
        saved = self.capture
        self.capture = Capture("inline", None)
        events, _shortcodes = read_events(fragment, with_shortcodes=False)
        for event in events:
            if event[0] == "text":
                self.text(event[1])
            elif event[0] == "start" and event[1] != "img":
                self._capture_start(event[1], event[2])
            elif event[0] == "end":
                self._capture_end(event[1])
        html = self.capture.inline.finish() or ""
        self.capture = saved
        return html

    def settle_source(self, event: tuple):
        """Called before each event while a quotation's <cite> waits: what follows it tells what it was."""
        kind, name = event[0], event[1] if len(event) > 1 else None
        if kind == "text" and not name.strip():
            return  # white space: the next event tells
        source, self.pending_source = self.pending_source, None
        line_ends = (
            kind in ("comment", "url", "shortcode")
            or (kind == "start" and (name == "br" or name in BLOCK_TAGS))
            or (kind == "end" and name in BLOCK_TAGS)
        )
        if not line_ends:
            if source.html:
                self.inline.add_html(f"<em>{source.html}</em>")  # a title cited in a sentence
            return
        if DASHES.fullmatch(self.inline.last_line()):
            self.inline.drop_last_line()  # « — <cite>Jean Dupont</cite> »: the dash was the source's
        self.flush()
        self._append(source)

    def finish(self) -> str:
        if self.capture is not None:
            self._end_capture()
        if self.pending_source is not None:
            self.settle_source(("end", "blockquote"))
        self.flush()
        self._check_tables()
        self._check_galleries()
        self._find_social_posts()
        return serialised(self.root.children, max_images=settings.BODY_GALLERY_MAX_IMAGES)

    def _check_tables(self):
        """A table beyond what an article shows stays text, as before, rather than be refused or cut."""
        for table in self.tables:
            name = f"« {re.sub(r'<[^>]*>', '', table.caption)} » : " if table.caption else ""
            if table.cells > settings.BODY_TABLE_MAX_CELLS or table.columns > settings.BODY_TABLE_MAX_COLUMNS:
                table.as_text = True
                self.report(TABLE_AS_TEXT, f"{name}{table.cells} cellules sur {table.columns} colonnes")
            elif table.spans:
                self.report(TABLE_SPANS, name.removesuffix(" : ") or f"{table.cells} cellules")

    def _find_social_posts(self):
        """A pasted post's own address is the last of its links a provider knows (the date under a tweet)."""
        for post in self.social_posts:
            found = next((found for link in reversed(post.links) if (found := embed_of(link))), None)
            post.embed = Embed(*found) if found else None

    def _check_galleries(self):
        for gallery in self.galleries:
            figures = gallery.figures()
            if not figures:
                self.report(GALLERY_NOT_IMPORTED, re.sub(r"<[^>]*>", "", gallery.caption) or "sans légende")
                continue
            if len(figures) == 1 and not gallery.caption:
                continue  # a picture alone, shown with its own caption
            for figure in figures:
                if figure.caption:
                    self.report(GALLERY_IMAGE_CAPTION, re.sub(r"<[^>]*>", "", figure.caption))
