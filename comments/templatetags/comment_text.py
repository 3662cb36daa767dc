"""Readers' text is plain text: paragraphs and links, never HTML."""

import re

from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.filter
def comment_body(text: str) -> str:
    """Escape everything, link bare web addresses (nofollow ugc), keep paragraphs and line breaks."""
    paragraphs = [part.strip() for part in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip()) if part.strip()]
    html = []
    for paragraph in paragraphs:
        # urlize escapes all the text it does not turn into a link.
        linked = urlize(paragraph, nofollow=True, autoescape=True)
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
        html.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(html))
