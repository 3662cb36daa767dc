"""What search engines and social networks read: structured data for article pages."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .people import credited, public_name
from .subjects import AUTHORS

# Inside <script>, only these characters can end the element or start markup:
# escaped as JSON unicode escapes, the data stays identical for a parser.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data) -> SafeString:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


def main_image_url(article, request) -> str | None:
    image = article.main_image
    return request.build_absolute_uri(image.fallback_url) if image is not None and image.fallback_url else None


def article_jsonld(article, request) -> SafeString:
    """schema.org NewsArticle, as Google News asks for it, with its rectificatifs as ``correction``.

    ``dateModified`` is the « Mis à jour le … » readers see, which every correction moves to its
    own date (``Correction.save``): the latest of the article's updates and its notes.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    image = main_image_url(article, request)
    modified = article.updated_at if article.show_update_date else article.published_at
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        # The desk's title and description for search engines when it wrote them; the headline
        # printed on the page then stays known as the alternative one.
        "headline": article.search_engine_title[:110],
        "alternativeHeadline": article.title if article.search_engine_title != article.title else None,
        "description": strip_tags(article.search_engine_description),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": [
            {
                "@type": "Person",
                "name": public_name(author),
                "url": request.build_absolute_uri(AUTHORS.url(author)),
            }
            for author in credited(article.page_data["authors"])
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("img/logo.png")),
                "width": 600,
                "height": 60,
            },
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.section.name,
        "keywords": ", ".join(tag.name for tag in article.page_data["tags"]),
        "inLanguage": "fr",
        # Updates are news, not errors: only rectificatifs are declared as corrections.
        "correction": [
            {"@type": "CorrectionComment", "text": note.text, "datePublished": note.published_at.isoformat()}
            for note in article.page_data["corrections"]
            if note.is_correction
        ],
    }
    if image:
        data["image"] = [image]
    return json_for_script({key: value for key, value in data.items() if value not in (None, "", [])})
