"""Galleries (« Diaporamas »): several library images, each with its caption and credit.

Stored in the body as ``<figure data-gallery="12 15 18"><figcaption>…</figcaption></figure>``
(articles.body checks and dispatches it); readers get a grid of lazy-loaded thumbnails, each a
link to its large rendition, which works without JavaScript, and ``static/articles/body.js``
opens them in a viewer. The images come from the article's references, read once with the
body's other images, so a page costs the same queries with one gallery or ten.
"""

from django.template.loader import render_to_string
from django.utils.translation import ngettext

# The grid shows thumbnails about 10rem wide: the browser picks the smallest rendition that fits.
THUMBNAIL_SIZES = "(min-width: 46rem) 10rem, 33vw"


def large_url(image) -> str:
    """The widest rendition in the format every browser reads: what a thumbnail links to."""
    renditions = image.renditions_in(image.fallback_format)
    if not renditions:
        return image.fallback_url
    return image.file.storage.url(renditions[-1]["name"])


def render_gallery(images: list, caption_html: str) -> str:
    count = ngettext("%(count)s photo", "%(count)s photos", len(images)) % {"count": len(images)}
    return render_to_string(
        "articles/includes/gallery.html",
        {
            "items": [(image, large_url(image)) for image in images],
            "caption": caption_html,
            "count": count,
            "sizes": THUMBNAIL_SIZES,
        },
    )
