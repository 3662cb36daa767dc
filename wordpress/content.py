"""WordPress's text → ours: a post's ``post_content`` as the body our editor stores, and the small texts around it.

A WordPress export holds what authors typed, not what readers saw: blank lines that
WordPress turns into paragraphs when it displays a post (``wpautop``), classic-editor
HTML, Gutenberg's ``<!-- wp:… -->`` block comments, and shortcodes (``[caption]``,
``[gallery]``, a theme's ``[note color=…]`` boxes) that only meant something to the
plugins of that site. ``convert_body`` reads all of it the way WordPress displayed it
and writes the few elements our editor knows (articles/body.py): paragraphs, two
heading levels, bold, italic, lists, quotations, links, library images and callout
notes. What cannot be carried over is reported as a ``Problem`` for the desk rather
than silently lost or left as raw ``[shortcode]`` text in front of readers; the result
goes through ``clean_body``, the editor's own sanitiser, like anything a journalist saves.

The importer (wordpress/importer.py) supplies a ``Resolver`` that knows what the rest
of the export became: the library image of an attachment, the address of another post.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from html import escape, unescape
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from articles.body import SHORTCODE, clean_body, note_palette, resolve_colour
from images.forms import typed_file_names

# What the report says about a post, in French (the desk reads it).
UNKNOWN_SHORTCODE = "shortcode inconnu"
MISSING_IMAGE = "image manquante"
FOREIGN_IMAGE = "image extérieure"
INVALID_COLOUR = "couleur invalide"
EMBED_AS_LINK = "contenu intégré remplacé par un lien"
LITERAL_SHORTCODE = "shortcode écrit en toutes lettres, retiré"
GALLERY_WITHOUT_IDS = "galerie sans liste d’images"


@dataclass(frozen=True)
class Problem:
    """Something of a post that could not be carried over as it was."""

    kind: str  # one of the constants above
    detail: str  # what it was: « [contact-form-7] », « #zzzzzz », an image's address


class Resolver(Protocol):
    """What the importer knows about the rest of the export, asked while a body is converted."""

    def image(self, *, attachment_id: int | None, url: str) -> int | None:
        """The library image id for a WordPress image, None when there is none.

        ``attachment_id`` comes from a ``wp-image-N`` class, a ``[caption id="attachment_N"]``
        or a ``[gallery ids=…]``; ``url`` is absolute (made so from the site's address), without
        its query string, possibly a resized variant (« photo-300x200.jpg »), or "" for a
        gallery's id alone. Every ``<img>`` is asked about, even from other hosts: only the
        importer knows the addresses its attachments had.
        """

    def article_href(self, url: str) -> str | None:
        """``/article/<slug>/`` (and any #fragment) when the absolute ``url`` of the old site is an imported post."""


@dataclass
class ConvertedBody:
    html: str  # passes articles.body.clean_body
    problems: list[Problem] = field(default_factory=list)


# Shortcodes ------------------------------------------------------------------------------------

# Boxes that themes and plugins draw around a paragraph or two: our callout notes.
CALLOUT_SHORTCODES = frozenset(
    {"note", "notes", "encadre", "encadré", "box", "callout", "alert", "notice", "info", "infobox", "su_note", "su_box"}
)
COLOUR_ATTRIBUTES = ("color", "colour", "couleur", "bg", "background", "note_color", "box_color")
TITLE_ATTRIBUTES = ("title", "titre")
# WordPress's own shortcodes and the usual plugins': markup even when written bare (« [video] »).
KNOWN_SHORTCODES = frozenset(
    {
        "caption",
        "wp_caption",
        "gallery",
        "embed",
        "audio",
        "video",
        "playlist",
        "wpvideo",
        "youtube",
        "vimeo",
        "dailymotion",
        "soundcloud",
        "googlemaps",
        "contact-form",
        "contact-form-7",
        "gravityform",
        "wpforms",
        "instagram",
        "tweet",
        "facebook",
        "fb_embed",
        "ngg",
        "slideshow",
        "spoiler",
        "toggle",
        "tabs",
        "tab",
        "button",
        "columns",
        "column",
        "row",
        "pdf",
        "download",
        "sondage",
        "poll",
    }
)

# ``[name attributes]``, ``[/name]``, ``[name /]``; doubled brackets escape it (« [[name]] » shows « [name] »).
# Attributes cannot hold brackets, as in WordPress; they may hold HTML (the old ``caption="…"``).
_SHORTCODE_TOKEN = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]*)(?=[\s/\]])([^\[\]]*?)(/?)\](\]?)")
# WordPress turns an address alone on its line into an embed (oEmbed) or a link.
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"'\[\]]+)[ \t]*$", re.MULTILINE)
_BARE_URL = re.compile(r"https?://[^\s<>\"]+")
_NAMED_ATTRIBUTE = re.compile(r"(?:^|\s)[\w-]+\s*=")

# Smart quotes: WordPress's « wptexturize », a word processor or a French keyboard turned the straight
# quotes of ``[note color="#ffcc00"]`` into any of these, in pairs that need not match:
# ``color= »#ffcc00″``, ``color=”#ffcc00″``, ``title=&laquo;&nbsp;À savoir&nbsp;&raquo;``.
_DOUBLE_QUOTES = '"“”„‟«»″‶〃＂'
_SINGLE_QUOTES = "'‘’‚‛′‵"
_QUOTES = _DOUBLE_QUOTES + _SINGLE_QUOTES
_ATTRIBUTE = re.compile(
    rf"(?P<name>[\w-]+)\s*=\s*(?:[{_DOUBLE_QUOTES}](?P<double>.*?)[{_DOUBLE_QUOTES}](?=\s|$)"
    rf"|[{_SINGLE_QUOTES}](?P<single>.*?)[{_SINGLE_QUOTES}](?=\s|$)"
    rf"|[{_QUOTES}](?P<unclosed>.*?)(?=\s+[\w-]+\s*=|$)|(?P<bare>\S+))"
    rf"|[{_DOUBLE_QUOTES}](?P<quoted>.*?)[{_DOUBLE_QUOTES}](?=\s|$)|(?P<positional>\S+)",
    re.DOTALL,
)
_WIDE_SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007\u2002]")


def shortcode_attributes(text: str) -> tuple[dict[str, str], list[str]]:
    """The named attributes (lower-case names) and the positional ones of a shortcode, whatever its quotes."""
    text = _WIDE_SPACES.sub(" ", unescape(text)).strip().removesuffix("/")
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTRIBUTE.finditer(text):
        if match.group("name"):
            value = next((value for value in match.group("double", "single", "unclosed", "bare") if value), "")
            named.setdefault(match.group("name").lower(), value.strip(_QUOTES + " "))
        else:
            value = (match.group("quoted") or match.group("positional") or "").strip(_QUOTES + " ")
            if value:
                positional.append(value)
    return named, positional


@dataclass
class _Shortcode:
    """One ``[…]`` of the text, with what pairing and classification found out about it."""

    start: int
    end: int
    name: str
    closing: bool
    self_closing: bool
    attributes: str
    escaped_open: bool
    escaped_close: bool
    raw: str
    partner: int | None = None
    role: str = "text"  # "callout", "caption", "gallery", "embed", "unknown", "literal" or "text"

    @property
    def key(self) -> str:
        return self.name.lower()


def _shortcodes_in(text: str, in_markup) -> list[_Shortcode]:
    """The shortcodes of ``text`` outside HTML tags, paired (opening → closing) and classified."""
    found = [
        _Shortcode(
            start=match.start(),
            end=match.end(),
            name=match.group(3),
            closing=bool(match.group(2)),
            self_closing=bool(match.group(5)),
            attributes=match.group(4),
            escaped_open=bool(match.group(1)),
            escaped_close=bool(match.group(6)),
            raw=match.group(0),
        )
        for match in _SHORTCODE_TOKEN.finditer(text)
        if not in_markup(match.start())
    ]
    # Pair each [/name] with the nearest [name] still open, as WordPress does; whatever was opened
    # in between without being closed stands alone.
    open_ones: list[int] = []
    for index, code in enumerate(found):
        if code.self_closing:
            continue
        if not code.closing:
            open_ones.append(index)
            continue
        for position in range(len(open_ones) - 1, -1, -1):
            opener = found[open_ones[position]]
            if opener.key == code.key:
                opener.partner, code.partner = index, open_ones[position]
                del open_ones[position:]
                break
    for code in found:
        code.role = _role_of(code, found)
    return found


def _role_of(code: _Shortcode, found: list[_Shortcode]) -> str:
    key = code.key
    partner = found[code.partner] if code.partner is not None else None
    if code.escaped_open and (code.escaped_close or (partner is not None and partner.escaped_close)):
        return "literal"
    if code.closing and partner is not None and partner.escaped_open and code.escaped_close:
        return "literal"
    structural = (
        "callout"
        if key in CALLOUT_SHORTCODES
        else "caption"
        if key in {"caption", "wp_caption"}
        else "gallery"
        if key == "gallery"
        else "embed"
        if key == "embed"
        else None
    )
    named = "<" not in code.attributes and _NAMED_ATTRIBUTE.search(code.attributes)
    if structural == "gallery" or (structural and partner is not None):
        return structural
    if structural:
        # A box or a caption never closed: markup if it has attributes, else prose (« [Note : …] »).
        return "unknown" if code.closing or code.self_closing or named else "text"
    if "<" in code.attributes and code.name not in KNOWN_SHORTCODES:
        return "text"  # « [voir <a href=…>ici</a>] »: brackets in prose around a link
    looks_like_markup = (
        code.closing
        or code.self_closing
        or partner is not None
        or code.name in KNOWN_SHORTCODES
        or "_" in code.name
        or named
    )
    return "unknown" if looks_like_markup else "text"


def _neutralised(text: str) -> str:
    """Prose in brackets that clean_body would take for a shortcode (« [Citation nécessaire] ») in parentheses."""
    return SHORTCODE.sub(lambda match: "(" + match.group(0)[1:-1] + ")", text)


# HTML -----------------------------------------------------------------------------------------

_RAW_TEXT = "script|style|textarea|title|xmp|iframe|noscript|noembed|noframes"
_SKIPPED = "svg|math|object|video|audio|template|select|canvas|map|button|head"
_HTML_TOKEN = re.compile(
    r"<!--(?P<comment>.*?)(?:-->|\Z)"
    rf"|<(?P<raw>{_RAW_TEXT})\b(?P<rattrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)(?<!/)>(?P<rinner>.*?)(?:</(?P=raw)\s*>|\Z)"
    rf"|<(?P<skip>{_SKIPPED})\b(?P<sattrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(?P<sinner>.*?)</(?P=skip)\s*>"
    r"|<(?P<slash>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|<![^>]*>|<\?[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_HTML_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_SOURCE_SRC = re.compile(r"<(?:source|embed)\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_PARAM_MOVIE = re.compile(
    r"<param\b[^>]*?\bname\s*=\s*[\"']?movie[\"']?[^>]*?\bvalue\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE
)


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _HTML_ATTRIBUTE.finditer(text):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4) or ""
        attributes.setdefault(match.group(1).lower(), unescape(value))
    return attributes


def _events(text: str, *, with_shortcodes: bool):
    """The post as a stream: ("text", s), ("start", tag, attrs, closed), ("end", tag), ("opaque", tag, attrs,
    inner), ("comment", body), ("shortcode", index), ("url", address); plus the shortcodes found."""
    markup = list(_HTML_TOKEN.finditer(text))
    starts = [match.start() for match in markup]
    ends = [match.end() for match in markup]

    def in_markup(position: int) -> bool:
        index = bisect_right(starts, position) - 1
        return index >= 0 and position < ends[index]

    shortcodes = _shortcodes_in(text, in_markup) if with_shortcodes and "[" in text else []
    specials = [(code.start, code.end, ("shortcode", index)) for index, code in enumerate(shortcodes)]
    specials = [special for special in specials if shortcodes[special[2][1]].role != "text"]
    if with_shortcodes and "http" in text:
        specials += [
            (match.start(), match.end(), ("url", match.group(1)))
            for match in _URL_LINE.finditer(text)
            if not in_markup(match.start(1))
        ]
        specials.sort(key=lambda special: special[0])
    items = [(match.start(), match.end(), match) for match in markup]
    if specials:
        items = sorted(items + specials, key=lambda item: item[0])
    events = []
    position = 0
    for start, end, item in items:
        if start < position:
            continue  # inside a shortcode's attributes (HTML in an old caption="…")
        if start > position:
            events.append(("text", text[position:start]))
        position = end
        if isinstance(item, tuple):
            events.append(item)
        elif item.group("tag"):
            tag = item.group("tag").lower()
            attributes = item.group("attrs")
            if item.group("slash"):
                events.append(("end", tag))
            else:
                events.append(("start", tag, attributes, attributes.rstrip().endswith("/")))
        elif item.group("raw"):
            events.append(("opaque", item.group("raw").lower(), item.group("rattrs"), item.group("rinner")))
        elif item.group("skip"):
            events.append(("opaque", item.group("skip").lower(), item.group("sattrs"), item.group("sinner")))
        elif item.group("comment") is not None:
            events.append(("comment", item.group("comment")))
    if position < len(text):
        events.append(("text", text[position:]))
    return events, shortcodes


# Text -----------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_ANY_SPACES = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Zero-width spaces, byte order marks and soft hyphens pasted from elsewhere.
_INVISIBLE = re.compile(r"[\u200b\ufeff\u00ad]")
_TAG = re.compile(r"<(?:/?[A-Za-z][^>]*|!--.*?--)>", re.DOTALL)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);")


def _collapsed(text: str) -> str:
    """Runs of spaces as one, as browsers show them; a lone no-break space (« Pourquoi ? ») stays."""
    return _ANY_SPACES.sub(lambda match: match.group(0) if match.group(0) in ("\u00a0", "\u202f") else " ", text)


def plain_text_of(text: str) -> str:
    """A title or a term's name as plain text: tags stripped, entities decoded (&#8217; → ’), spaces collapsed."""
    text = unescape(_TAG.sub("", text or ""))
    if _ENTITY.search(text):  # encoded twice by some plugin (« &amp;#8217; »)
        text = unescape(text)
    return _collapsed(_INVISIBLE.sub("", text)).strip()


# A phone's or a camera's file name without its extension, as WordPress puts it in a caption:
# « dsc20050727_091048_222 », « IMG_1234 », « FB_IMG_1468476316958 », « 100_5540 », « 20160714_123456 ».
_CAMERA_NAME = re.compile(
    r"(?:(?:img|dsc[nf]?|dcp|dcim|pict|pxl|fb_img|mvimg|wp|vid|p|screenshot|capture)[_-]?\d[\d_-]{2,}"
    r"|\d+_\d[\d_]*|\d{8,})(?:[_~-]\w*)?",
    re.IGNORECASE,
)


def is_file_name_caption(text: str) -> bool:
    """Whether a caption is nothing but an image's file name (« FB_IMG_1468476316958.jpg »), never shown to readers."""
    text = plain_text_of(text)
    return bool(text) and (typed_file_names(text) == [text] or bool(_CAMERA_NAME.fullmatch(text)))


def _first_paragraph(html: str) -> str:
    """The text of the body's first paragraph of its own: not one in a note, a quotation, a list or a caption."""
    depth = 0
    start = None
    for match in _BODY_ELEMENT.finditer(html):
        closing, tag = match.group(1), match.group(2)
        if tag != "p":
            depth += -1 if closing else 1
        elif depth == 0 and not closing:
            start = match.end()
        elif depth == 0 and start is not None:
            text = plain_text_of(re.sub(r"<br\s*/?>", " ", html[start : match.start()]))
            start = None
            if text:
                return text
    return ""


def standfirst_from(html: str, max_length: int = 600) -> str:
    """The plain text of a body's first paragraph (outside notes and quotes), cut at a word with « … » if too long."""
    text = _first_paragraph(html or "")
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if not text[max_length - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


_BODY_ELEMENT = re.compile(r"<(/?)(aside|blockquote|figure|ul|ol|p)\b[^>]*>")


# The body --------------------------------------------------------------------------------------

INLINE_TAGS = {
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
}
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
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
TABLE_TAGS = frozenset({"table", "tr", "td", "th", "caption"})
VOID_TAGS = frozenset(
    {"area", "base", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
CELL_SEPARATOR = " – "
# Where an address alone on its line was a video, a post or a song on WordPress, and is now a link.
EMBED_HOSTS = (
    "youtube.com",
    "youtu.be",
    "vimeo.com",
    "dailymotion.com",
    "dai.ly",
    "twitter.com",
    "x.com",
    "facebook.com",
    "instagram.com",
    "soundcloud.com",
    "spotify.com",
    "deezer.com",
    "tiktok.com",
    "flickr.com",
    "wordpress.tv",
    "slideshare.net",
    "scribd.com",
    "issuu.com",
    "reddit.com",
    "tumblr.com",
    "imgur.com",
    "ted.com",
    "mixcloud.com",
    "kickstarter.com",
    "pinterest.com",
    "giphy.com",
    "bsky.app",
)
_PLAYER_ADDRESSES = [
    (
        re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
    (re.compile(r"^https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)"), "https://www.dailymotion.com/video/{}"),
]
_ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_SMILEY = re.compile(r"\b(?:wp-smiley|emoji)\b")
_TRAILING_BREAKS = re.compile(r"(?:\s|<br>)+((?:</(?:strong|em|a)>)*)$")
_EMPTY_INLINE = re.compile(r"<(strong|em|a)\b[^>]*>(\s*)</\1>")


class _Site:
    """The old site's address: which links and images are its own, and relative addresses made absolute."""

    def __init__(self, site: str):
        self.root = (site or "").strip().rstrip("/")
        parts = urlsplit(self.root)
        self.host = self._bare(parts.hostname or "")
        # A WordPress.com blog keeps its uploads on « <blog>.files.wordpress.com ».
        self.files_host = self.host.replace(".wordpress.com", ".files.wordpress.com") if self.host else ""

    @staticmethod
    def _bare(host: str) -> str:
        return host.lower().removeprefix("www.")

    def absolute(self, url: str) -> str:
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        if self.root and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return urljoin(self.root + "/", url)
        return url

    def origin(self, url: str) -> str:
        """An image's own address when Jetpack's CDN served it (« i0.wp.com/<site>/wp-content/… »)."""
        match = re.match(r"^https?://i\d\.wp\.com/([^/]+)(/.*)$", url)
        if match and self._bare(match.group(1)) == self.host:
            return f"{urlsplit(self.root).scheme or 'https'}://{match.group(1)}{match.group(2)}"
        return url

    def is_own(self, url: str) -> bool:
        host = self._bare(urlsplit(url).hostname or "")
        return bool(self.host) and host == self.host

    def is_upload(self, url: str) -> bool:
        parts = urlsplit(url)
        host = self._bare(parts.hostname or "")
        path = parts.path
        if host == self.files_host and host.endswith(".files.wordpress.com"):
            return True
        own = host == self.host or not host
        return own and any(part in path for part in ("/wp-content/uploads/", "/wp-content/blogs.dir/", "/files/"))


class _Inline:
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
class _Box:
    tag: str
    attributes: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


@dataclass
class _TextBlock:
    tag: str
    html: str


@dataclass
class _Figure:
    image_id: int
    caption: str = ""


@dataclass
class _Frame:
    """An element open in the source and what it means here (its ``role``)."""

    tag: str
    role: str  # box, heading, table, row, cell, pre, figure, block
    box: _Box | None = None
    barrier: bool = False  # a shortcode's box: HTML end tags do not close what is outside it
    figures: list = field(default_factory=list)


@dataclass
class _Capture:
    """Content gathered instead of written: a [caption]'s, a <figcaption>'s or an [embed]'s."""

    kind: str
    until: object  # the closing shortcode's index, or the end tag
    inline: _Inline = field(default_factory=_Inline)
    images: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    caption: str = ""  # the old caption="…" attribute
    attachment_id: int | None = None
    target: _Figure | None = None


class _BodyBuilder:
    """Reads the event stream of a post the way WordPress displayed it and builds our body."""

    def __init__(self, resolver: Resolver, site: _Site, *, line_breaks: bool):
        self.resolver = resolver
        self.site = site
        # Classic posts: WordPress turns each single newline into a <br> (wpautop); block posts are HTML already.
        self.line_breaks = line_breaks
        self.problems: list[Problem] = []
        self.root = _Box("root")
        self.frames = [_Frame("root", "box", self.root)]
        self.inline = _Inline()
        self.capture: _Capture | None = None
        self.shortcodes: list[_Shortcode] = []
        self._refresh()

    # The state of the open elements --------------------------------------------------------------

    def _refresh(self):
        """Where text goes now: which box, which kind of paragraph, in a table or a <pre>?"""
        self.heading = None
        self.in_table = self.in_pre = False
        for frame in reversed(self.frames):
            if frame.role == "box":
                self.box = frame.box
                break
            if frame.role == "heading" and self.heading is None:
                self.heading = HEADINGS[frame.tag]
            elif frame.role == "table":
                self.in_table = True
            elif frame.role == "pre":
                self.in_pre = True

    def _push(self, frame: _Frame):
        self.frames.append(frame)
        self._refresh()

    def _pop_to(self, index: int):
        """Close the frames from the top down to ``index`` (included)."""
        del self.frames[index:]
        self.inline.close_deeper_than(len(self.frames))
        self._refresh()

    def _find(self, tags, *, cross_barriers: bool = False) -> int | None:
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.tag in tags:
                return index
            if frame.barrier and not cross_barriers:
                return None
        return None

    def _nearest(self, role: str) -> _Frame | None:
        for frame in reversed(self.frames):
            if frame.role == role:
                return frame
            if frame.role == "box":
                return None
        return None

    def report(self, kind: str, detail: str):
        self.problems.append(Problem(kind, detail))

    # Writing blocks -----------------------------------------------------------------------------------

    def flush(self):
        html = self.inline.finish()
        if html is None:
            return
        plain = unescape(html) if "<" not in html else ""
        if plain and _BARE_URL.fullmatch(plain):
            # An address alone in its paragraph was an embed or a link on WordPress: a link here too.
            self._append(_TextBlock("p", self._link_html(plain)))
            self._report_embed(plain, only_players=True)
            return
        self._append(_TextBlock(self.heading or "p", html))

    def _append(self, node):
        box = self.box
        if box.tag in ("ul", "ol"):  # content straight inside a list: in an item of its own
            item = _Box("li")
            box.children.append(item)
            self._push(_Frame("li", "box", item))
            box = item
        box.children.append(node)

    def _append_figure(self, image_id: int, caption: str = ""):
        self.flush()
        figure = _Figure(image_id, caption)
        self._append(figure)
        frame = self._nearest("figure")
        if frame is not None:
            frame.figures.append(figure)
        return figure

    def _link_html(self, url: str) -> str:
        return f'<a href="{escape(url)}">{escape(url, quote=False)}</a>'

    def _report_embed(self, url: str, *, only_players: bool = False):
        host = (urlsplit(url).hostname or "").lower()
        if not only_players or any(host == known or host.endswith("." + known) for known in EMBED_HOSTS):
            self.report(EMBED_AS_LINK, url)

    def url_line(self, url: str):
        """An address alone on its line: WordPress embedded it (a video, a post) or linked it; a link here."""
        if self.capture is not None:
            self._capture_text(url)
        else:
            self.embed_link(url, always_report=False)

    def embed_link(self, url: str, *, always_report: bool = True):
        """A video, a post or a map that WordPress embedded: a paragraph with a link to it."""
        url = self.site.absolute(unescape(url.strip()))
        if not re.match(r"^https?://", url):
            return
        for pattern, address in _PLAYER_ADDRESSES:
            match = pattern.match(url)
            if match:
                url = address.format(match.group(1))
                break
        self.flush()
        self._append(_TextBlock("p", self._link_html(url)))
        self._report_embed(url, only_players=not always_report)

    # Text ----------------------------------------------------------------------------------------------

    def text(self, text: str):
        if "&" in text:
            text = unescape(text)
        if self.capture is not None:
            self._capture_text(text)
            return
        if self.in_pre:
            for number, line in enumerate(text.split("\n")):
                if number:
                    self.newline(always=True)
                self.add(line)
            return
        for number, part in enumerate(_BLANK_LINE.split(text)):
            if number:
                self.paragraph_break()
            for line_number, line in enumerate(part.split("\n")):
                if line_number:
                    self.newline()
                if line:
                    self.add(line)

    def add(self, text: str):
        text = _SPACES.sub(" ", text)
        if "[" in text:
            text = _neutralised(text)
        self.inline.add(text)

    def paragraph_break(self):
        if self.in_table:
            self.inline.add(" ")
        else:
            self.flush()

    def newline(self, *, always: bool = False):
        """A single newline: a <br> in a classic post (none right after a <br> tag), a space elsewhere."""
        inline = self.inline
        if self.in_table or not (self.line_breaks or always):
            inline.add(" ")
        elif inline.last_break == "tag":
            inline.last_break = "tag+newline"
        elif inline.last_break is not None:
            self.flush()
        elif inline.has_text:
            inline.add_break("newline")

    def br(self):
        inline = self.inline
        if self.in_table:
            inline.add(" ")
        elif inline.last_break is not None:
            self.flush()  # two <br> in a row: WordPress's paragraph break
        elif inline.has_text:
            inline.add_break("tag")

    # Elements -----------------------------------------------------------------------------------------

    def start(self, tag: str, attribute_text: str, closed: bool):
        if self.capture is not None:
            self._capture_start(tag, attribute_text)
            return
        if tag in INLINE_TAGS:
            name = INLINE_TAGS[tag]
            self.inline.push_mark(name, len(self.frames))
        elif tag == "a":
            self._open_link(_attributes(attribute_text))
        elif tag == "br":
            self.br()
        elif tag == "img":
            self.image(_attributes(attribute_text))
        elif tag in ("iframe", "video", "audio", "object", "embed"):
            # Written « <iframe … /> », or left open: a player all the same.
            attributes = _attributes(attribute_text)
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
        if self.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag in HEADINGS:
            self.flush()
            index = self._find({"h1", "h2", "h3", "h4", "h5", "h6"})
            if index is not None:
                self._pop_to(index)
            self._push(_Frame(tag, "heading"))
        elif tag in ("ul", "ol"):
            self.flush()
            if self.box.tag in ("ul", "ol") and self.box.children and self.box.children[-1].tag == "li":
                self._push(_Frame("li", "box", self.box.children[-1]))  # a list straight in a list: in its last item
            start = _attributes(attribute_text).get("start", "") if tag == "ol" else ""
            box = _Box(tag, {"start": start} if start.isdigit() and start != "1" else {})
            self._append(box)
            self._push(_Frame(tag, "box", box))
        elif tag == "li":
            self.flush()
            self._close_item()
            if self.box.tag not in ("ul", "ol"):
                box = _Box("ul")
                self._append(box)
                self._push(_Frame("ul", "box", box))
            item = _Box("li")
            self.box.children.append(item)
            self._push(_Frame("li", "box", item))
        elif tag == "blockquote":
            self.flush()
            box = _Box("blockquote")
            self._append(box)
            self._push(_Frame(tag, "box", box))
        elif tag == "table":
            self.flush()
            self._push(_Frame(tag, "table"))
        elif tag == "tr":
            self.flush()
            index = self._find({"tr", "table"})
            if index is not None and self.frames[index].tag == "tr":
                self._pop_to(index)
            self._push(_Frame(tag, "row"))
        elif tag in ("td", "th"):
            index = self._find({"td", "th", "tr", "table"})
            if index is not None and self.frames[index].tag in ("td", "th"):
                self._pop_to(index)
            if self.inline.has_text:
                self.inline.separator = CELL_SEPARATOR
            self._push(_Frame(tag, "cell"))
            if tag == "th":
                self.inline.push_mark("strong", len(self.frames))
        elif tag == "caption":
            self.flush()
            self._push(_Frame(tag, "block"))
        elif tag == "pre":
            self.flush()
            self._push(_Frame(tag, "pre"))
        elif tag == "figcaption" or self._is_caption_text(attribute_text, tag):
            self._start_figcaption(tag)
        elif tag == "figure" or (tag in ("div", "dl") and self._is_caption_box(attribute_text)):
            self.flush()
            self._push(_Frame(tag, "figure"))
        elif tag == "dt":
            self.flush()
            self._push(_Frame(tag, "block"))
            self.inline.push_mark("strong", len(self.frames))
        else:
            self.flush()
            if not closed and tag not in ("p", "hr"):
                self._push(_Frame(tag, "block"))

    def _end_block(self, tag: str):
        if self.in_table and tag not in TABLE_TAGS:
            self.inline.add(" ")
            return
        if tag == "p" or tag == "hr":
            self.flush()
            return
        if tag in ("td", "th"):
            index = self._find({"td", "th"})
            if index is not None:
                self._pop_to(index)  # the row goes on: no paragraph break
            return
        tags = {"h1", "h2", "h3", "h4", "h5", "h6"} if tag in HEADINGS else {tag}
        index = self._find(tags)
        if index is None and tag in ("ul", "ol"):
            index = self._find({"ul", "ol"})
        if index is None:
            self.flush()
            return
        self.flush()
        self._pop_to(index)

    def _close_item(self):
        """A new <li> closes the item still open in the same list (HTML's implied </li>)."""
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.role == "box":
                if frame.tag == "li":
                    self._pop_to(index)
                return

    @staticmethod
    def _is_caption_box(attribute_text: str) -> bool:
        """WordPress's own rendering of a caption, pasted back into a post: <div class="wp-caption">."""
        return "wp-caption" in attribute_text and re.search(r"\bwp-caption(?!-)", attribute_text) is not None

    @staticmethod
    def _is_caption_text(attribute_text: str, tag: str) -> bool:
        return tag in ("p", "dd", "div") and re.search(r"\bwp-caption-(?:text|dd)\b", attribute_text) is not None

    def _start_figcaption(self, tag: str):
        self.flush()
        frame = self._nearest("figure")
        if frame is not None and len(frame.figures) == 1 and not frame.figures[0].caption:
            self.capture = _Capture("figcaption", tag, target=frame.figures[0])
        elif tag != "p":
            # The caption of a table, of a gallery or of a missing image: a paragraph, so that nothing is lost.
            self._push(_Frame(tag, "block"))

    def _open_link(self, attributes: dict):
        if self.inline.is_open("a"):
            self.inline.close_tag("a")  # links do not nest: a new one ends the last
        href = self._link_target(attributes.get("href", ""))
        self.inline.push("a", f'<a href="{escape(href)}">' if href else None, len(self.frames))

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
        image_id = self._library_image(source, classes, attributes.get("data-id", ""), attachment_id)
        if image_id is None:
            return
        if self.capture is not None:
            self.capture.images.append(image_id)
        else:
            self._append_figure(image_id)

    def _library_image(self, source: str, classes: str, data_id: str, attachment_id: int | None) -> int | None:
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
        image_id = self.resolver.image(attachment_id=attachment_id, url=url)
        if image_id is not None:
            return image_id
        if attachment_id is not None or (url and self.site.is_upload(url)):
            self.report(MISSING_IMAGE, url or f"pièce jointe {attachment_id}")
        else:
            self.report(FOREIGN_IMAGE, url)
        return None

    # Opaque elements: scripts, frames, players -----------------------------------------------------

    def opaque(self, tag: str, attribute_text: str, inner: str):
        if tag == "iframe":
            source = _attributes(attribute_text).get("src") or _attributes(attribute_text).get("data-src")
            if source:
                self.embed_link(source)
        elif tag in ("video", "audio"):
            attributes = _attributes(attribute_text)
            found = _SOURCE_SRC.search(inner)
            source = attributes.get("src") or (unescape(found.group(1)) if found else "")
            if source:
                self.embed_link(source)
        elif tag == "object":
            attributes = _attributes(attribute_text)
            found = _PARAM_MOVIE.search(inner) or _SOURCE_SRC.search(inner)
            source = attributes.get("data") or (unescape(found.group(1)) if found else "")
            if source:
                self.embed_link(source)
        # script, style, forms' fields, svg…: nothing a reader of the article needs

    def comment(self, body: str):
        # The « read more » and page breaks: a paragraph ends there.
        if (body.strip() in ("more", "nextpage") or body.startswith("more ")) and self.capture is None:
            self.flush()

    # Shortcodes --------------------------------------------------------------------------------------

    def shortcode(self, index: int):
        code = self.shortcodes[index]
        if self.capture is not None:
            self._capture_shortcode(index, code)
            return
        role = code.role
        if role == "literal":
            self._literal(code)
        elif role == "callout":
            if code.closing:
                self._close_callout(code)
            elif code.partner is not None:
                self._open_callout(index, code)
        elif role == "caption":
            if not code.closing and code.partner is not None:
                self.flush()
                named, _positional = shortcode_attributes(code.attributes)
                attachment = re.search(r"(\d+)$", named.get("id", ""))
                self.capture = _Capture(
                    "caption",
                    code.partner,
                    caption=named.get("caption", ""),
                    attachment_id=int(attachment.group(1)) if attachment else None,
                )
        elif role == "gallery":
            if not code.closing:
                self._gallery(code)
        elif role == "embed":
            if not code.closing and code.partner is not None:
                self.flush()
                self.capture = _Capture("embed", code.partner)
        elif role == "unknown":
            self._unknown(code)

    def _literal(self, code: _Shortcode):
        text = code.raw[1:] if code.escaped_open else code.raw
        text = text[:-1] if code.escaped_close else text
        if SHORTCODE.search(text):
            # What clean_body refuses in the editor, written out as text: not shown to readers either.
            self.report(LITERAL_SHORTCODE, text)
        elif self.capture is not None:
            self.capture.inline.add(text)
        else:
            self.inline.add(text)

    def _unknown(self, code: _Shortcode):
        detail = f"[{code.name}]"
        if Problem(UNKNOWN_SHORTCODE, detail) not in self.problems:
            self.report(UNKNOWN_SHORTCODE, detail)

    def _open_callout(self, index: int, code: _Shortcode):
        named, _positional = shortcode_attributes(code.attributes)
        colour = self._colour(next((named[name] for name in COLOUR_ATTRIBUTES if named.get(name)), ""))
        title = plain_text_of(next((named[name] for name in TITLE_ATTRIBUTES if named.get(name)), ""))
        attributes = {"data-color": colour}
        if title:
            attributes["data-title"] = title
        self.flush()
        box = _Box("aside", attributes)
        self._append(box)
        self._push(_Frame(f"[{index}]", "box", box, barrier=True))

    def _close_callout(self, code: _Shortcode):
        index = self._find({f"[{code.partner}]"}, cross_barriers=True)
        if index is not None:
            self.flush()
            self._pop_to(index)

    def _colour(self, value: str) -> str:
        """A palette name (as the editor stores it) or a #rrggbb code; the palette's first for an invalid one."""
        palette = note_palette()
        value = value.strip()
        if not value:
            return next(iter(palette))
        if re.fullmatch(r"(?:[0-9a-fA-F]{3}){1,2}", value):
            value = "#" + value  # « color=ffcc00 »: a hex code that lost its #
        code = resolve_colour(value)
        if code is None:
            self.report(INVALID_COLOUR, value)
            return next(iter(palette))
        return next((name for name, hex_code in palette.items() if hex_code.lower() == code), code)

    def _gallery(self, code: _Shortcode):
        named, _positional = shortcode_attributes(code.attributes)
        ids = [int(part) for part in re.findall(r"\d+", named.get("ids") or named.get("include") or "")]
        if not ids:
            # WordPress showed the post's attached images, which an export does not list in the post.
            self.report(GALLERY_WITHOUT_IDS, code.raw)
            return
        for attachment_id in ids:
            image_id = self.resolver.image(attachment_id=attachment_id, url="")
            if image_id is None:
                self.report(MISSING_IMAGE, f"pièce jointe {attachment_id}")
            else:
                self._append_figure(image_id)

    # Captured content: [caption], <figcaption>, [embed] -----------------------------------------

    def _capture_text(self, text: str):
        capture = self.capture
        if capture.kind == "embed":
            capture.text.append(text)
        else:
            capture.inline.add(_SPACES.sub(" ", _neutralised(text) if "[" in text else text))

    def _capture_start(self, tag: str, attribute_text: str):
        inline = self.capture.inline
        if tag in INLINE_TAGS:
            name = INLINE_TAGS[tag]
            inline.push_mark(name)
        elif tag == "a":
            if inline.is_open("a"):
                inline.close_tag("a")
            href = self._link_target(_attributes(attribute_text).get("href", ""))
            inline.push("a", f'<a href="{escape(href)}">' if href else None)
        elif tag == "img":
            self.image(_attributes(attribute_text), attachment_id=self.capture.attachment_id)
        elif tag == "br" or tag in BLOCK_TAGS:
            inline.add(" ")

    def _capture_end(self, tag: str) -> bool:
        """Handle an end tag while capturing; False when it ended the capture and must be handled as usual."""
        capture = self.capture
        if capture.kind == "figcaption" and (tag == capture.until or tag in ("figure", "dl", "div")):
            self._end_capture()
            return tag == capture.until
        if tag in INLINE_TAGS:
            capture.inline.close_tag(INLINE_TAGS[tag])
        elif tag == "a":
            capture.inline.close_tag("a")
        elif tag in BLOCK_TAGS or tag == "br":
            capture.inline.add(" ")
        return True

    def _capture_shortcode(self, index: int, code: _Shortcode):
        capture = self.capture
        if index == capture.until:
            self._end_capture()
        elif code.role == "literal":
            self._literal(code)
        elif code.role == "unknown":
            self._unknown(code)

    def _end_capture(self):
        capture, self.capture = self.capture, None
        if capture.kind == "embed":
            address = "".join(capture.text).strip()
            if _BARE_URL.fullmatch(address):
                self.embed_link(address)
            return
        caption = capture.inline.finish() or ""
        if capture.caption:  # the old form, caption="…", wins as in WordPress
            caption = _inline_html(capture.caption, self)
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
            self._append(_TextBlock("p", caption))  # the image is missing: its caption is kept as text

    def finish(self) -> str:
        if self.capture is not None:
            self._end_capture()
        self.flush()
        return _serialised(self.root.children)


def _inline_html(fragment: str, builder: _BodyBuilder) -> str:
    """A caption="…" attribute's HTML as caption content: text, bold, italic and links."""
    saved = builder.capture
    builder.capture = _Capture("inline", None)
    events, _shortcodes = _events(fragment, with_shortcodes=False)
    for event in events:
        if event[0] == "text":
            builder.text(event[1])
        elif event[0] == "start" and event[1] != "img":
            builder._capture_start(event[1], event[2])
        elif event[0] == "end":
            builder._capture_end(event[1])
    html = builder.capture.inline.finish() or ""
    builder.capture = saved
    return html


def _serialised(nodes: list) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, _TextBlock):
            parts.append(f"<{node.tag}>{node.html}</{node.tag}>")
        elif isinstance(node, _Figure):
            caption = f"<figcaption>{node.caption}</figcaption>" if node.caption else ""
            parts.append(f'<figure><img data-file="{node.image_id}" alt="">{caption}</figure>')
        elif node.tag in ("ul", "ol"):
            items = [(item, _serialised(item.children)) for item in node.children]
            items = [(item, html) for item, html in items if html]
            if items and all(isinstance(child, _Figure) for item, _html in items for child in item.children):
                # A gallery laid out as a list: its pictures, one after the other.
                parts.append("".join(html for _item, html in items))
            elif items:
                start = f' start="{node.attributes["start"]}"' if node.attributes.get("start") else ""
                inner = "".join(f"<li>{html}</li>" for _item, html in items)
                parts.append(f"<{node.tag}{start}>{inner}</{node.tag}>")
        elif node.tag == "aside":
            inner = _serialised(node.children)
            if inner or node.attributes.get("data-title"):
                attributes = "".join(f' {name}="{escape(value)}"' for name, value in node.attributes.items())
                parts.append(f'<aside data-callout=""{attributes}>{inner or "<p></p>"}</aside>')
        else:
            inner = _serialised(node.children)
            if inner:
                parts.append(f"<{node.tag}>{inner}</{node.tag}>")
    return "".join(parts)


def _visible_text(html: str) -> str:
    """The text of a body as clean_body checks it: the text between tags, joined by spaces."""
    return unescape(re.sub(r"<[^>]*>", " ", html))


def convert_body(content: str, resolver: Resolver, *, site: str) -> ConvertedBody:
    """A WordPress post's ``post_content`` as our stored body (it passes clean_body), and what could not be kept."""
    content = _INVISIBLE.sub("", (content or "").replace("\r\n", "\n").replace("\r", "\n"))
    if not content.strip():
        return ConvertedBody("", [])
    builder = _BodyBuilder(resolver, _Site(site), line_breaks="<!-- wp:" not in content)
    events, builder.shortcodes = _events(content, with_shortcodes=True)
    handlers = {
        "text": builder.text,
        "start": builder.start,
        "end": builder.end,
        "opaque": builder.opaque,
        "comment": builder.comment,
        "shortcode": builder.shortcode,
        "url": builder.url_line,
    }
    for event in events:
        handlers[event[0]](*event[1:])
    html = builder.finish()
    if SHORTCODE.search(_visible_text(html)):
        # Brackets split by markup (« [<em>note</em>] »), which no single piece of text showed: in parentheses
        # too, as _neutralised does for one piece of text.
        html = re.sub(r">([^<]*)<", lambda match: match.group(0).replace("[", "(").replace("]", ")"), html)
    problems = list(dict.fromkeys(builder.problems))
    return ConvertedBody(clean_body(html), problems)


# Comments --------------------------------------------------------------------------------------

_COMMENT_BLOCKS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def comment_text(content: str) -> str:
    """A WordPress comment (a, b, i, strong, em, blockquote, code, entities, line breaks) as our plain-text comment.

    Paragraphs are separated by a blank line and lines by a newline, as readers type them in our
    form; a link keeps its address as text (« le rapport (https://…) ») for our comment renderer to link.
    """
    content = _INVISIBLE.sub("", (content or "").replace("\r\n", "\n").replace("\r", "\n"))
    events, _shortcodes = _events(content, with_shortcodes=False)
    pieces: list[str] = []
    links: list[tuple[int, str]] = []
    quotes: list[int] = []
    for event in events:
        kind = event[0]
        if kind == "text":
            text = unescape(event[1])
            text = _BLANK_LINE.sub("\n\n", text)
            pieces.append(re.sub(r"[ \t\f\v]+", " ", text))
        elif kind == "start":
            tag = event[1]
            if tag == "br":
                pieces.append("\n")
            elif tag == "a":
                links.append((len(pieces), _attributes(event[2]).get("href", "").strip()))
            elif tag == "blockquote":
                pieces.append("\n\n")
                quotes.append(len(pieces))
            elif tag == "li":
                pieces.append("\n")
            elif tag == "q":
                pieces.append("« ")
            elif tag in _COMMENT_BLOCKS:
                pieces.append("\n\n")
        elif kind == "end":
            tag = event[1]
            if tag == "a" and links:
                start, href = links.pop()
                shown = "".join(pieces[start:]).strip()
                if re.match(r"^(?:https?://|mailto:)", href, re.IGNORECASE) and href.rstrip("/") not in (
                    shown.rstrip("/"),
                    "http://" + shown.rstrip("/"),
                    "https://" + shown.rstrip("/"),
                ):
                    pieces.append(f" ({href})" if shown else href)
            elif tag == "blockquote" and quotes:
                start = quotes.pop()
                quoted = re.sub(r"\n{3,}", "\n\n", "".join(pieces[start:]).strip())
                pieces[start:] = [f"« {quoted} »" if quoted else "", "\n\n"]
            elif tag == "q":
                pieces.append(" »")
            elif tag in _COMMENT_BLOCKS:
                pieces.append("\n\n")
    lines = [line.strip() for line in "".join(pieces).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
