"""A WordPress text (a post's content, a comment) read as a stream of events, the way browsers read it.

``read_events`` cuts the text into start and end tags as they were written (unclosed or
misnested ones included: a ``<strong>`` across two paragraphs, an ``<iframe>`` never closed),
elements whose content is not text (scripts, players), comments and text; in a post, also its
shortcodes (wordpress/shortcodes.py) and the addresses alone on their line that WordPress embedded.
"""

import re
from bisect import bisect_right
from html import unescape

from .shortcodes import Shortcode, shortcodes_in

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
# WordPress turns an address alone on its line into an embed (oEmbed) or a link.
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"'\[\]]+)[ \t]*$", re.MULTILINE)

# Text as HTML reads it: its white space, wpautop's paragraph break, and what is never seen.
SPACES = re.compile(r"[ \t\n\r\f\v]+")
BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Zero-width spaces, byte order marks and soft hyphens pasted from elsewhere.
INVISIBLE = re.compile(r"[\u200b\ufeff\u00ad]")


def source_text(content: str | None) -> str:
    """A post's or a comment's text with newlines only (no carriage returns) and without invisible characters."""
    return INVISIBLE.sub("", (content or "").replace("\r\n", "\n").replace("\r", "\n"))


def html_attributes(text: str) -> dict[str, str]:
    """A tag's attributes (the text after its name), names in lower case, values decoded; the first of a name wins."""
    attributes: dict[str, str] = {}
    for match in _HTML_ATTRIBUTE.finditer(text):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4) or ""
        attributes.setdefault(match.group(1).lower(), unescape(value))
    return attributes


def read_events(text: str, *, with_shortcodes: bool) -> tuple[list[tuple], list[Shortcode]]:
    """The post as a stream: ("text", s), ("start", tag, attrs, closed), ("end", tag), ("opaque", tag, attrs,
    inner), ("comment", body), ("shortcode", index), ("url", address); plus the shortcodes found."""
    markup = list(_HTML_TOKEN.finditer(text))
    starts = [match.start() for match in markup]
    ends = [match.end() for match in markup]

    def in_markup(position: int) -> bool:
        index = bisect_right(starts, position) - 1
        return index >= 0 and position < ends[index]

    shortcodes = shortcodes_in(text, in_markup) if with_shortcodes and "[" in text else []
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
