"""An article's versions through the admin: every save kept, any two compared word by word, any one restored."""

import re

import pytest
from admin_pages import article_form_data, change_url, opened_form
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.history import body_diff, readable_blocks, word_diff
from articles.models import Article, ArticleRevision

pytestmark = pytest.mark.django_db


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, before, after):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?avant={before}&apres={after}"


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


@pytest.fixture
def camille(make_user):
    # A login that is an email address: it must never be shown, her name is.
    return make_user("camille.royer@example.org", groups=["Journalistes"], first_name="Camille", last_name="Royer")


@pytest.fixture
def camille_client(client, camille):
    client.force_login(camille)
    return client


@pytest.fixture
def written(camille_client, section, territory):
    """An article Camille wrote through the admin and saved twice more: three versions."""
    response = camille_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            section,
            title="Le pont des Roches rouvre",
            slug="pont-des-roches",
            body="<h2>Travaux</h2><p>Le maire inaugure le pont lundi.</p>",
            tags="Travaux",
            territories=[territory.pk],
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="pont-des-roches")
    camille_client.post(change_url(article), opened_form(camille_client, article, standfirst="Après deux ans."))
    camille_client.post(
        change_url(article),
        opened_form(
            camille_client,
            article,
            body="<h2>Travaux</h2><p>Le préfet inaugure le pont lundi.</p><ul><li>Accès piétons</li></ul>",
            tags="Travaux, Mobilité",
        ),
    )
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def territory(make_territory):
    return make_territory("Metz")


def test_three_saves_keep_three_versions_listed_on_the_history_page(written, camille_client):
    revisions = list(written.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert {r.action for r in revisions} == {ArticleRevision.Action.SAVED}
    assert "standfirst" in revisions[1].changed_fields and "body" not in revisions[1].changed_fields
    assert set(revisions[2].changed_fields) == {"body", "tags"}

    response = camille_client.get(history_url(written))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="avant"') == 3 and html.count('name="apres"') == 3
    assert "Camille Royer" in html and "camille.royer@example.org" not in html
    assert "Enregistré" in html and "Chapô" in html and "Mots-clés" in html
    assert re.search(r"\d{1,2} \w+ 20\d\d à \d{1,2}\xa0h\xa0\d\d", html), "French dates (no-break spaces in the time)"
    # Every version but the current one can be restored.
    assert html.count('<form method="post" id="restore-') == 2


def test_compare_shows_the_changed_words_and_names(written, camille_client):
    response = camille_client.get(compare_url(written, 2, 3))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le <del>maire</del> <ins>préfet</ins> inaugure le pont lundi." in html
    assert "<ins>Accès piétons</ins>" in html and "Liste" in html
    assert "Ajouté : <ins>Mobilité</ins>" in html
    # Unchanged fields are not compared, only named.
    assert "Sans changement :" in html and "<h2>Titre</h2>" not in html


def test_compare_escapes_whatever_was_typed(written, camille_client, section):
    camille_client.post(
        change_url(written), opened_form(camille_client, written, title="Le <script>alert(1)</script> pont")
    )
    html = camille_client.get(compare_url(written, 3, 4)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_compare_refuses_a_version_that_does_not_exist(written, camille_client):
    assert camille_client.get(compare_url(written, 1, 9)).status_code == 404
    response = camille_client.get(reverse("admin:articles_article_compare", args=[written.pk]))
    assert response.status_code == 302  # nothing chosen: back to the history
    assert camille_client.get(compare_url(written, 1, "99999999999999999999")).status_code == 302
    assert camille_client.get(compare_url(written, 1, "٣")).status_code == 302


def test_restore_brings_the_old_body_back_as_a_new_version(written, camille_client):
    response = camille_client.post(restore_url(written, 1))
    assert response.status_code == 302 and response.url == change_url(written)
    written.refresh_from_db()
    assert written.body == "<h2>Travaux</h2><p>Le maire inaugure le pont lundi.</p>"
    assert written.standfirst == ArticleRevision.objects.get(article=written, number=1).content["standfirst"]
    assert [tag.name for tag in written.tags.all()] == ["Travaux"]
    latest = written.revisions.first()
    assert latest.number == 4 and latest.action == ArticleRevision.Action.RESTORED
    assert latest.remark == "Version 1 restaurée" and latest.created_by.last_name == "Royer"
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Version 1 restaurée : elle devient la version 4." in messages
    # The readers' page follows: the body is rendered again.
    assert "maire" in written.body_html


def test_restore_skips_what_no_longer_exists_and_says_so(written, camille_client, territory):
    territory.delete()
    response = camille_client.post(restore_url(written, 1), follow=True)
    assert response.status_code == 200
    assert "Territoires : « Metz » n’existe plus et n’a pas été remis." in response.content.decode()
    assert written.revisions.first().number == 4


def test_a_journalist_cannot_restore_an_article_into_a_published_status(written, camille_client, editor):
    written.publish(by=editor)  # version 4: published
    written.unpublish(by=editor)  # version 5: unpublished
    assert written.revisions.get(number=4).content["status"] == Article.Status.PUBLISHED

    response = camille_client.post(restore_url(written, 4), follow=True)
    assert response.status_code == 200
    written.refresh_from_db()
    assert written.status == Article.Status.UNPUBLISHED  # the content came back, the status did not
    assert written.revisions.first().number == 6
    assert "Le statut, la date de publication et « À la une » ne sont pas restaurés" in camille_client.get(
        history_url(written)
    ).content.decode("utf-8")


def test_restoring_needs_a_post_and_the_right_to_edit(written, camille_client, moderator_client):
    assert camille_client.get(restore_url(written, 1)).status_code == 405
    assert moderator_client.post(restore_url(written, 1)).status_code == 403
    assert moderator_client.get(history_url(written)).status_code == 403
    assert written.revisions.count() == 3


def test_the_body_is_read_as_blocks_a_reader_sees():
    html = (
        "<h2>Le chantier</h2><p>Il a <strong>duré</strong> deux ans.</p>"
        "<ul><li>Accès piétons</li><li>Piste cyclable</li></ul>"
        '<figure><img data-file="3" alt="Le pont"><figcaption>Le pont rénové.</figcaption></figure>'
        '<aside data-callout="" data-color="bleu" data-title="À noter"><p>Entrée libre.</p></aside>'
    )
    assert [(block.label, block.text) for block in readable_blocks(html)] == [
        ("Intertitre", "Le chantier"),
        ("", "Il a duré deux ans."),
        ("Liste", "Accès piétons"),
        ("Liste", "Piste cyclable"),
        ("Image", "Le pont"),
        ("Légende", "Le pont rénové."),
        ("Encadré", "À noter"),
        ("Encadré", "Entrée libre."),
    ]


def test_word_diff_groups_a_changed_phrase_and_escapes():
    assert word_diff("a b c d", "a x y d") == "a <del>b c</del> <ins>x y</ins> d"
    assert word_diff("1 < 2", "1 < 3") == "1 &lt; <del>2</del> <ins>3</ins>"
    changes = body_diff("<p>Un.</p><p>Deux.</p>", "<p>Un.</p><p>Trois.</p><p>Quatre.</p>")
    assert [change.state for change in changes] == ["same", "changed", "added"]
