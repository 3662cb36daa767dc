"""The reading beacon on every article page, plugged into ``articles.page_parts`` (no edit of the article's template)."""

from articles.page_parts import ArticlePagePart


class ReadingBeaconPart(ArticlePagePart):
    """A few bytes of inline script that count the reading; no query, no cookie, no change to the page's caching."""

    name = "reading_beacon"
    template_name = "popularity/beacon.html"
