"""What the body builder makes of a post's shortcodes, once wordpress/shortcodes.py has told what each one is.

A callout box (« [note color=…] ») becomes one of our notes, with its colour from the editor's
palette and its title; a [caption] and an [embed] gather their content (body_builder.Capture);
a [gallery] becomes a « Diaporama » of its library pictures; [audio] and [video] the document
library's player (or a link to the file), [youtube]/[vimeo]/[dailymotion] the provider's embed;
one written out as text (« [[note]] ») shows, unless it would read as a shortcode in our editor;
one we do not know loses its brackets (its content stays) and is reported.
"""

import re

from articles.body import SHORTCODE, note_palette, resolve_colour

from .body_builder import (
    GALLERY_WITHOUT_IDS,
    INVALID_COLOUR,
    LITERAL_SHORTCODE,
    MISSING_IMAGE,
    UNKNOWN_SHORTCODE,
    BodyBuilder,
    Capture,
    Problem,
)
from .body_writer import Box, Figure, Gallery
from .open_elements import Frame
from .plain_text import plain_text_of
from .shortcodes import COLOUR_ATTRIBUTES, TITLE_ATTRIBUTES, Shortcode, shortcode_attributes

# The attributes WordPress's [audio] and [video] name their file with, in the order it tries them.
AUDIO_SOURCES = ("src", "mp3", "m4a", "ogg", "oga", "wav", "flac", "wma")
VIDEO_SOURCES = ("src", "mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv")
# A player shortcode given the video's id alone: the video's page.
PLAYER_PAGES = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
    "dailymotion": "https://www.dailymotion.com/video/{}",
}


class ShortcodeConversion(BodyBuilder):
    """The body builder's handling of shortcodes: each one's role (callout, caption, gallery, embed…) made ours."""

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
                self.capture = Capture(
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
                self.capture = Capture("embed", code.partner)
        elif role == "media":
            if not code.closing:
                self._media_shortcode(code)
        elif role == "player":
            if not code.closing:
                self._player_shortcode(code)
        elif role == "unknown":
            self._unknown(code)

    def _literal(self, code: Shortcode):
        text = code.raw[1:] if code.escaped_open else code.raw
        text = text[:-1] if code.escaped_close else text
        if SHORTCODE.search(text):
            # What clean_body refuses in the editor, written out as text: not shown to readers either.
            self.report(LITERAL_SHORTCODE, text)
        elif self.capture is not None:
            self.capture.inline.add(text)
        else:
            self.inline.add(text)

    def _unknown(self, code: Shortcode):
        detail = f"[{code.name}]"
        if Problem(UNKNOWN_SHORTCODE, detail) not in self.problems:
            self.report(UNKNOWN_SHORTCODE, detail)

    def _open_callout(self, index: int, code: Shortcode):
        named, _positional = shortcode_attributes(code.attributes)
        colour = self._colour(next((named[name] for name in COLOUR_ATTRIBUTES if named.get(name)), ""))
        title = plain_text_of(next((named[name] for name in TITLE_ATTRIBUTES if named.get(name)), ""))
        attributes = {"data-color": colour}
        if title:
            attributes["data-title"] = title
        self.flush()
        box = Box("aside", attributes)
        self._append(box)
        self.open_elements.push(Frame(f"[{index}]", "box", box, barrier=True))

    def _close_callout(self, code: Shortcode):
        index = self.open_elements.find({f"[{code.partner}]"}, cross_barriers=True)
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

    def _gallery(self, code: Shortcode):
        named, _positional = shortcode_attributes(code.attributes)
        ids = [int(part) for part in re.findall(r"\d+", named.get("ids") or named.get("include") or "")]
        attached = getattr(self.resolver, "attached_images", None)
        if not ids and attached is not None:
            # WordPress showed the post's attached images (their post_parent), in their menu order.
            images = attached()
            if images:
                gallery = Gallery()
                gallery.children += [Figure(image_id) for image_id in images]
                self.flush()
                self._append(gallery)
                self.galleries.append(gallery)
                return
        if not ids:
            # WordPress showed the post's attached images, which the export does not hold (yet).
            self.report(GALLERY_WITHOUT_IDS, code.raw)
            return
        gallery = Gallery()
        for attachment_id in ids:
            image_id = self.resolver.image(attachment_id=attachment_id, url="")
            if image_id is None:
                self.report(MISSING_IMAGE, f"pièce jointe {attachment_id}")
            else:
                gallery.children.append(Figure(image_id))
        self.flush()
        self._append(gallery)
        self.galleries.append(gallery)

    def _media_shortcode(self, code: Shortcode):
        """[audio src=…], [audio https://…], [video mp4=…]: the file WordPress played; what a [video]…[/video]
        holds is the player's fallback for old browsers, not text of the article."""
        named, positional = shortcode_attributes(code.attributes)
        formats = AUDIO_SOURCES if code.key == "audio" else VIDEO_SOURCES
        source = next((named[name] for name in formats if named.get(name)), "") or next(
            (value for value in positional if re.match(r"^(?:https?:)?/", value)), ""
        )
        if not source:
            self._unknown(code)  # no file to play: its content stays, as for any shortcode we do not know
            return
        self.media(code.key, source)
        if code.partner is not None:
            self.capture = Capture("discard", code.partner)

    def _player_shortcode(self, code: Shortcode):
        """[youtube https://…], [youtube=https://…], [vimeo 123], [dailymotion x7…], [youtube]…[/youtube]."""
        named, positional = shortcode_attributes(code.attributes.strip().removeprefix("="))
        value = named.get("url") or named.get("src") or named.get("id") or (positional[0] if positional else "")
        if not value and code.partner is not None:
            self.flush()
            self.capture = Capture("embed", code.partner)
            return
        if not value:
            self._unknown(code)
            return
        if not re.match(r"^https?://", value):
            value = PLAYER_PAGES[code.key].format(value)
        self.embed_link(value)

    def _capture_shortcode(self, index: int, code: Shortcode):
        capture = self.capture
        if index == capture.until:
            self._end_capture()
        elif code.role == "literal":
            self._literal(code)
        elif code.role == "unknown":
            self._unknown(code)
