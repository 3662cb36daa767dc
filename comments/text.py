"""Readers' text is plain text: paragraphs and links, never HTML."""

import re

from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _linked(paragraph: str) -> str:
    # urlize escapes all the text it does not turn into a link.
    return urlize(paragraph, nofollow=True, autoescape=True).replace('rel="nofollow"', 'rel="nofollow ugc noopener"')


def render_comment_text(text: str) -> SafeString:
    """Escape everything, link web addresses (nofollow ugc), keep paragraphs and line breaks."""
    paragraphs = [part.strip() for part in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip()) if part.strip()]
    return mark_safe("\n".join(f"<p>{_linked(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in paragraphs))


def count_links(text: str) -> int:
    """The links readers will see, counted exactly as ``render_comment_text`` makes them."""
    return _linked(text).count("<a ")
