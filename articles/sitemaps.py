"""Sitemaps: the pages search engines should know, chosen by the same rule as the pages themselves.

Articles come from ``Article.objects.published()``; a section, place, person or
tag is listed once a published article is about it (its page would otherwise be
empty, or answer 404 for a tag), with the date of that latest article as lastmod.
Django splits a sitemap into pages of ``limit`` URLs and lists every page in the
index; 50,000 is the protocol's limit.
"""

from datetime import timedelta
from functools import partial

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from .models import Article
from .subjects import SUBJECTS, Subject

# The protocol allows 50,000 URLs a file; at 100,000 articles such a file took 2.9 s to build,
# which every purge of the sitemaps repeats. Ten thousand keeps each file a fifth of that.
SITEMAP_LIMIT = 10_000


class SubjectSitemap(Sitemap):
    """The pages of one kind of subject (articles.subjects) that list at least one published article.

    Each subject's latest article is found with the same filter as its page
    (``Subject.articles_about``), given ``OuterRef("pk")``: one query per sitemap page.
    """

    limit = SITEMAP_LIMIT

    def __init__(self, subject: Subject):
        self.subject = subject
        self.priority = subject.sitemap_priority
        self.changefreq = subject.sitemap_changefreq

    def items(self):
        articles = self.subject.articles_about(Article.objects.published(), OuterRef("pk"))
        latest = articles.order_by("-published_at").values("published_at")[:1]
        return (
            self.subject.model.objects.annotate(latest_published_at=Subquery(latest))
            .filter(latest_published_at__isnull=False)
            .order_by(*self.subject.ordering)
        )

    def location(self, subject):
        return self.subject.url(subject)

    def lastmod(self, subject):
        return subject.latest_published_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which reads every item.
        return self.items().aggregate(latest=Max("latest_published_at"))["latest"]


class ArticleSitemap(Sitemap):
    limit = SITEMAP_LIMIT
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Only the columns a URL and its date need.
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, article):
        return max(date for date in (article.published_at, article.updated_at) if date is not None)

    def get_latest_lastmod(self):
        # Coalesce: SQLite's GREATEST is NULL as soon as one side is.
        latest = Greatest("published_at", Coalesce("updated_at", "published_at"))
        return self.items().aggregate(latest=Max(latest))["latest"]


class NewsSitemap(Sitemap):
    """Google News: the articles published in the last 48 hours, newest first, at most 1,000 (Google's limits)."""

    limit = 1000
    window = timedelta(hours=48)

    def items(self):
        since = timezone.now() - self.window
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("title", "slug", "status", "published_at")
            .order_by("-published_at", "-pk")[: self.limit]
        )


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


# The sections of /sitemap.xml, each served at /sitemap-<key>.xml. Django makes a sitemap
# per request from each (it writes on the instance while rendering).
SITEMAPS = {
    "accueil": HomeSitemap,
    **{subject.sitemap_key: partial(SubjectSitemap, subject) for subject in SUBJECTS},
    "articles": ArticleSitemap,
}
