"""The newsroom's desk as its people use it: who may publish, suggestions, renames, previews, a French admin."""

import gettext
import json
import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from admin_pages import (
    action_post,
    article_change_data,
    article_form_data,
    change_url,
    changelist_url,
    field_row,
    form_errors,
)
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRevision, ArticleSlugRedirect, Section
from search.indexing import refresh_articles

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
EDITORS_ONLY = "Seule la rédaction en chef peut publier, programmer, renvoyer ou dépublier un article."


# Helpers ------------------------------------------------------------------------


def add_url():
    return reverse("admin:articles_article_add")


# Roles: journalists write, editors publish --------------------------------------------------


def test_journalist_can_open_the_article_list_and_forms(journalist_client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    for url in [changelist_url(), add_url(), change_url(article)]:
        assert journalist_client.get(url).status_code == 200, url
    index = journalist_client.get(reverse("admin:index")).content.decode()
    assert "Articles" in index
    assert changelist_url() in index


def test_add_form_proposes_the_journalist_as_author(journalist_client, journalist):
    html = journalist_client.get(add_url()).content.decode()
    assert f'<option value="{journalist.pk}" selected>' in field_row(html, "authors")


@pytest.mark.parametrize(
    ("button", "status"), [(None, Article.Status.DRAFT), ("_submit", Article.Status.SUBMITTED)], ids=["save", "submit"]
)
def test_journalist_creates_an_article_and_is_its_author_by_default(
    journalist_client, journalist, section, button, status
):
    # The featured flag is the editors' call: a forged one is ignored.
    data = article_form_data(section, is_featured=True, **({button: True} if button else {}))
    response = journalist_client.post(add_url(), data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="le-port-de-metz-sagrandit")
    assert article.status == status
    assert article.published_at is None
    assert list(article.authors.all()) == [journalist]
    assert article.is_featured is False
    assert sorted(tag.name for tag in article.tags.all()) == ["FinTech", "IoT"]


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.UNPUBLISHED])
def test_a_forged_status_field_is_ignored(journalist_client, section, status):
    # The status is no field of the form: only the buttons move an article.
    data = article_form_data(
        section, title="Scoop non relu", status=status, published_at_0="25/07/2016", published_at_1="10:30:00"
    )
    response = journalist_client.post(add_url(), data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not article.is_visible


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish", "_send_back"])
def test_journalist_cannot_publish_a_new_article_with_a_forged_button(journalist_client, section, button):
    data = article_form_data(
        section,
        title="Scoop non relu",
        published_at_0="25/07/2036",
        published_at_1="10:30:00",
        review_remark="À reprendre",
        **{button: True},
    )
    response = journalist_client.post(add_url(), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert EDITORS_ONLY in html
    # French, next to the buttons, and never an internal value such as « published ».
    errors = response.context["adminform"].form.non_field_errors()
    assert list(errors) == [EDITORS_ONLY]
    # Nothing typed is lost: the journalist can save it as a draft or submit it.
    assert 'value="Scoop non relu"' in field_row(html, "title")
    assert 'value="25/07/2036"' in field_row(html, "published_at")
    assert not Article.objects.exists()


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish", "_send_back"])
@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.PUBLISHED])
def test_journalist_cannot_move_an_article_with_a_forged_button(journalist_client, make_article, button, status):
    article = make_article(
        "Avant", status=status, published_at=None if status != Article.Status.PUBLISHED else "default"
    )
    before = (article.status, article.published_at)
    data = article_change_data(
        article, title="Titre retouché", published_at_0="25/07/2036", published_at_1="10:30:00", review_remark="Non"
    )
    response = journalist_client.post(change_url(article), {**data, button: "1"})

    assert response.status_code == 200
    assert EDITORS_ONLY in response.content.decode()
    assert 'value="Titre retouché"' in field_row(response.content.decode(), "title")
    article.refresh_from_db()
    assert (article.title, article.status, article.published_at) == ("Avant", *before)
    assert not article.revisions.exists()


def test_journalist_sees_status_date_and_featured_read_only_on_a_published_article(journalist_client, make_article):
    article = make_article(status=Article.Status.PUBLISHED)
    response = journalist_client.get(change_url(article))

    html = response.content.decode()
    for name in ["workflow_status", "published_at", "is_featured"]:
        assert name not in response.context["adminform"].form.fields
        row = field_row(html, name)
        assert 'class="readonly"' in row, name
        assert f'name="{name}' not in row, name


def test_journalist_editing_a_published_article_cannot_unpublish_it(journalist_client, make_article):
    article = make_article("Publié", status=Article.Status.PUBLISHED)
    published_at = article.published_at
    data = article_change_data(
        article,
        title="Publié, coquille corrigée",
        status=Article.Status.UNPUBLISHED,
        published_at_0="25/07/2016",
        published_at_1="10:30:00",
        is_featured=True,
    )
    response = journalist_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title == "Publié"  # held for the editors (tests/test_proposals.py)
    proposed = ArticleRevision.objects.pending_proposal(article).content
    assert proposed["title"] == "Publié, coquille corrigée"
    assert (proposed["status"], proposed["is_featured"]) == (Article.Status.PUBLISHED, False)
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == published_at
    assert article.is_featured is False


def test_bulk_publication_is_neither_offered_to_nor_done_for_journalists(journalist_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    published = make_article(status=Article.Status.PUBLISHED)

    html = journalist_client.get(changelist_url()).content.decode()
    assert "publish_selected" not in html
    assert "unpublish_selected" not in html

    for action, article in [("publish_selected", draft), ("unpublish_selected", published)]:
        response = journalist_client.post(changelist_url(), action_post(action, article))
        assert response.status_code in {200, 302}, action
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert published.status == Article.Status.PUBLISHED


def test_editor_publishes_and_unpublishes_through_the_change_form(editor_client, make_article):
    article = make_article("À relire", status=Article.Status.SUBMITTED)
    data = article_change_data(article, _publish=True, published_at_0="25/07/2016", published_at_1="10:30:00")
    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2016, 7, 25, 10, 30, tzinfo=PARIS)
    assert editor_client.get(article.get_absolute_url()).status_code == 200

    response = editor_client.post(change_url(article), article_change_data(article, _unpublish=True))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert editor_client.get(article.get_absolute_url()).status_code == 404


def test_editor_publishing_without_a_date_publishes_now(editor_client, make_article):
    article = make_article(status=Article.Status.SUBMITTED)
    before = timezone.now()
    response = editor_client.post(change_url(article), article_change_data(article, _publish=True))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert before <= article.published_at <= timezone.now()
    assert article.is_visible


def test_editor_publishes_and_unpublishes_in_bulk(editor_client, make_article):
    drafts = [make_article(status=Article.Status.DRAFT), make_article(status=Article.Status.SUBMITTED)]
    other = make_article(status=Article.Status.DRAFT)

    html = editor_client.get(changelist_url()).content.decode()
    assert 'value="publish_selected"' in html
    assert 'value="unpublish_selected"' in html

    response = editor_client.post(changelist_url(), action_post("publish_selected", *drafts), follow=True)
    assert "2 articles publiés." in response.content.decode()
    for article in drafts:
        article.refresh_from_db()
        assert article.is_visible
    other.refresh_from_db()
    assert other.status == Article.Status.DRAFT

    response = editor_client.post(changelist_url(), action_post("unpublish_selected", *drafts), follow=True)
    assert "2 articles dépubliés." in response.content.decode()
    for article in drafts:
        article.refresh_from_db()
        assert article.status == Article.Status.UNPUBLISHED


def test_the_model_refuses_publication_by_a_journalist(make_article, journalist):
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        draft.publish(by=journalist)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT

    published = make_article(status=Article.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        published.unpublish(by=journalist)
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("departed", [{"is_active": False}, {"is_staff": False}], ids=["deactivated", "not-staff"])
def test_saving_an_article_keeps_authors_who_are_no_longer_active_staff(
    editor_client, make_article, make_user, journalist, departed
):
    former = make_user("ancienne", groups=["Journalistes"], **departed)
    article = make_article(authors=[former, journalist])

    # Save the form exactly as the browser shows it: with the authors it displays as selected.
    row = field_row(editor_client.get(change_url(article)).content.decode(), "authors")
    shown_authors = re.findall(r'<option value="(\d+)" selected>', row)
    response = editor_client.post(change_url(article), article_change_data(article, authors=shown_authors))

    assert response.status_code == 302, form_errors(response)
    assert set(article.authors.all()) == {former, journalist}


# Staff outside the newsroom ---------------------------------------------------------------


@pytest.mark.parametrize("groups", [["Modérateurs"], []], ids=["moderator", "no-group"])
def test_staff_outside_the_newsroom_cannot_touch_articles(client, make_user, make_article, groups):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(make_user(groups=groups))

    for url in [changelist_url(), add_url(), change_url(article)]:
        assert client.get(url).status_code == 403, url

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Articles" not in index.content.decode()
    assert changelist_url() not in index.content.decode()


# Suggested places and people --------------------------------------------------------------


def suggested(html, field):
    return {int(pk) for pk in re.findall(rf'name="{field}" value="(\d+)"', html)}


def test_change_page_suggests_exactly_the_untagged_places_and_people_named(
    editor_client, make_article, make_territory, make_personality
):
    nancy = make_territory("Nancy", slug="nancy")
    toul = make_territory("Toul", slug="toul")
    make_territory("Thionville", slug="thionville")
    jeanne = make_personality("Jeanne Dupont", slug="jeanne-dupont")
    paul = make_personality("Paul Lambert", slug="paul-lambert")
    make_personality("Luc Bernard", slug="luc-bernard")
    article = make_article(
        "Le tram de Nancy",
        body="Jeanne Dupont a inauguré la ligne entre Nancy et Toul.\n\nPaul Lambert était présent.",
        territories=[toul],
        personalities=[paul],
    )

    html = editor_client.get(change_url(article)).content.decode()

    assert ">Suggestions</h2>" in html
    assert suggested(html, "add_suggested_territories") == {nancy.pk}
    assert suggested(html, "add_suggested_personalities") == {jeanne.pk}


@pytest.mark.parametrize(
    ("text", "name", "is_suggested"),
    [
        ("Le maire d’epinal a signé.", "Épinal", True),
        ("Le maire d’ÉPINAL a signé.", "Epinal", True),
        ("La fête de Metzervisse attire du monde.", "Metz", False),
        ("À Metz, la fête attire du monde.", "Metz", True),
    ],
    ids=["accents-ignored", "case-ignored", "inside-a-word", "whole-word"],
)
def test_suggestions_ignore_accents_and_respect_word_boundaries(
    editor_client, make_article, make_territory, text, name, is_suggested
):
    territory = make_territory(name)
    article = make_article("Vie locale", body=text)

    html = editor_client.get(change_url(article)).content.decode()

    assert (territory.pk in suggested(html, "add_suggested_territories")) is is_suggested


def test_ticking_suggestions_tags_the_article(editor_client, make_article, make_territory, make_personality):
    nancy = make_territory("Nancy", slug="nancy")
    jeanne = make_personality("Jeanne Dupont", slug="jeanne-dupont")
    article = make_article("Le tram", body="Jeanne Dupont a inauguré la ligne à Nancy.")

    data = article_change_data(article, add_suggested_territories=[nancy.pk], add_suggested_personalities=[jeanne.pk])
    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    assert list(article.territories.all()) == [nancy]
    assert list(article.personalities.all()) == [jeanne]
    html = editor_client.get(change_url(article)).content.decode()
    assert ">Suggestions</h2>" not in html


def test_no_suggestions_fieldset_when_nothing_untagged_is_named(editor_client, make_article, make_territory):
    metz = make_territory("Metz", slug="metz")
    make_territory("Nancy", slug="nancy")
    article = make_article("À Metz", body="La foire de Metz ouvre samedi.", territories=[metz])

    html = editor_client.get(change_url(article)).content.decode()

    assert ">Suggestions</h2>" not in html
    assert "add_suggested_" not in html


SUGGESTIONS_URL = "/admin/articles/article/suggestions/"


def test_suggestions_while_typing_name_the_places_and_people_not_yet_chosen(
    journalist_client, make_territory, make_personality
):
    nancy = make_territory("Nancy", slug="nancy")
    metz = make_territory("Metz", slug="metz")
    jeanne = make_personality("Jeanne Dupont", slug="jeanne-dupont")
    make_personality("Luc Bernard", slug="luc-bernard")

    response = journalist_client.post(
        SUGGESTIONS_URL,
        {
            "title": "Le tram de Nancy",
            "standfirst": "",
            "text": "Jeanne Dupont l’a inauguré à Metz.",
            "territories": [str(metz.pk), "abc"],  # already chosen (and junk, ignored)
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "territories": [{"id": nancy.pk, "name": "Nancy"}],
        "personalities": [{"id": jeanne.pk, "name": "Jeanne Dupont"}],
    }
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_suggestions_are_for_the_writing_staff_and_only_by_post(journalist_client, moderator_client, client):
    assert journalist_client.get(SUGGESTIONS_URL).status_code == 405
    assert moderator_client.post(SUGGESTIONS_URL, {"text": "Metz"}).status_code == 403
    client.logout()
    assert client.post(SUGGESTIONS_URL, {"text": "Metz"}).status_code == 302  # to the login page


# Renaming a published article ---------------------------------------------------------------


def test_renamed_article_keeps_its_old_addresses(editor_client, make_article):
    article = make_article("Le tram arrive", slug="le-tram-arrive")

    response = editor_client.post(change_url(article), article_change_data(article, slug="le-tram-arrive-a-nancy"))
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    response = editor_client.get(reverse("articles:article", args=["le-tram-arrive"]))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()

    response = editor_client.post(change_url(article), article_change_data(article, slug="le-tram-est-arrive"))
    assert response.status_code == 302, form_errors(response)
    for old_slug in ["le-tram-arrive", "le-tram-arrive-a-nancy"]:
        response = editor_client.get(reverse("articles:article", args=[old_slug]))
        assert response.status_code == 301, old_slug
        assert response["Location"] == reverse("articles:article", args=["le-tram-est-arrive"])
    assert editor_client.get(reverse("articles:article", args=["le-tram-est-arrive"])).status_code == 200


def test_renaming_back_gives_the_article_its_first_address_again(editor_client, make_article):
    article = make_article("Le tram arrive", slug="le-tram-arrive")
    editor_client.post(change_url(article), article_change_data(article, slug="le-tram-arrive-a-nancy"))
    article.refresh_from_db()

    response = editor_client.post(change_url(article), article_change_data(article, slug="le-tram-arrive"))

    assert response.status_code == 302, form_errors(response)
    assert editor_client.get(reverse("articles:article", args=["le-tram-arrive"])).status_code == 200
    response = editor_client.get(reverse("articles:article", args=["le-tram-arrive-a-nancy"]))
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:article", args=["le-tram-arrive"])


def test_an_old_address_cannot_be_taken_by_another_article(editor_client, make_article, section):
    renamed = make_article("Le tram arrive", slug="le-tram-arrive")
    editor_client.post(change_url(renamed), article_change_data(renamed, slug="le-tram-arrive-a-nancy"))
    assert ArticleSlugRedirect.objects.filter(old_slug="le-tram-arrive", article=renamed).exists()
    other = make_article("Un autre tram", slug="un-autre-tram")
    expected = "Cette adresse a déjà servi à l’article « Le tram arrive »"

    response = editor_client.post(change_url(other), article_change_data(other, slug="le-tram-arrive"))
    assert response.status_code == 200
    assert expected in field_row(response.content.decode(), "slug")
    other.refresh_from_db()
    assert other.slug == "un-autre-tram"

    response = editor_client.post(add_url(), article_form_data(section, slug="le-tram-arrive"))
    assert response.status_code == 200
    assert expected in field_row(response.content.decode(), "slug")
    assert not Article.objects.filter(slug="le-tram-arrive").exists()


# Working on the list and the form -----------------------------------------------------------------


def test_change_form_links_a_draft_to_its_preview(journalist_client, make_article):
    article = make_article(status=Article.Status.DRAFT)

    row = field_row(journalist_client.get(change_url(article)).content.decode(), "site_links")

    assert f'href="{reverse("articles:preview", args=[article.pk])}"' in row
    assert "Aperçu" in row
    assert "Voir sur le site" not in row


def test_change_form_links_a_published_article_to_its_page(journalist_client, make_article):
    article = make_article(status=Article.Status.PUBLISHED)

    row = field_row(journalist_client.get(change_url(article)).content.decode(), "site_links")

    assert f'href="{article.get_absolute_url()}"' in row
    assert "Voir sur le site" in row
    assert f'href="{reverse("articles:preview", args=[article.pk])}"' in row


def changelist_titles(client, **params):
    response = client.get(changelist_url(), params)
    assert response.status_code == 200
    return {article.title for article in response.context["cl"].result_list}


def test_changelist_search_and_filters(editor_client, make_article, make_section):
    sport = make_section("Sport", slug="sport")
    make_article("Le tram arrive à Nancy", status=Article.Status.DRAFT)
    make_article("La foire de Metz", status=Article.Status.PUBLISHED)
    make_article("Le FC Metz gagne", status=Article.Status.DRAFT, section=sport)

    assert changelist_titles(editor_client, q="tram") == {"Le tram arrive à Nancy"}
    assert changelist_titles(editor_client, status="draft") == {"Le tram arrive à Nancy", "Le FC Metz gagne"}
    assert changelist_titles(editor_client, section__id__exact=sport.pk) == {"Le FC Metz gagne"}


def test_changelist_search_finds_words_of_the_text_through_the_search_index(editor_client, make_article):
    make_article("Le tram arrive", body="<p>Les écoles de Nancy ferment à midi.</p>", status=Article.Status.DRAFT)
    make_article("La foire de Metz", body="<p>Rien à voir.</p>")
    refresh_articles(Article.objects.all())  # as after the saves' commit

    # The index folds accents and plurals, as the readers' search does.
    assert changelist_titles(editor_client, q="ecole") == {"Le tram arrive"}
    assert changelist_titles(editor_client, q="foire") == {"La foire de Metz"}  # the title, by substring
    assert changelist_titles(editor_client, q="oire de") == {"La foire de Metz"}


def test_marking_an_update_shows_it_to_readers(editor_client, make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=1))
    assert "Mis à jour le" not in editor_client.get(article.get_absolute_url()).content.decode()

    response = editor_client.post(change_url(article), article_change_data(article, mark_as_updated=True))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.updated_at is not None
    assert article.updated_at > article.published_at
    assert "Mis à jour le" in editor_client.get(article.get_absolute_url()).content.decode()


def test_saving_without_marking_an_update_leaves_no_update_date(editor_client, make_article):
    article = make_article()

    response = editor_client.post(change_url(article), article_change_data(article, title="Coquille corrigée"))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.updated_at is None


def test_admin_speaks_french(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert 'lang="fr"' in html
    assert "Déconnexion" in html


def test_save_and_preview_shows_the_draft_as_readers_will_see_it(editor_client, section):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(section, title="Brouillon à relire", slug="brouillon-a-relire", _preview="1"),
    )
    article = Article.objects.get(slug="brouillon-a-relire")
    assert response.status_code == 302
    assert response["Location"] == article.get_preview_url()
    preview = editor_client.get(response["Location"])
    assert preview.status_code == 200
    assert "Brouillon à relire" in preview.content.decode()
    assert (
        "Enregistrer et prévisualiser"
        in editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    )


def test_deleting_a_section_that_still_has_articles_explains_why_it_cannot(editor_client, section, make_article):
    make_article("Un article de la rubrique")
    response = editor_client.get(reverse("admin:articles_section_delete", args=[section.pk]))
    assert response.status_code == 200
    assert "protégés" in response.content.decode()  # Django's « cannot delete » page, in French
    response = editor_client.post(reverse("admin:articles_section_delete", args=[section.pk]), {"post": "yes"})
    assert response.status_code == 200 and Section.objects.filter(pk=section.pk).exists()


def test_articles_load_with_any_deferred_fields(make_article):
    article = make_article("Titre seul", slug="titre-seul")
    (loaded,) = Article.objects.only("title")
    assert loaded.title == "Titre seul"
    assert loaded.slug == "titre-seul"  # read on demand, as Django does
    loaded.title = "Titre changé"
    loaded.save()
    assert Article.objects.get(pk=article.pk).title == "Titre changé"


# Words that read right ----------------------------------------------------------------------------


def page_title(html):
    return re.search(r"<h1>(.*?)</h1>", html, flags=re.S).group(1).strip()


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("admin:articles_article_add", "Ajouter un article"),
        ("admin:images_image_add", "Ajouter une image"),
        ("admin:taggit_tag_add", "Ajouter un mot-clé"),
        ("admin:articles_section_add", "Ajouter une rubrique"),
        ("admin:articles_article_changelist", "Choisissez l’article à modifier"),
    ],
)
def test_admin_titles_read_right_in_french(admin_client, url_name, title):
    html = admin_client.get(reverse(url_name)).content.decode()
    assert page_title(html) == title
    assert f"<title>{title} |" in html
    if url_name.endswith("_add"):
        assert f'<li aria-current="page">{title}</li>' in html  # the breadcrumb too
        assert "Ajouter article" not in html and "Ajout de" not in html


def test_the_corrections_add_link_reads_right(editor_client, make_article):
    html = editor_client.get(change_url(make_article())).content.decode()
    inline = json.loads(unescape(re.search(r'data-inline-formset="([^"]*)"', html).group(1)))
    assert inline["options"]["addText"] == "Ajouter un rectificatif ou une mise à jour"


def test_change_page_and_add_button_name_the_article(admin_client, make_article):
    article = make_article()
    assert page_title(admin_client.get(change_url(article)).content.decode()) == "Modifier l’article"
    changelist = admin_client.get(changelist_url()).content.decode()
    assert re.search(r'class="addlink">\s*Ajouter un article\s*</a>', changelist)


def test_a_view_only_page_says_so(client, make_user, make_article):
    article = make_article()
    viewer = make_user(groups=[])
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)
    assert page_title(client.get(change_url(article)).content.decode()) == "Consulter l’article"


def test_topic_tags_speak_the_desks_french(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Taggit" not in index and "Étiquette" not in index and ">Tags<" not in index
    assert 'href="/admin/taggit/tag/">Mots-clés</a>' in index
    form = admin_client.get(reverse("admin:taggit_tag_add")).content.decode()
    assert re.search(r'<label class="required" for="id_name">Nom\s*:</label>', form)
    assert re.search(r'<label class="required" for="id_slug">Adresse\s*:</label>', form)


def test_the_compiled_catalogue_follows_its_source():
    # The .mo Django reads is committed next to its .po: every entry of one is in the other.
    folder = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
    source = (folder / "django.po").read_text()
    entries = re.findall(r'(?:msgctxt "([^"]*)"\n)?msgid "([^"]+)"\nmsgstr "([^"]*)"', source)
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for context, msgid, msgstr in entries:
        assert (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) == msgstr, msgid


def test_authors_are_chosen_among_the_writing_staff_by_name(editor_client, make_user, journalist, editor):
    make_user("moderatrice", groups=["Modérateurs"], first_name="Mona", last_name="Dérat")
    make_user("chef", is_superuser=True, first_name="Anne", last_name="Chef")
    make_user("ancien", groups=["Journalistes"], first_name="Ancien", last_name="Parti", is_active=False)

    row = field_row(editor_client.get(add_url()).content.decode(), "authors")
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", row)

    assert sorted(names) == ["Anne Chef", "Journaliste Martin", "Redactrice Durand"]


# The preview ------------------------------------------------------------------------------------


def byline_text(html):
    byline = re.search(r'<p class="byline">(.*?)</p>', html, flags=re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", byline).split())


def test_the_preview_of_a_draft_has_no_empty_separator_and_leads_back_to_the_form(
    journalist_client, make_article, journalist
):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, authors=[journalist])
    html = journalist_client.get(draft.get_preview_url()).content.decode()

    assert byline_text(html) == f"Par Journaliste Martin · Lecture : {draft.reading_minutes} min"
    assert f'<a href="{change_url(draft)}">Retour au formulaire</a>' in html


def test_a_byline_without_authors_or_date_is_only_the_reading_time(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert byline_text(editor_client.get(draft.get_preview_url()).content.decode()).startswith("Lecture :")
    published = make_article()
    assert byline_text(editor_client.get(published.get_absolute_url()).content.decode()).startswith("Publié le ")


def test_the_list_filters_authors_by_name(editor_client, make_article, journalist):
    make_article(authors=[journalist])
    html = editor_client.get(changelist_url()).content.decode()
    authors_filter = html[html.index("Par auteurs") :]
    assert f'?authors__id__exact={journalist.pk}">Journaliste Martin</a>' in authors_filter
    assert "Par mise à la une" in html


# The night the clocks go back -----------------------------------------------------------------------

CLOCKS_BACK = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC"))  # 02:30 in Paris, the second time


@pytest.mark.parametrize(
    "published_utc",
    [datetime(2026, 10, 25, 0, 20, tzinfo=ZoneInfo("UTC")), datetime(2026, 10, 25, 1, 20, tzinfo=ZoneInfo("UTC"))],
    ids=["first-02h20", "second-02h20"],
)
def test_an_article_published_in_the_hour_shown_twice_can_be_saved_again(
    time_machine, editor_client, make_article, published_utc
):
    # Both instants read « 25/10/2026 02:20 » in Paris: the form shows it, and must take it back.
    time_machine.move_to(CLOCKS_BACK, tick=False)
    article = make_article("Le marché de nuit de Metz", published_at=published_utc)

    response = editor_client.post(change_url(article), article_change_data(article, title="Le marché de nuit"))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert (article.title, article.published_at) == ("Le marché de nuit", published_utc)


def test_a_time_typed_in_the_hour_shown_twice_is_its_first_occurrence(time_machine, editor_client, make_article):
    time_machine.move_to(CLOCKS_BACK, tick=False)
    article = make_article("Le marché de nuit de Metz")
    data = article_change_data(article, published_at_0="25/10/2026", published_at_1="02:10:00")

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.published_at == datetime(2026, 10, 25, 0, 10, tzinfo=ZoneInfo("UTC"))  # 02:10 summer time


def test_a_time_the_clocks_skip_is_still_refused_in_french(time_machine, editor_client, make_article):
    time_machine.move_to(datetime(2026, 4, 1, 10, 0, tzinfo=ZoneInfo("UTC")), tick=False)
    article = make_article("Le marché de nuit de Metz")
    data = article_change_data(article, published_at_0="29/03/2026", published_at_1="02:30:00")

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "published_at" in form_errors(response)
