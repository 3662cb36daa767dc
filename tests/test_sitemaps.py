"""Sitemaps, the Google News sitemap and robots.txt, read as a crawler reads them."""

import io
from datetime import datetime, timedelta
from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article, Territory
from articles.sitemaps import SITEMAPS, ArticleSitemap
from bench.generator import generate

pytestmark = pytest.mark.django_db

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP, "news": NEWS}
SITE_NAME = "Le Républicain du Sillon"


@pytest.fixture(autouse=True)
def _site_name(settings):
    settings.SITE_NAME = SITE_NAME


def read_xml(client, url, root_tag="urlset"):
    """The document at this address, parsed strictly; every <loc> must be an absolute address."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP}}}{root_tag}"
    for loc in root.iterfind(".//s:loc", NS):
        assert loc.text.startswith("http://testserver/"), loc.text
    return root


def locations(root) -> list[str]:
    return [loc.text.removeprefix("http://testserver") for loc in root.iterfind(".//s:loc", NS)]


def section_url(key: str) -> str:
    return reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": key})


# The index and its sitemaps ---------------------------------------------------------------


def test_index_lists_every_sitemap_and_the_news_one(client, make_article, make_user):
    make_article(authors=[make_user("anne", first_name="Anne", last_name="Martin")])

    root = read_xml(client, reverse("sitemap_index"), root_tag="sitemapindex")

    assert locations(root) == [
        "/sitemap-accueil.xml",
        "/sitemap-auteurs.xml",
        "/sitemap-rubriques.xml",
        "/sitemap-dossiers.xml",
        "/sitemap-territoires.xml",
        "/sitemap-personnalites.xml",
        "/sitemap-mots-cles.xml",
        "/sitemap-articles.xml",
        "/sitemap-pages.xml",  # registered by the pages app (pages/apps.py)
        "/sitemap-news.xml",
    ]
    for location in locations(root):
        assert client.get(location).status_code == 200


def test_articles_sitemap_lists_published_articles_only_with_lastmod(client, make_article):
    now = timezone.now()
    make_article("Publié", slug="publie", published_at=now - timedelta(days=3))
    make_article(
        "Mis à jour", slug="mis-a-jour", published_at=now - timedelta(days=10), updated_at=now - timedelta(days=2)
    )
    make_article("Brouillon", slug="brouillon", status=Article.Status.DRAFT)
    make_article("En relecture", slug="en-relecture", status=Article.Status.SUBMITTED)
    make_article("Programmé", slug="programme", published_at=now + timedelta(hours=1))
    make_article("Dépublié", slug="depublie", status=Article.Status.UNPUBLISHED, published_at=now - timedelta(days=1))

    root = read_xml(client, section_url("articles"))

    assert locations(root) == ["/article/publie/", "/article/mis-a-jour/"]
    lastmods = [url.findtext("s:lastmod", namespaces=NS) for url in root.iterfind("s:url", NS)]
    # The later of the publication and update dates, in the site's time zone.
    assert lastmods == [
        timezone.localdate(now - timedelta(days=3)).isoformat(),
        timezone.localdate(now - timedelta(days=2)).isoformat(),
    ]
    assert all(url.findtext("s:changefreq", namespaces=NS) for url in root.iterfind("s:url", NS))
    assert all(url.findtext("s:priority", namespaces=NS) for url in root.iterfind("s:url", NS))


def test_listing_sitemaps_only_list_subjects_with_published_articles(
    client, make_article, make_section, make_territory, make_personality, section
):
    make_section("Rubrique vide", slug="vide")
    region = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=region, slug="moselle")
    metz = make_territory("Metz", parent=moselle, slug="metz")
    make_territory("Nancy", parent=region, slug="nancy")
    make_territory("Épinal", slug="epinal")
    maire = make_personality("Le maire", slug="le-maire")
    make_personality("Sans article", slug="sans-article")
    draft_only = make_personality("Seulement en brouillon", slug="brouillon")
    make_article("À Metz", territories=[metz], personalities=[maire], tags=["Budget"])
    make_article(
        "Brouillon", status=Article.Status.DRAFT, territories=[region], personalities=[draft_only], tags=["Secret"]
    )

    assert locations(read_xml(client, section_url("rubriques"))) == [f"/rubrique/{section.slug}/"]
    # Metz and every place containing it: their pages show the article.
    assert sorted(locations(read_xml(client, section_url("territoires")))) == [
        "/territoire/grand-est/",
        "/territoire/metz/",
        "/territoire/moselle/",
    ]
    assert locations(read_xml(client, section_url("personnalites"))) == ["/personnalite/le-maire/"]
    assert locations(read_xml(client, section_url("mots-cles"))) == ["/mot-cle/budget/"]


def test_listing_lastmod_is_the_latest_published_article(client, make_article, make_territory):
    metz = make_territory("Metz", slug="metz")
    now = timezone.now()
    make_article("Ancien", territories=[metz], published_at=now - timedelta(days=5))
    make_article("Récent", territories=[metz], published_at=now - timedelta(days=2))
    make_article("Programmé", territories=[metz], published_at=now + timedelta(days=1))

    root = read_xml(client, section_url("territoires"))

    assert root.findtext("s:url/s:lastmod", namespaces=NS) == timezone.localdate(now - timedelta(days=2)).isoformat()


def test_sitemaps_are_paginated_and_the_index_lists_every_page(client, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    now = timezone.now()
    for hours in range(5):
        make_article(f"Article {hours}", slug=f"article-{hours}", published_at=now - timedelta(hours=hours + 1))

    index = locations(read_xml(client, reverse("sitemap_index"), root_tag="sitemapindex"))

    assert [location for location in index if location.startswith("/sitemap-articles.xml")] == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    pages = [locations(read_xml(client, f"{section_url('articles')}?p={page}")) for page in (1, 2, 3)]
    assert pages == [
        ["/article/article-0/", "/article/article-1/"],
        ["/article/article-2/", "/article/article-3/"],
        ["/article/article-4/"],
    ]
    assert client.get(f"{section_url('articles')}?p=4").status_code == 404


def test_unknown_sitemap_is_404(client):
    assert client.get(section_url("inconnu")).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_articles_sitemap_runs_one_query(client, make_article, size, django_assert_num_queries):
    for _ in range(size):
        make_article()

    with django_assert_num_queries(1):  # the page, without counting the articles first (ArticlePages)
        root = read_xml(client, section_url("articles"))

    assert len(locations(root)) == size


# Google News ------------------------------------------------------------------------------------


def news_items(client) -> list[etree._Element]:
    return read_xml(client, reverse("news_sitemap")).findall("s:url", NS)


def test_news_sitemap_describes_each_article_for_google_news(client, make_article):
    published_at = timezone.now() - timedelta(hours=2)
    make_article("Le conseil municipal vote le budget", slug="budget", published_at=published_at)

    response = client.get(reverse("news_sitemap"))
    root = etree.fromstring(response.content)

    assert response["Content-Type"] == "application/xml"
    assert root.nsmap == {None: SITEMAP, "news": NEWS}
    (url,) = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == "http://testserver/article/budget/"
    assert url.findtext("news:news/news:publication/news:name", namespaces=NS) == SITE_NAME
    assert url.findtext("news:news/news:publication/news:language", namespaces=NS) == "fr"
    assert url.findtext("news:news/news:title", namespaces=NS) == "Le conseil municipal vote le budget"
    date = url.findtext("news:news/news:publication_date", namespaces=NS)
    parsed = datetime.fromisoformat(date)
    assert parsed.tzinfo is not None and date[-6] in "+-" and date[-3] == ":"  # W3C: ±hh:mm
    assert parsed == published_at


def test_news_sitemap_keeps_the_last_48_hours_of_published_articles(client, make_article):
    now = timezone.now()
    make_article("Il y a 47 heures", slug="47h", published_at=now - timedelta(hours=47))
    make_article("Il y a 49 heures", slug="49h", published_at=now - timedelta(hours=49))
    make_article("Il y a une heure", slug="1h", published_at=now - timedelta(hours=1))
    make_article("Programmé", slug="programme", published_at=now + timedelta(minutes=5))
    make_article("Brouillon", slug="brouillon", status=Article.Status.DRAFT)
    make_article("Dépublié", slug="depublie", status=Article.Status.UNPUBLISHED, published_at=now)

    assert [url.findtext("s:loc", namespaces=NS) for url in news_items(client)] == [
        "http://testserver/article/1h/",
        "http://testserver/article/47h/",
    ]


def test_news_sitemap_window_moves_with_time(client, make_article, time_machine):
    make_article("Article", published_at=timezone.now() - timedelta(hours=1))
    assert len(news_items(client)) == 1

    time_machine.move_to(timezone.now() + timedelta(hours=48))

    assert news_items(client) == []


def test_news_sitemap_holds_at_most_1000_articles_newest_first(client, section):
    now = timezone.now()
    # bulk_create skips Article.save (body references), which these bodiless articles do not need.
    Article.objects.bulk_create(
        Article(
            title=f"Dépêche {i}",
            slug=f"depeche-{i}",
            section=section,
            standfirst="Chapô.",
            body="<p>Texte.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(1005)
    )

    items = news_items(client)

    assert len(items) == 1000
    assert [url.findtext("news:news/news:title", namespaces=NS) for url in items] == [
        f"Dépêche {i}" for i in range(1000)
    ]


def test_news_titles_are_escaped(client, make_article):
    title = "Fin du </news:title> & <script>alert('x')</script> « test »"
    make_article(title)

    response = client.get(reverse("news_sitemap"))

    assert b"<script>" not in response.content
    (url,) = etree.fromstring(response.content).findall("s:url", NS)
    assert url.findtext("news:news/news:title", namespaces=NS) == title


# robots.txt -----------------------------------------------------------------------------------


def test_robots_txt(client):
    response = client.get(reverse("robots_txt"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /recherche/",
        "Disallow: /apercu/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
        "Sitemap: http://testserver/sitemap-news.xml",
    ]


def test_robots_txt_sitemaps_follow_the_request(client, settings):
    settings.ALLOWED_HOSTS = ["www.example.org"]

    response = client.get(reverse("robots_txt"), headers={"host": "www.example.org"}, secure=True)

    assert "Sitemap: https://www.example.org/sitemap.xml" in response.content.decode().splitlines()
    assert "Sitemap: https://www.example.org/sitemap-news.xml" in response.content.decode().splitlines()


def test_home_and_author_pages_are_listed(client, make_article, make_user):
    author = make_user("anne", first_name="Anne", last_name="Martin")
    make_user("sans-article")
    make_article(authors=[author])
    home = locations(read_xml(client, "/sitemap-accueil.xml", root_tag="urlset"))
    authors = locations(read_xml(client, "/sitemap-auteurs.xml", root_tag="urlset"))
    assert home == ["/"]
    assert authors == [reverse("articles:author", args=[author.pk])]


# Queries at a newsroom's size ---------------------------------------------------------------------

# A subject sitemap: the dates still to come found again (tests/test_sitemaps_dates.py), its
# latest date with its count, then the page; the articles': the page alone (ArticlePages); the
# home page's is a list, with one date. The index: per subject sitemap, the dates to come and
# the latest date with the count; the articles' latest date and count; the home page's date; the
# static pages (pages.sitemaps), read once.
SUBJECT_SITEMAPS = [key for key, sitemap in SITEMAPS.items() if isinstance(sitemap, partial)]
SITEMAP_QUERIES = {
    "index": 2 * len(SUBJECT_SITEMAPS) + 2 + 1 + 1,
    **dict.fromkeys(SUBJECT_SITEMAPS, 3),
    "articles": 1,
    "accueil": 1,
    "pages": 1,
    "news": 2,
}


def sitemap_query_counts(client) -> dict[str, int]:
    counts = {}
    for name, url in [
        ("index", reverse("sitemap_index")),
        *((key, section_url(key)) for key in SITEMAPS),
        ("news", reverse("news_sitemap")),
    ]:
        with CaptureQueriesContext(connection) as queries:
            read_xml(client, url, root_tag="sitemapindex" if name == "index" else "urlset")
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize(
    "extra_articles",
    [
        0,
        pytest.param(
            10_000,
            marks=pytest.mark.skipif(
                connection.vendor != "postgresql", reason="the size that matters is measured on PostgreSQL"
            ),
        ),
    ],
)
def test_every_sitemap_answers_in_a_fixed_number_of_queries(client, journalist, extra_articles):
    if extra_articles:
        generate(articles=extra_articles, comments=0, stream=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.published().count() > extra_articles
    Article.objects.published().first().authors.add(journalist)  # the demo's articles are unsigned

    assert sitemap_query_counts(client) == SITEMAP_QUERIES
