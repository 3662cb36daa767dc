"""« Les plus lus »: the articles most read over the last 24 hours, computed every few minutes, not per request.

The list is kept in the shared cache with the moment it was computed. A page asking for it gets
it as kept (no query); once it is ``REFRESH_SECONDS`` old, the first page to see so computes it
again (one query) while the others keep showing the old one, and ``flush_readings`` refreshes it
too, so that readers seldom pay for it.

Pages showing the list carry the ``most-read`` tag. It is purged only when the refreshed list
differs (other articles, or another order), so a page of the page cache shows a list at most
``REFRESH_SECONDS`` older than the one computed last, and is rendered again at most once per
refresh; counts alone are never shown, so a mere change of numbers purges nothing.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Sum

import pagecache
from articles.models import Article

from .counting import shared_cache
from .models import ArticleReadings

PAGE_TAG = "most-read"
CACHE_KEY = "popularity:most-read"
LOCK_KEY = "popularity:most-read:refreshing"
WINDOW = timedelta(hours=24)


def list_length() -> int:
    return getattr(settings, "POPULARITY_MOST_READ_COUNT", 5)


def refresh_seconds() -> int:
    return getattr(settings, "POPULARITY_REFRESH_SECONDS", 600)


def compute(length: int | None = None) -> list[dict]:
    """The most read published articles of the last 24 hours (from the start of the hour 23 hours ago), in one query."""
    since = ArticleReadings.last_hours_start(WINDOW)
    rows = (
        ArticleReadings.objects.filter(hour__gte=since, article__in=Article.objects.published().values("pk"))
        .values("article_id", "article__title", "article__slug")
        .annotate(readings=Sum("count"))
        .order_by("-readings", "article_id")[: length or list_length()]
    )
    return [
        {
            "id": row["article_id"],
            "title": row["article__title"],
            "url": Article(slug=row["article__slug"]).get_absolute_url(),
            "readings": row["readings"],
        }
        for row in rows
    ]


def refresh() -> list[dict]:
    """Compute the list again and keep it; purge the pages showing it if it changed."""
    cache = shared_cache()
    previous = cache.get(CACHE_KEY)
    articles = compute()
    cache.set(CACHE_KEY, (time.time(), articles), None)
    if previous is not None and _shown(previous[1]) != _shown(articles):
        pagecache.purge(PAGE_TAG)
    cache.delete(LOCK_KEY)
    return articles


def refresh_if_due() -> None:
    entry = shared_cache().get(CACHE_KEY)
    if entry is None or _due(entry) and _claim():
        refresh()


def most_read() -> list[dict]:
    """The list as kept, refreshed first if it is missing or due (by one caller at a time)."""
    pagecache.depends_on(PAGE_TAG)
    entry = shared_cache().get(CACHE_KEY)
    if entry is None:
        return refresh()
    if _due(entry) and _claim():
        return refresh()
    return entry[1]


def _due(entry) -> bool:
    return time.time() - entry[0] >= refresh_seconds()


def _claim() -> bool:
    # One refresh at a time across workers; the others show the list they have meanwhile.
    return shared_cache().add(LOCK_KEY, 1, 60)


def _shown(articles: list[dict]) -> list[tuple]:
    return [(article["id"], article["title"]) for article in articles]
