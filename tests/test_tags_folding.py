"""One tag per topic, however it is typed: the article form's tags field (articles/tags.py, articles/admin_tags.py).

« #numérique », « NUMERIQUE » and « numerique » are the existing « Numérique »; « start-up » and
« Start up » the existing « Startup ». Checked through the admin's POST, without JavaScript, and
through the autocomplete's JSON answer that tags.js shows.
"""

from urllib.parse import urlencode

import pytest
from admin_pages import article_change_data, article_form_data, change_url
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.tags import existing_names, matching_tags, tag_key

pytestmark = pytest.mark.django_db


def tags_url(typed: str) -> str:
    return reverse("admin:articles_article_tags") + "?" + urlencode({"q": typed})


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Numérique", "numerique"),
        ("#numérique", "numerique"),
        ("NUMERIQUE", "numerique"),
        ("  # Numérique ", "numerique"),
        ("start-up", "startup"),
        ("Start up", "startup"),
        ("StartUp", "startup"),
        ("start\u2011up", "startup"),  # a no-break hyphen, as word processors paste it
        ("Startups", "startups"),  # a plural is another word
        ("Œuvres d’art", "oeuvresd'art"),
        ("#", ""),
    ],
)
def test_a_tag_s_key_leaves_out_case_accents_a_leading_hash_spaces_and_hyphens(typed, key):
    assert tag_key(typed) == key


def test_typed_tags_become_the_existing_tags_of_the_same_topic(journalist_client, section):
    Tag.objects.create(name="Numérique")
    Tag.objects.create(name="Startup")
    response = journalist_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(section, tags="#numérique, start-up, NUMERIQUE, Start up, #Mobilités"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert sorted(article.tags.values_list("name", flat=True)) == ["Mobilités", "Numérique", "Startup"]
    # No second « Numérique » or « Startup », and the new topic without its « # ».
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Mobilités", "Numérique", "Startup"]


def test_a_change_form_saved_with_a_variant_keeps_the_existing_tag(editor_client, make_article):
    article = make_article(tags=["Numérique"])
    Tag.objects.create(name="Startup")
    response = editor_client.post(change_url(article), article_change_data(article, tags="NUMÉRIQUE, StartUp"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(article.tags.values_list("name", flat=True)) == ["Numérique", "Startup"]
    assert Tag.objects.count() == 2


def test_among_duplicates_made_before_the_rule_the_most_used_tag_is_kept(make_article):
    make_article(tags=["#numérique"])
    make_article(tags=["Numérique"])
    make_article(tags=["Numérique"])
    assert existing_names(["numerique"]) == ["Numérique"]
    assert matching_tags("numér") == (["Numérique"], False)


def test_the_autocomplete_offers_the_same_topic_first_then_names_starting_with_it_then_containing_it(
    journalist_client,
):
    for name in ["Économie numérique", "Numérique", "Numismatique", "Nucléaire", "Startup"]:
        Tag.objects.create(name=name)
    for typed in ["#numérique", "NUMERIQUE", "numerique"]:
        answer = journalist_client.get(tags_url(typed)).json()
        assert answer == {"tags": ["Numérique", "Économie numérique"], "exists": True}, typed
    assert journalist_client.get(tags_url("nu")).json() == {
        "tags": ["Nucléaire", "Numérique", "Numismatique", "Économie numérique"],
        "exists": False,
    }
    assert journalist_client.get(tags_url("start-up")).json() == {"tags": ["Startup"], "exists": True}
    assert journalist_client.get(tags_url("Mobilités")).json() == {"tags": [], "exists": False}
    assert journalist_client.get(tags_url("#")).json() == {"tags": [], "exists": False}


def test_the_autocomplete_is_the_staff_s_own(client, make_user):
    # Anonymous: to the login page; a moderator (no article rights): refused.
    assert client.get(tags_url("nu")).status_code == 302
    client.force_login(make_user("moderatrice", groups=["Modérateurs"]))
    assert client.get(tags_url("nu")).status_code == 403
