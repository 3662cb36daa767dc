"""Shortcodes in a WordPress post: ``[name attributes]…[/name]``, read as WordPress did.

``shortcodes_in`` finds them outside HTML tags, pairs each closing one with its opening one
and tells what each one is (its ``role``): a callout box, a caption, a gallery, an embed,
markup of a plugin we do not know, one written out to be shown as text (« [[note]] »), or
mere prose in brackets. What the body builder then makes of each is in wordpress/body_shortcodes.py.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from articles.body import SHORTCODE

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

# WordPress's players of sounds and videos (the file as attribute), and the providers' own (Jetpack's).
MEDIA_SHORTCODES = frozenset({"audio", "video"})
PLAYER_SHORTCODES = frozenset({"youtube", "vimeo", "dailymotion"})

# ``[name attributes]``, ``[/name]``, ``[name /]``; doubled brackets escape it (« [[name]] » shows « [name] »).
# Attributes cannot hold brackets, as in WordPress; they may hold HTML (the old ``caption="…"``).
# Jetpack writes some with « = » straight after the name: ``[youtube=https://…]``.
_SHORTCODE_TOKEN = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]*)(?=[\s/\]=])([^\[\]]*?)(/?)\](\]?)")
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
class Shortcode:
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
    # "callout", "caption", "gallery", "embed", "media", "player", "unknown", "literal" or "text"
    role: str = "text"

    @property
    def key(self) -> str:
        return self.name.lower()


def shortcodes_in(text: str, in_markup: Callable[[int], bool]) -> list[Shortcode]:
    """The shortcodes of ``text`` outside HTML tags (``in_markup`` tells a position in one), paired and classified."""
    found = [
        Shortcode(
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


def _role_of(code: Shortcode, found: list[Shortcode]) -> str:
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
        else "media"
        if key in MEDIA_SHORTCODES
        else "player"
        if key in PLAYER_SHORTCODES
        else None
    )
    named = "<" not in code.attributes and _NAMED_ATTRIBUTE.search(code.attributes)
    if structural in ("gallery", "media", "player") or (structural and partner is not None):
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


def neutralised(text: str) -> str:
    """Prose in brackets that clean_body would take for a shortcode (« [Citation nécessaire] ») in parentheses."""
    return SHORTCODE.sub(lambda match: "(" + match.group(0)[1:-1] + ")", text)
