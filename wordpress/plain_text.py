"""The small texts around a WordPress post as plain text: titles and names, captions, the standfirst, comments.

A title or a term's name may hold tags and entities, sometimes encoded twice; a caption may be
nothing but a camera's file name; a post without an excerpt takes its standfirst from the first
paragraph of its converted body; a comment keeps its paragraphs, quotations and links as the
plain text readers type in our comment form.
"""

import re
from html import unescape

from images.forms import typed_file_names

from .html_reader import BLANK_LINE, INVISIBLE, html_attributes, read_events, source_text

_ANY_SPACES = re.compile(r"\s+")
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
    return _collapsed(INVISIBLE.sub("", text)).strip()


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


_BODY_ELEMENT = re.compile(r"<(/?)(aside|blockquote|figure|ul|ol|p)\b[^>]*>")


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


# Comments --------------------------------------------------------------------------------------

_COMMENT_BLOCKS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def comment_text(content: str) -> str:
    """A WordPress comment (a, b, i, strong, em, blockquote, code, entities, line breaks) as our plain-text comment.

    Paragraphs are separated by a blank line and lines by a newline, as readers type them in our
    form; a link keeps its address as text (« le rapport (https://…) ») for our comment renderer to link.
    """
    events, _shortcodes = read_events(source_text(content), with_shortcodes=False)
    pieces: list[str] = []
    links: list[tuple[int, str]] = []
    quotes: list[int] = []
    for event in events:
        kind = event[0]
        if kind == "text":
            text = unescape(event[1])
            text = BLANK_LINE.sub("\n\n", text)
            pieces.append(re.sub(r"[ \t\f\v]+", " ", text))
        elif kind == "start":
            tag = event[1]
            if tag == "br":
                pieces.append("\n")
            elif tag == "a":
                links.append((len(pieces), html_attributes(event[2]).get("href", "").strip()))
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
