"""The title and description for search engines: used when written, kept in versions, held like any change."""

import json
import re
from html import unescape

import pytest
from admin_pages import article_form_data, change_url, field_row, form_errors, opened_form, shown_form_data
from django.test import Client
from django.urls import reverse

from articles.history import restore
from articles.models import Article, ArticleRevision
from articles.revisions import changed_fields, snapshot

pytestmark = pytest.mark.django_db

SEO_TITLE = "Port de Metz : la surface doublée d’ici à 2027"
SEO_DESCRIPTION = "Le port fluvial de Metz double sa surface : ce que cela change pour les entreprises."


def head(html: str) -> str:
    return html.split("</head>")[0]


def meta(html: str, attribute: str, name: str) -> str:
    (value,) = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head(html))
    return unescape(value)


def jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.fixture
def article(make_article):
    return make_article(
        "Le port de Metz s’agrandit", slug="port", standfirst="Le port fluvial double sa surface d’ici à 2027."
    )


def test_without_them_the_page_uses_the_title_and_the_standfirst(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>Le port de Metz s’agrandit – " in html
    assert meta(html, "name", "description") == article.standfirst
    assert meta(html, "property", "og:title") == meta(html, "name", "twitter:title") == article.title
    assert meta(html, "property", "og:description") == meta(html, "name", "twitter:description") == article.standfirst
    data = jsonld(html)
    assert data["headline"] == article.title and data["description"] == article.standfirst
    assert "alternativeHeadline" not in data


def test_when_written_they_replace_them_for_search_engines_and_shares(client, article):
    Article.objects.filter(pk=article.pk).update(seo_title=SEO_TITLE, seo_description=SEO_DESCRIPTION)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"<title>{SEO_TITLE} – " in unescape(html)
    assert meta(html, "name", "description") == SEO_DESCRIPTION
    assert meta(html, "property", "og:title") == meta(html, "name", "twitter:title") == SEO_TITLE
    assert meta(html, "property", "og:description") == meta(html, "name", "twitter:description") == SEO_DESCRIPTION
    data = jsonld(html)
    assert data["headline"] == SEO_TITLE and data["description"] == SEO_DESCRIPTION
    assert data["alternativeHeadline"] == article.title
    # Readers still read the article's own title and standfirst.
    assert "<h1>Le port de Metz s’agrandit</h1>" in html and article.standfirst in html.split("</head>")[1]


def test_spaces_alone_count_as_nothing_written(client, article):
    Article.objects.filter(pk=article.pk).update(seo_title="   ", seo_description=" ")
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "property", "og:title") == article.title
    assert meta(html, "name", "description") == article.standfirst


def test_the_admin_form_has_them_folded_in_french_with_their_lengths_and_a_counter(editor_client, article):
    html = editor_client.get(change_url(article)).content.decode()
    assert "Référencement" in html
    fieldset = html[html.index("Référencement") - 400 : html.index("Référencement")]
    assert "collapse" in fieldset
    title_row, description_row = field_row(html, "seo_title"), field_row(html, "seo_description")
    assert "Titre pour les moteurs de recherche" in title_row and 'maxlength="70"' in title_row
    assert "70 caractères au plus" in title_row
    assert "Description pour les moteurs de recherche" in description_row and 'maxlength="160"' in description_row
    assert "160 caractères au plus" in description_row
    assert "data-seo-counter" in title_row and "data-seo-counter" in description_row
    assert 'src="/static/articles/admin/seo_counter.js"' in html or "seo_counter" in html


def test_saved_through_the_admin_and_refused_when_too_long(editor_client, section):
    add = reverse("admin:articles_article_add")
    too_long = editor_client.post(add, article_form_data(section, seo_title="x" * 71))
    assert too_long.status_code == 200 and "seo_title" in form_errors(too_long)
    response = editor_client.post(add, article_form_data(section, seo_title=SEO_TITLE, seo_description=SEO_DESCRIPTION))
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="le-port-de-metz-sagrandit")
    assert (article.seo_title, article.seo_description) == (SEO_TITLE, SEO_DESCRIPTION)
    version = ArticleRevision.objects.filter(article=article).latest("number")
    assert version.content["seo_title"] == SEO_TITLE and version.content["seo_description"] == SEO_DESCRIPTION


def test_versions_keep_compare_and_restore_them(editor_client, editor, article):
    ArticleRevision.objects.record(article, editor, ArticleRevision.Action.SAVED)
    response = editor_client.post(change_url(article), opened_form(editor_client, article, seo_title=SEO_TITLE))
    assert response.status_code == 302, form_errors(response)
    first, second = ArticleRevision.objects.filter(article=article).order_by("number")
    assert second.changed_fields == ["seo_title"]
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]) + f"?avant={first.number}&apres={second.number}"
    ).content.decode()
    assert "Titre pour les moteurs de recherche" in compare and "doublée" in compare
    restore(article, first, by=editor)
    article.refresh_from_db()
    assert article.seo_title == ""


def test_a_version_kept_before_the_fields_existed_is_no_change_and_restores_nothing_of_them(editor, article):
    article.seo_title = SEO_TITLE
    article.save(by=editor)
    old = snapshot(article)
    del old["seo_title"], old["seo_description"]
    assert "seo_title" not in changed_fields(old, {**snapshot(article), "seo_title": ""})
    version = ArticleRevision.objects.record(article, editor, ArticleRevision.Action.SAVED)
    version.content = old
    version.save()
    restore(article, version, by=editor)
    article.refresh_from_db()
    assert article.seo_title == SEO_TITLE  # the version said nothing of it: the article keeps its own


def test_a_colleagues_seo_title_is_taken_by_the_merge(journalist_client, marc, section):
    journalist_client.post(reverse("admin:articles_article_add"), article_form_data(section, slug="port-de-metz"))
    article = Article.objects.get(slug="port-de-metz")
    marc_client = Client()
    marc_client.force_login(marc)
    mine = opened_form(journalist_client, article, title="Le port de Metz va doubler")
    theirs = opened_form(marc_client, article, seo_title=SEO_TITLE)
    assert marc_client.post(change_url(article), theirs).status_code == 302
    refused = journalist_client.post(change_url(article), mine)
    assert refused.status_code == 200 and "Titre pour les moteurs de recherche" in refused.content.decode()
    merged = journalist_client.post(change_url(article), {**shown_form_data(refused), "_merge": "Fusionner"})
    form = merged.context["adminform"].form
    assert form["seo_title"].value() == SEO_TITLE and form["title"].value() == "Le port de Metz va doubler"


def test_a_journalists_change_to_a_published_article_is_held_for_the_editors(journalist, journalist_client, article):
    article.authors.add(journalist)
    ArticleRevision.objects.record(article, None, ArticleRevision.Action.PUBLISHED)
    response = journalist_client.post(change_url(article), opened_form(journalist_client, article, seo_title=SEO_TITLE))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.seo_title == ""  # readers still get the published one
    proposal = ArticleRevision.objects.filter(article=article).latest("number")
    assert proposal.content["seo_title"] == SEO_TITLE and "seo_title" in proposal.changed_fields
