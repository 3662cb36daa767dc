"""Input PostgreSQL cannot take (a NUL character, ids that are not ids, a slug longer than its column):
a French answer, never a 500, and nothing the journalist typed lost."""

import pytest
from admin_pages import action_post, article_form_data, changelist_url
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

REFUSED = "Adresse ou demande incorrecte"


def assert_refused_in_french(response):
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (lambda: reverse("admin:images_image_picker"), {"q": "\x00"}),
        (lambda: changelist_url(), {"q": "pont\x00"}),
        (lambda: changelist_url(), {"status__exact": "\x00"}),
        (
            lambda: reverse("admin:autocomplete"),
            {"term": "\x00", "app_label": "articles", "model_name": "article", "field_name": "territories"},
        ),
    ],
    ids=["image-picker", "article-search", "status-filter", "autocomplete"],
)
def test_a_nul_character_in_an_address_is_refused_in_french(editor_client, url, query):
    assert_refused_in_french(editor_client.get(url(), query))


def test_an_admin_action_on_ids_that_are_not_ids_is_refused_in_french(editor_client, make_article):
    article = make_article()
    response = editor_client.post(
        changelist_url(), {**action_post("delete_selected", article), "_selected_action": "abc"}
    )
    assert_refused_in_french(response)
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_link_to_an_overlong_article_address_is_saved_not_a_500(editor_client, section):
    body = f'<p>Voir <a href="/article/{"a" * 201}/">cet article</a>, un texte à garder.</p>'
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(section, title="Lien trop long", body=body)
    )
    assert response.status_code == 302, response.content.decode()[:500]
    article = Article.objects.get(title="Lien trop long")
    assert "un texte à garder" in article.body
    assert not article.body_references.exists()


def test_form_fields_keep_refusing_a_nul_next_to_the_field_with_the_text_kept(editor_client, section):
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(section, title="Titre\x00 caché")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["title"] and form["title"].value() == "Titre\x00 caché"  # in its field, kept
