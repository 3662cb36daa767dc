"""Sitemaps: the pages search engines should know, chosen by the same rule as the pages themselves.

Articles come from ``Article.objects.published()``; a section, place, person or
tag is listed once a published article is about it (its page would otherwise be
empty, or answer 404 for a tag), with the date of that latest article as lastmod.
Django splits a sitemap into pages of ``limit`` URLs and lists every page in the
index; 50,000 is the protocol's limit.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Personality, Section, Territory

# The protocol allows 50,000 URLs a file; at 100,000 articles such a file took 2.9 s to build,
# which every purge of the sitemaps repeats. Ten thousand keeps each file a fifth of that.
SITEMAP_LIMIT = 10_000


class ListingSitemap(Sitemap):
    """Pages listing the articles about one subject: a section, a place, a person or a tag."""

    limit = SITEMAP_LIMIT
    changefreq = "daily"
    priority = 0.5
    model = None
    ordering = ["name", "pk"]

    def articles_about(self, subject):
        """The published articles shown on the subject's page; ``subject`` is an OuterRef to its pk."""
        raise NotImplementedError

    def items(self):
        latest = self.articles_about(OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
        return (
            self.model.objects.annotate(latest_published_at=Subquery(latest))
            .filter(latest_published_at__isnull=False)
            .order_by(*self.ordering)
        )

    def lastmod(self, subject):
        return subject.latest_published_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which reads every item.
        return self.items().aggregate(latest=Max("latest_published_at"))["latest"]


class SectionSitemap(ListingSitemap):
    model = Section
    changefreq = "hourly"
    priority = 0.7

    def articles_about(self, section):
        return Article.objects.published().filter(section=section)


class TerritorySitemap(ListingSitemap):
    model = Territory

    def articles_about(self, territory):
        # As on the territory page: articles about the place or about any place inside it.
        return Article.objects.published().filter(Q(territories=territory) | Q(territories__containers=territory))


class PersonalitySitemap(ListingSitemap):
    model = Personality

    def articles_about(self, personality):
        return Article.objects.published().filter(personalities=personality)


class TagSitemap(ListingSitemap):
    model = Tag
    priority = 0.4

    def articles_about(self, tag):
        return Article.objects.published().filter(tagged_items__tag=tag)

    def location(self, tag):
        # taggit's Tag knows nothing of our addresses.
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class ArticleSitemap(Sitemap):
    limit = SITEMAP_LIMIT
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Only the columns a URL and its date need.
        return (
            Article.objects.published()
            .only("slug", "status", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

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


class AuthorSitemap(ListingSitemap):
    """Journalists' pages, which bylines and structured data point to."""

    model = get_user_model()
    ordering = ["last_name", "first_name", "pk"]

    def articles_about(self, author):
        return Article.objects.published().filter(authors=author)

    def location(self, author):
        return reverse("articles:author", kwargs={"pk": author.pk})


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


# The sections of /sitemap.xml, each served at /sitemap-<key>.xml.
SITEMAPS = {
    "accueil": HomeSitemap,
    "auteurs": AuthorSitemap,
    "rubriques": SectionSitemap,
    "territoires": TerritorySitemap,
    "personnalites": PersonalitySitemap,
    "mots-cles": TagSitemap,
    "articles": ArticleSitemap,
}
