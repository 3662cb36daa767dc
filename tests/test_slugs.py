"""Addresses: unique slugs, and a published article's former addresses redirect forever."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from taggit.models import Tag

from articles.models import Article, ArticleSlugRedirect, slug_address
from articles.tags import tag_slug

give_usable_slugs = importlib.import_module("articles.migrations.0014_tag_slugs").give_usable_slugs


def tag_address(tag) -> str:
    return slug_address("articles:tag", tag.slug)


pytestmark = pytest.mark.django_db


def rename(article, new_slug):
    article.slug = new_slug
    article.full_clean()
    article.save()


def test_renamed_published_article_redirects_permanently(client, make_article):
    article = make_article(slug="ancien-titre")
    rename(article, "nouveau-titre")

    response = client.get("/article/ancien-titre/")
    assert response.status_code == 301
    assert response["Location"] == "/article/nouveau-titre/"
    assert client.get("/article/nouveau-titre/").status_code == 200


def test_every_former_address_leads_to_the_current_one(client, make_article):
    article = make_article(slug="premier")
    rename(article, "deuxieme")
    rename(article, "troisieme")
    for old in ["premier", "deuxieme"]:
        response = client.get(f"/article/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/article/troisieme/")


def test_going_back_to_a_former_address_serves_the_article_itself(client, make_article):
    article = make_article(slug="premier")
    rename(article, "second")
    rename(article, "premier")
    assert client.get("/article/premier/").status_code == 200
    assert client.get("/article/second/").status_code == 301
    assert not ArticleSlugRedirect.objects.filter(old_slug="premier").exists()


def test_renaming_a_draft_leaves_no_redirect(client, make_article):
    article = make_article(slug="brouillon-v1", status=Article.Status.DRAFT)
    rename(article, "brouillon-v2")
    assert not ArticleSlugRedirect.objects.exists()


def test_redirect_of_an_unpublished_article_is_a_404(client, make_article, editor):
    article = make_article(slug="avant")
    rename(article, "apres")
    article.unpublish(by=editor)
    assert client.get("/article/avant/").status_code == 404
    assert client.get("/article/apres/").status_code == 404


def test_an_old_address_cannot_be_taken_by_another_article(make_article):
    first = make_article("Premier", slug="adresse-convoitee")
    rename(first, "adresse-definitive")
    second = make_article("Second", slug="autre", status=Article.Status.DRAFT)
    second.slug = "adresse-convoitee"
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "a déjà servi à l’article « Premier »" in str(error.value.message_dict["slug"])


def test_slugs_are_unique(make_article):
    make_article(slug="unique")
    duplicate = Article(
        title="Doublon", slug="unique", section_id=Article.objects.get().section_id, standfirst="x", body="y"
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("prefix", ["/", "/journal/"])
def test_addresses_are_those_django_reverses(prefix, make_article, make_territory, make_personality, section):
    from django.urls import reverse, set_script_prefix

    from articles.models import slug_address

    things = {
        "articles:article": make_article(slug="metz-accueille-2026"),
        "articles:section": section,
        "articles:territory": make_territory(slug="grand-est"),
        "articles:personality": make_personality(slug="roland-lescure"),
    }
    set_script_prefix(prefix)
    try:
        for url_name, thing in things.items():
            expected = reverse(url_name, kwargs={"slug": thing.slug})
            assert thing.get_absolute_url() == slug_address(url_name, thing.slug) == expected
            assert expected.startswith(prefix)
    finally:
        set_script_prefix("/")


# Tags in any script --------------------------------------------------------------------------------

HOSTILE_TAG_NAMES = ["😀", "!!!", "«»", "Москва", "日本"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Москва", "moskva"), ("日本", "riben"), ("😀", "grinning"), ("Économie & emploi", "economie-emploi")],
)
def test_a_tag_in_any_script_gets_a_transliterated_address(name, slug):
    assert Tag.objects.create(name=name).slug == slug


def test_a_tag_with_nothing_to_transliterate_gets_a_stable_address_of_its_own():
    first, second = Tag.objects.create(name="!!!"), Tag.objects.create(name="«»")
    assert first.slug.startswith("mot-cle-") and second.slug.startswith("mot-cle-") and first.slug != second.slug
    assert tag_slug("!!!") == first.slug  # the same name, the same address


def test_two_tags_transliterated_alike_get_distinct_addresses():
    assert [Tag.objects.create(name=name).slug for name in ["Москва", "МОСКВА!"]] == ["moskva", "moskva-2"]


def test_hostile_tags_take_no_page_down(client, make_article):
    article = make_article(tags=HOSTILE_TAG_NAMES)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    for tag in Tag.objects.all():
        assert f'href="{tag_address(tag)}"' in page.content.decode()
        assert client.get(tag_address(tag)).status_code == 200
    assert client.get("/sitemap-mots-cles.xml").status_code == 200


def test_an_empty_slug_already_stored_is_mended_by_the_migration(client, make_article):
    article = make_article(tags=["Москва"])
    Tag.objects.update(slug="")  # as taggit left it before articles.tags
    give_usable_slugs(django_apps, None)
    assert Tag.objects.get().slug == "moskva"
    assert client.get(article.get_absolute_url()).status_code == 200
