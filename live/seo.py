"""A live's structured data: schema.org ``LiveBlogPosting``, beside the article's own ``NewsArticle``.

Google reads ``coverageStartTime``/``coverageEndTime`` to show a live as live, and ``liveBlogUpdate``
for its latest entries (here, those of the page, each a ``BlogPosting``).
"""

from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from articles.seo import json_for_script


def live_jsonld(page, article, request) -> SafeString:
    """The data for ``page`` (a ``page_part.LivePage``) of the live of ``article``."""
    coverage = page.coverage
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": f"{url}#direct",
        "url": url,
        "headline": article.search_engine_title[:110],
        "description": strip_tags(article.search_engine_description),
        "inLanguage": "fr",
        "datePublished": (article.published_at or coverage.started_at).isoformat(),
        "coverageStartTime": coverage.started_at.isoformat(),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "@id": f"{url}#{entry.anchor}",
                "url": f"{url}#{entry.anchor}",
                "headline": entry.summary[:110],
                "articleBody": entry.text,
                "datePublished": entry.published_at.isoformat(),
                **({"dateModified": entry.edited_at.isoformat()} if entry.edited_at else {}),
                "author": {"@type": "Person", "name": entry.author},
            }
            for entry in page.entries
        ],
    }
    if coverage.ended_at:
        data["coverageEndTime"] = coverage.ended_at.isoformat()
    if page.entries:
        data["dateModified"] = max(entry.edited_at or entry.published_at for entry in page.entries).isoformat()
    return json_for_script(data)
