"""Dossiers, the running files readers follow (« Municipales 2026 »), for readers and for staff."""

import html
import io
from datetime import timedelta

import feedparser
import pytest
from admin_pages import article_form_data, change_url, opened_form
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.history import restore
from articles.models import Article, ArticleRevision
from articles.models.dossiers import Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipales():
    return Dossier.objects.create(
        name="Municipales 2026",
        slug="municipales-2026",
        presentation="La campagne des élections municipales, ville par ville.",
    )


@pytest.fixture
def filed(make_article, municipales):
    """Two published articles of the dossier, the older first, and a draft in it."""
    now = timezone.now()
    older = make_article("Les premiers candidats", published_at=now - timedelta(days=3))
    newer = make_article("Le premier débat", published_at=now - timedelta(days=1))
    draft = make_article("Les listes déposées", status=Article.Status.DRAFT)
    for article in (older, newer, draft):
        article.dossiers.add(municipales)
    return older, newer, draft


def test_its_page_shows_title_presentation_and_articles_newest_first(client, municipales, filed):
    older, newer, draft = filed
    response = client.get("/dossier/municipales-2026/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Municipales 2026</h1>" in page
    assert "La campagne des élections municipales, ville par ville." in page
    assert page.index(newer.title) < page.index(older.title)
    assert draft.title not in page
    assert reverse("articles:dossier_feed", args=["municipales-2026"]) in page


def test_a_dossier_without_a_published_article_does_not_exist_for_readers(client, municipales, make_article):
    make_article("Pas encore publié", status=Article.Status.DRAFT).dossiers.add(municipales)
    make_article("Programmé", published_at=timezone.now() + timedelta(days=1)).dossiers.add(municipales)
    assert client.get("/dossier/municipales-2026/").status_code == 404
    assert client.get(reverse("articles:dossier_feed", args=["municipales-2026"])).status_code == 404
    assert client.get("/dossier/inconnu/").status_code == 404


def test_the_article_page_names_its_dossiers(client, municipales, filed):
    page = client.get(filed[0].get_absolute_url()).content.decode()
    assert "<dt>Dossiers</dt>" in page
    assert '<a href="/dossier/municipales-2026/">Municipales 2026</a>' in page


def test_its_feed_lists_its_published_articles(client, municipales, filed, settings):
    settings.SITE_NAME = "Le Républicain du Sillon"
    response = client.get(reverse("articles:dossier_feed", args=["municipales-2026"]))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert [html.unescape(entry.title) for entry in feed.entries] == ["Le premier débat", "Les premiers candidats"]
    assert "du dossier «\u202fMunicipales 2026\u202f»" in html.unescape(feed.feed.description)


def test_its_sitemap_lists_it_once_it_has_a_published_article(client, municipales, filed):
    Dossier.objects.create(name="Vide", slug="vide")
    index = client.get(reverse("sitemap_index")).content.decode()
    assert "/sitemap-dossiers.xml" in index
    sitemap = client.get("/sitemap-dossiers.xml").content.decode()
    assert "http://testserver/dossier/municipales-2026/" in sitemap
    assert "/dossier/vide/" not in sitemap


def test_search_finds_its_articles_by_its_name(client, municipales, filed):
    response = client.get(reverse("search:results"), {"q": "municipales"})
    page = response.content.decode()
    assert filed[0].title in page and filed[1].title in page
    assert filed[2].title not in page


def test_its_page_is_purged_when_it_is_renamed_or_gains_an_article(
    client, settings, tmp_path, municipales, filed, make_article, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()
    url = "/dossier/municipales-2026/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"

    with django_capture_on_commit_callbacks(execute=True):
        municipales.name = "Municipales 2026 : la campagne"
        municipales.save()
    assert "Municipales 2026 : la campagne" in client.get(url).content.decode()
    # The article pages that name it are purged too.
    assert "Municipales 2026 : la campagne" in client.get(filed[0].get_absolute_url()).content.decode()

    assert client.get(url)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Le second tour").dossiers.add(municipales)
    assert "Le second tour" in client.get(url).content.decode()


def test_a_journalist_files_an_article_and_a_version_keeps_and_restores_it(journalist_client, section, municipales):
    response = journalist_client.post(
        reverse("admin:articles_article_add"), article_form_data(section, dossiers=[municipales.pk])
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="le-port-de-metz-sagrandit")
    assert list(article.dossiers.all()) == [municipales]
    first = article.revisions.get()
    assert first.content["dossiers"] == [[municipales.pk, "Municipales 2026"]]

    journalist_client.post(change_url(article), opened_form(journalist_client, article, dossiers=[]))
    assert not article.dossiers.exists()
    assert "dossiers" in article.revisions.first().changed_fields
    history = journalist_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Dossiers" in history

    journalist_client.post(reverse("admin:articles_article_restore", args=[article.pk, first.number]))
    assert list(article.dossiers.all()) == [municipales]
    assert article.revisions.first().action == ArticleRevision.Action.RESTORED


def test_the_article_form_finds_dossiers_as_one_types(journalist_client, municipales):
    Dossier.objects.create(name="Le chantier du tram", slug="chantier-tram")
    form = journalist_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="dossiers"' in form and "admin-autocomplete" in form
    response = journalist_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "dossiers", "term": "munic"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Municipales 2026"]


def test_editors_keep_dossiers_and_journalists_only_read_them(editor_client, journalist):
    add = reverse("admin:articles_dossier_add")
    response = editor_client.post(add, {"name": "Le chantier du tram", "slug": "chantier-tram", "presentation": ""})
    assert response.status_code == 302
    assert Dossier.objects.filter(slug="chantier-tram").exists()
    journalist_client = Client()
    journalist_client.force_login(journalist)
    assert journalist_client.get(add).status_code == 403
    assert journalist_client.get(reverse("admin:articles_dossier_changelist")).status_code == 200


def test_the_demo_newsroom_has_two_dossiers_readers_can_open(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Dossiers : 2 créé(s)" in out.getvalue()
    for dossier in Dossier.objects.all():
        assert Article.objects.published().filter(dossiers=dossier).exists(), dossier
        assert client.get(dossier.get_absolute_url()).status_code == 200, dossier


def test_its_pages_keep_the_reader_query_budget(client, municipales, filed, django_assert_max_num_queries):
    for url in ["/dossier/municipales-2026/", reverse("articles:dossier_feed", args=["municipales-2026"])]:
        with django_assert_max_num_queries(READER_PAGE_BUDGET):
            assert client.get(url).status_code == 200
    # Its dossiers come in the article page's one UNION: the page runs no more queries with them.
    client.get(filed[1].get_absolute_url())  # what every page keeps (« Les plus lus », read once per 10 minutes)
    with django_assert_max_num_queries(ARTICLE_PAGE_QUERIES):
        assert client.get(filed[0].get_absolute_url()).status_code == 200


def test_restoring_a_version_older_than_dossiers_keeps_the_articles_dossiers(editor, municipales, filed):
    article = filed[1]
    version = ArticleRevision.objects.record(article, editor)
    del version.content["dossiers"]  # as versions saved before dossiers were declared
    version.save()

    restore(article, version, editor)

    assert list(article.dossiers.all()) == [municipales]
