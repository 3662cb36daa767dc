"""How articles show a document: « PDF, 1,2 Mo » after a link, a player for audio and video.

The article body's renderer (``articles.body``) calls these two functions; they read no query
when the document comes with its poster (``select_related("poster")``), so that an article's
page costs the same whatever the number of its documents.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .formats import Kind
from .models import Document
from .sizes import human_size


def document_meta(document: Document) -> str:
    """« PDF, 1,2 Mo », « Word, 350 ko », « MP3, 4,8 Mo »: what readers know before they click."""
    return f"{document.format.label}, {human_size(document.size)}"


def render_media(document: Document, caption_html: str) -> SafeString:
    """An audio or video player with the browser's own controls, nothing loaded before « lecture ».

    ``caption_html`` is the article's caption, already cleaned by the body's sanitiser. The
    transcript (the document's description) follows in a « Transcription » disclosure. Without
    support for the format, the browser shows a plain download link instead of the player.
    """
    file_format = document.format
    poster = document.poster if document.kind == Kind.VIDEO and document.poster_id else None
    context = {
        "document": document,
        "is_video": document.kind == Kind.VIDEO,
        "url": document.get_absolute_url(),
        # QuickTime files (an iPhone's videos) play in most browsers, which skip a <source> typed
        # video/quicktime: no type, and each browser tries the file itself.
        "source_type": "" if file_format.key == "mov" else file_format.content_type,
        "poster_url": poster.fallback_url if poster else "",
        "meta": document_meta(document),
        "caption_html": caption_html,
    }
    return render_to_string("documents/includes/media.html", context)
