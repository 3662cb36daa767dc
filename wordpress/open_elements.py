"""The elements open in a post's source where the body builder is, and what they mean for the text that comes.

HTML's « stack of open elements », kept loosely: a frame per element that matters here, each with
its ``role``. The innermost box says where paragraphs and figures go; a heading, a table or a
<pre> open inside that box says what kind of paragraph the text makes.
"""

from dataclasses import dataclass, field

from .body_writer import Box

HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}


@dataclass
class Frame:
    """An element open in the source and what it means here (its ``role``)."""

    tag: str
    role: str  # box, heading, table, row, cell, caption, pre, figure, block
    box: Box | None = None
    barrier: bool = False  # a shortcode's box: HTML end tags do not close what is outside it
    # A figure's: what it holds (pictures, a table, an embed, a player), which its <figcaption> describes.
    figures: list = field(default_factory=list)
    node: object = None  # a table's Table, a cell's Cell (wordpress/body_writer.py)
    kind: str = ""  # a figure's WordPress block: "pullquote"…


class OpenElements:
    """The frames open from the body's root to where the builder is, innermost last.

    Kept current after every change: ``box`` (where paragraphs and figures go), ``heading`` (our
    heading tag while the text is in a heading, else None), ``in_table`` and ``in_pre``; in a table,
    ``table`` and ``cell`` (the Table and Cell being written, None outside a cell) and ``in_caption``.
    """

    def __init__(self, root: Box):
        self.frames = [Frame("root", "box", root)]
        self._refresh()

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, index: int) -> Frame:
        return self.frames[index]

    def _refresh(self):
        """Where text goes now: which box, which kind of paragraph, in a table or a <pre>?"""
        self.heading = None
        self.in_table = self.in_pre = self.in_caption = False
        self.table = self.cell = None
        for frame in reversed(self.frames):
            if frame.role == "box":
                self.box = frame.box
                break
            if frame.role == "heading" and self.heading is None:
                self.heading = HEADINGS[frame.tag]
            elif frame.role == "table":
                self.in_table = True
                self.table = self.table or frame.node
            elif frame.role == "cell":
                self.cell = self.cell or frame.node
            elif frame.role == "caption":
                self.in_caption = True
            elif frame.role == "pre":
                self.in_pre = True

    def push(self, frame: Frame):
        self.frames.append(frame)
        self._refresh()

    def pop_to(self, index: int):
        """Close the frames from the top down to ``index`` (included)."""
        del self.frames[index:]
        self._refresh()

    def find(self, tags, *, cross_barriers: bool = False) -> int | None:
        """The index of the innermost open element among ``tags``, not looking past a shortcode's box unless told."""
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.tag in tags:
                return index
            if frame.barrier and not cross_barriers:
                return None
        return None

    def nearest(self, role: str) -> Frame | None:
        """The innermost frame of ``role`` inside the current box."""
        for frame in reversed(self.frames):
            if frame.role == role:
                return frame
            if frame.role == "box":
                return None
        return None

    def open_item(self) -> int | None:
        """The index of the list item that is the current box, if it is one."""
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.role == "box":
                return index if frame.tag == "li" else None
        return None
