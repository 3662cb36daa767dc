"""The reader pages the HTTP benchmark measures, picked from the generated archive."""

import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

SEARCH_WORD = "habitants"  # in about a third of the generated bodies
DEEP_PAGE = 500


def commented_article():
    """The newest article with exactly 50 comments: the article page measured, and the one
    the benchmark's edit phase saves once a second (manage.py bench_edits)."""
    from articles.models import Article

    return Article.objects.published().filter(comment_count=50).order_by("-published_at").first()


def reader_pages() -> list[tuple[str, str]]:
    """(name, URL) of each page, in the order of the benchmark's table."""
    from taggit.models import Tag

    from articles.models import Article, Personality, Section, Territory

    published = Article.objects.published()
    section = Section.objects.order_by("menu_position", "name").first()
    in_section = published.filter(section=section).count()
    last_page = max(1, math.ceil(in_section / settings.ARTICLES_PER_PAGE))
    region = Territory.objects.filter(kind=Territory.Kind.REGION).order_by("pk").first()
    # The busiest of each: the pages readers reach most, and the slowest to list.
    commune = (
        Territory.objects.filter(kind=Territory.Kind.COMMUNE)
        .annotate(articles_count=Count("articles"))
        .order_by("-articles_count", "pk")
        .first()
    )
    personality = Personality.objects.annotate(articles_count=Count("articles")).order_by("-articles_count").first()
    tag = Tag.objects.annotate(articles_count=Count("articles_taggedarticle_items")).order_by("-articles_count").first()
    author = get_user_model().objects.annotate(articles_count=Count("articles")).order_by("-articles_count").first()
    article = commented_article()
    return [
        ("home", reverse("articles:home")),
        ("section", section.get_absolute_url()),
        ("section, deep page", f"{section.get_absolute_url()}?page={min(DEEP_PAGE, last_page)}"),
        ("territory (région)", region.get_absolute_url()),
        ("commune", commune.get_absolute_url()),
        ("personality", personality.get_absolute_url()),
        ("tag", reverse("articles:tag", kwargs={"slug": tag.slug})),
        ("author", reverse("articles:author", kwargs={"pk": author.pk})),
        ("article, 50 comments", article.get_absolute_url()),
        ("RSS feed", reverse("articles:feed")),
        ("search", f"{reverse('search:results')}?q={SEARCH_WORD}"),
    ]


def sitemap_pages() -> list[tuple[str, str]]:
    """(name, URL) of the index and every sitemap it lists: each subject's, the articles' first and
    last pages (the deepest, whose cost grows with the archive), the news and the home page's."""
    from articles.models import Article
    from articles.sitemaps import SITEMAP_LIMIT, SITEMAPS

    pages = [("index", reverse("sitemap_index")), ("news", reverse("news_sitemap"))]
    for key in SITEMAPS:
        url = reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": key})
        pages.append((key, url))
        last = math.ceil(Article.objects.published().count() / SITEMAP_LIMIT)
        if key == "articles" and last > 1:
            pages.append((f"{key}, last page", f"{url}?p={last}"))
    return pages
