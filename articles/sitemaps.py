"""Sitemaps: the pages search engines should know, chosen by the same rule as the pages themselves.

Articles come from ``Article.objects.published()``; a section, place, person or
tag is listed once a published article is about it (its page would otherwise be
empty, or answer 404 for a tag), with the date of that latest article as lastmod.
Django splits a sitemap into pages of ``limit`` URLs and lists every page in the
index; 50,000 is the protocol's limit.
"""

from datetime import datetime, timedelta
from functools import partial
from html import escape

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Count, DateTimeField, Max, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Article, SubjectDate, slug_address
from .subjects import SUBJECTS, Subject

# The protocol allows 50,000 URLs a file. A file's time grows with its URLs (about 13 µs each, most
# of it Django's sitemap code), and every purge of the sitemaps makes crawlers pay it again: a
# thousand keeps each file well under 50 ms, as long at 100,000 articles as the one file of a
# newsroom's first thousand (10,000 took 620 ms with Django's template).
SITEMAP_LIMIT = 1_000


class SubjectSitemap(Sitemap):
    """The pages of one kind of subject (articles.subjects) that list at least one published article.

    Each subject's latest article is read from its ``SubjectDate``, kept as articles change
    (``articles.subject_dates``): one index lookup a subject, whatever the archive's size. A date
    still to come is a scheduled article's: the latest visible article of those few subjects is
    found with the same filter as their page (``Subject.articles_about``), in one more query,
    until that date passes.
    """

    limit = SITEMAP_LIMIT

    def __init__(self, subject: Subject):
        self.subject = subject
        self.priority = subject.sitemap_priority
        self.changefreq = subject.sitemap_changefreq
        self.now = timezone.now()

    @cached_property
    def visible_dates_of_scheduled(self) -> dict[int, datetime]:
        """The subjects whose date is a scheduled article's, with the date of their latest visible one."""
        scheduled = SubjectDate.objects.filter(kind=self.subject.kind, latest_published_at__gt=self.now)
        visible = self.subject.articles_about(Article.objects.published(), OuterRef("pk"))
        latest = Subquery(visible.order_by("-published_at").values("published_at")[:1])
        subjects = self.subject.model._base_manager.filter(pk__in=scheduled.values("subject_id")).order_by()
        return dict(subjects.annotate(latest=latest).filter(latest__isnull=False).values_list("pk", "latest"))

    def items(self):
        # The scheduled subjects' dates come from a query of their own rather than a subquery
        # here: PostgreSQL costed that subquery as if run for every subject, and compiled the
        # statement (JIT, 23 ms of its 25 at 100,000 articles).
        kept = SubjectDate.objects.filter(kind=self.subject.kind)
        latest = Subquery(kept.filter(subject_id=OuterRef("pk")).values("latest_published_at"))
        scheduled = self.visible_dates_of_scheduled
        if scheduled:
            dates = [When(pk=pk, then=Value(date)) for pk, date in scheduled.items()]
            latest = Case(*dates, default=latest, output_field=DateTimeField())
        visible = kept.filter(latest_published_at__lte=self.now).values("subject_id")
        return (
            self.subject.model.objects.filter(Q(pk__in=visible) | Q(pk__in=list(scheduled)))
            .annotate(latest_published_at=latest)
            .order_by(*self.subject.ordering)
        )

    def location(self, subject):
        return self.subject.url(subject)

    def lastmod(self, subject):
        return subject.latest_published_at

    @cached_property
    def summary(self) -> dict:
        """The latest date and the number of subjects listed, in one query, for the index and the paginator."""
        return self.items().aggregate(latest=Max("latest_published_at"), count=Count("pk"))

    @property
    def paginator(self):
        paginator = Paginator(self.items(), self.limit)
        paginator.count = self.summary["count"]
        return paginator

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which reads every item.
        return self.summary["latest"]


class ArticlePages(Paginator):
    """The articles sitemap's pages, each read without counting the articles first.

    A page that does not exist is an empty page past the first (Django's 404 for the sitemap).
    Its articles' ids are found along the index of publication dates alone, and only their own
    rows are read, in the same query: ``OFFSET 99000`` over whole rows read them only to skip
    them (250 ms at 100,000 articles on PostgreSQL, against 10 ms). The index still counts them,
    for the number of pages.
    """

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        ids = self.object_list.values("pk")[bottom : bottom + self.per_page]
        articles = list(self.object_list.filter(pk__in=ids))
        if not articles and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(articles, number, self)


class ArticleSitemap(Sitemap):
    limit = SITEMAP_LIMIT
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Only what a URL and its date need, as tuples: making 1,000 articles took longer than
        # writing their URLs.
        return (
            Article.objects.published()
            .order_by("-published_at", "-pk")
            .values_list("slug", "published_at", "updated_at", named=True)
        )

    @property
    def paginator(self):
        return ArticlePages(self.items(), self.limit)

    def location(self, article):
        return slug_address("articles:article", article.slug)  # Article.get_absolute_url, from a tuple

    def lastmod(self, article):
        return max(date for date in (article.published_at, article.updated_at) if date is not None)

    def get_latest_lastmod(self):
        # The latest of each date rather than of each article's later one: each is read from the
        # top of an index (article_published_idx, article_updated_idx), not from every article.
        latest = self.items().aggregate(published=Max("published_at"), updated=Max("updated_at"))
        return max((date for date in latest.values() if date is not None), default=None)


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


def register(key: str, sitemap) -> None:
    """A higher app's sitemap (``pages``), listed in /sitemap.xml and served at /sitemap-<key>.xml.

    Called from its ``AppConfig.ready()``: articles never imports the apps above it.
    """
    SITEMAPS[key] = sitemap


class XmlTemplate:
    """A sitemap's XML written in Python, for Django's sitemap views (their ``template_name``).

    Django's sitemap template took about 80 µs a URL (80 ms for a file of 1,000, most of the
    file's time); this writes the same document in about 5 µs a URL. Dates are in the site's time zone, as
    the ``date`` filter of Django's templates gives them.
    """

    def __init__(self, element: str, entries: str, write_entry):
        self.element = element  # the root element
        self.entries = entries  # their name in the view's context
        self.write_entry = write_entry

    def render(self, context, request=None) -> str:
        zone = timezone.get_current_timezone()
        body = "".join(self.write_entry(entry, zone) for entry in context[self.entries])
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<{self.element} xmlns="{SITEMAP_NS}">{body}</{self.element}>\n'


def _local(moment, zone):
    return moment.astimezone(zone) if isinstance(moment, datetime) and timezone.is_aware(moment) else moment


def _url_entry(url: dict, zone) -> str:
    parts = [f"<url><loc>{escape(url['location'])}</loc>"]
    if url["lastmod"]:
        parts.append(f"<lastmod>{_local(url['lastmod'], zone):%Y-%m-%d}</lastmod>")
    if url["changefreq"]:
        parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
    if url["priority"]:
        parts.append(f"<priority>{escape(url['priority'])}</priority>")
    parts.append("</url>")
    return "".join(parts)


def _index_entry(item, zone) -> str:
    lastmod = f"<lastmod>{_local(item.last_mod, zone).isoformat()}</lastmod>" if item.last_mod else ""
    return f"<sitemap><loc>{escape(item.location)}</loc>{lastmod}</sitemap>"


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLSET_TEMPLATE = XmlTemplate("urlset", "urlset", _url_entry)
INDEX_TEMPLATE = XmlTemplate("sitemapindex", "sitemaps", _index_entry)
