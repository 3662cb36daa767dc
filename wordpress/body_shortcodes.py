"""What the body builder makes of a post's shortcodes, once wordpress/shortcodes.py has told what each one is.

A callout box (« [note color=…] ») becomes one of our notes, with its colour from the editor's
palette and its title; a [caption] and an [embed] gather their content (body_builder.Capture);
a [gallery] lists its pictures; one written out as text (« [[note]] ») shows, unless it would
read as a shortcode in our editor; one we do not know loses its brackets (its content stays)
and is reported.
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
from .body_writer import Box
from .open_elements import Frame
from .plain_text import plain_text_of
from .shortcodes import COLOUR_ATTRIBUTES, TITLE_ATTRIBUTES, Shortcode, shortcode_attributes


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

    def _capture_shortcode(self, index: int, code: Shortcode):
        capture = self.capture
        if index == capture.until:
            self._end_capture()
        elif code.role == "literal":
            self._literal(code)
        elif code.role == "unknown":
            self._unknown(code)
