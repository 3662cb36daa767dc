"""WordPress's text → ours: a post's ``post_content`` as the body our editor stores, and the small texts around it.

A WordPress export holds what authors typed, not what readers saw: blank lines that
WordPress turns into paragraphs when it displays a post (``wpautop``), classic-editor
HTML, Gutenberg's ``<!-- wp:… -->`` block comments, and shortcodes (``[caption]``,
``[gallery]``, a theme's ``[note color=…]`` boxes) that only meant something to the
plugins of that site. ``convert_body`` reads all of it the way WordPress displayed it
and writes the elements our editor stores (articles/body.py): paragraphs, two heading
levels, bold, italic, lists, quotations with their source, pull quotes, links, tables,
library images and galleries, callout notes, embeds of the providers articles.embeds
knows, and the document library's sounds, videos and files. What cannot be carried over
is reported as a ``Problem`` for the desk rather
than silently lost or left as raw ``[shortcode]`` text in front of readers; the result
goes through ``clean_body``, the editor's own sanitiser, like anything a journalist saves.

The importer (wordpress/importer.py) supplies a ``Resolver`` that knows what the rest
of the export became: the library image of an attachment, the address of another post.

This module is the way in; the conversion lives in the modules beside it:

- ``html_reader``: the text as a stream of events (tags, text, comments, shortcodes, addresses alone on a line);
- ``shortcodes``: the shortcodes found and paired, their attributes whatever their quotes, and their role;
- ``body_builder``: ``BodyBuilder``, what the events write (paragraphs, links, images, captions), and ``Problem``;
- ``body_elements``, ``body_shortcodes``: what each HTML element, each shortcode does in the builder;
- ``open_elements``: the elements open where the builder is; ``body_writer``: the paragraphs and tree it writes;
- ``addresses``: the old site's own addresses, the importer's ``Resolver``, the players WordPress embedded;
- ``plain_text``: titles, names, captions, the standfirst and comments as plain text.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from articles.body import SHORTCODE, clean_body

from .addresses import OldSite, Resolver
from .body_builder import (
    EMBED_AS_LINK,
    FOREIGN_IMAGE,
    GALLERY_IMAGE_CAPTION,
    GALLERY_NOT_IMPORTED,
    GALLERY_WITHOUT_IDS,
    INVALID_COLOUR,
    LITERAL_SHORTCODE,
    MEDIA_AS_LINK,
    MISSING_IMAGE,
    TABLE_AS_TEXT,
    TABLE_SPANS,
    UNKNOWN_SHORTCODE,
    Problem,
)
from .body_elements import ElementConversion
from .body_shortcodes import ShortcodeConversion
from .html_reader import read_events, source_text
from .plain_text import comment_text, is_file_name_caption, plain_text_of, standfirst_from
from .shortcodes import shortcode_attributes

__all__ = [
    "EMBED_AS_LINK",
    "FOREIGN_IMAGE",
    "GALLERY_IMAGE_CAPTION",
    "GALLERY_NOT_IMPORTED",
    "GALLERY_WITHOUT_IDS",
    "INVALID_COLOUR",
    "LITERAL_SHORTCODE",
    "MEDIA_AS_LINK",
    "MISSING_IMAGE",
    "TABLE_AS_TEXT",
    "TABLE_SPANS",
    "UNKNOWN_SHORTCODE",
    "ConvertedBody",
    "Problem",
    "Resolver",
    "comment_text",
    "convert_body",
    "is_file_name_caption",
    "plain_text_of",
    "shortcode_attributes",
    "standfirst_from",
]


@dataclass
class ConvertedBody:
    html: str  # passes articles.body.clean_body
    problems: list[Problem] = field(default_factory=list)


class _PostBodyBuilder(ElementConversion, ShortcodeConversion):
    """A post's body builder: its HTML elements and its shortcodes, read into one body."""


def _visible_text(html: str) -> str:
    """The text of a body as clean_body checks it: the text between tags, joined by spaces."""
    return unescape(re.sub(r"<[^>]*>", " ", html))


def convert_body(content: str, resolver: Resolver, *, site: str) -> ConvertedBody:
    """A WordPress post's ``post_content`` as our stored body (it passes clean_body), and what could not be kept."""
    content = source_text(content)
    if not content.strip():
        return ConvertedBody("", [])
    builder = _PostBodyBuilder(resolver, OldSite(site), line_breaks="<!-- wp:" not in content)
    events, builder.shortcodes = read_events(content, with_shortcodes=True)
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
        if builder.pending_source is not None and builder.capture is None:
            builder.settle_source(event)
        handlers[event[0]](*event[1:])
    html = builder.finish()
    if SHORTCODE.search(_visible_text(html)):
        # Brackets split by markup (« [<em>note</em>] »), which no single piece of text showed: in parentheses
        # too, as shortcodes.neutralised does for one piece of text.
        html = re.sub(r">([^<]*)<", lambda match: match.group(0).replace("[", "(").replace("]", ")"), html)
    problems = list(dict.fromkeys(builder.problems))
    return ConvertedBody(clean_body(html), problems)
