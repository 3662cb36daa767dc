"""The article form's unsaved text kept on the server for its author alone (articles/admin_drafts.py).

Each « machine » is a client of its own, with its own session: what one sends, the same person
reads from another; nobody else ever reads, overwrites or deletes it; a save drops it, and it
goes with the article.
"""

import json

import pytest
from admin_pages import article_form_data
from django.test import Client
from django.urls import reverse

from articles.admin_drafts import MAX_DRAFT_BYTES
from articles.models import Article, ArticleDraft, ArticleRevision


def draft_url(key) -> str:
    return reverse("admin:articles_article_draft", args=[key])


def machine(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("admin:index"))  # the CSRF cookie, as the form's page sets it
    return client


def send(client, key, **values):
    return client.post(
        draft_url(key),
        json.dumps(values),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )


def read(client, key):
    response = client.get(draft_url(key))
    assert response.status_code == 200
    return response.json()["draft"]


@pytest.fixture
def article(make_article, journalist):
    return make_article("Le conseil municipal", status=Article.Status.DRAFT, authors=[journalist])


def test_kept_and_offered_to_the_same_person_on_another_machine(journalist, article):
    first, second = machine(journalist), machine(journalist)
    assert read(second, article.pk) is None
    sent = send(first, article.pk, title="Le conseil vote", standfirst="Chapô.", body="<p>Tapé au bureau.</p>",
                base=["3", '{"title": "x"}'])  # fmt: skip
    assert sent.status_code == 200
    draft = read(second, article.pk)
    assert draft["title"] == "Le conseil vote" and draft["body"] == "<p>Tapé au bureau.</p>"
    assert draft["standfirst"] == "Chapô."
    assert draft["base"] == ["3", '{"title": "x"}']  # the version it was typed on, for the no-lost-update rule
    assert isinstance(draft["savedAt"], int)

    # Sent again: the same row, the newer text.
    send(second, article.pk, title="Le conseil vote", standfirst="", body="<p>Tapé à la maison.</p>", base=["3", ""])
    assert ArticleDraft.objects.filter(user=journalist, article=article).count() == 1
    assert read(first, article.pk)["body"] == "<p>Tapé à la maison.</p>"


def test_never_shown_to_another_journalist_or_an_editor(journalist, editor, make_user, article):
    send(machine(journalist), article.pk, title="Secret", standfirst="", body="<p>Pas encore prêt.</p>")
    colleague = make_user("colleague", groups=["Journalistes"])
    for other in (colleague, editor):
        other_machine = machine(other)
        assert read(other_machine, article.pk) is None
        # Their own text is theirs, and deleting theirs leaves the journalist's alone.
        send(other_machine, article.pk, title="À moi", standfirst="", body="<p>Le mien.</p>")
        assert other_machine.delete(draft_url(article.pk), headers={"X-CSRFToken": other_machine.cookies["csrftoken"].value}).status_code == 204  # fmt: skip
    assert read(machine(journalist), article.pk)["body"] == "<p>Pas encore prêt.</p>"


def test_nobody_else_sees_it_in_the_admin(journalist, editor, article, client):
    send(machine(journalist), article.pk, title="Secret", standfirst="", body="<p>Une phrase non enregistrée.</p>")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200 and "Une phrase non enregistrée" not in page.content.decode()
    assert client.get("/admin/articles/articledraft/").status_code == 404  # no admin page lists them


def test_a_new_article_has_one_draft_per_person(journalist, editor):
    send(machine(journalist), "new", title="Nouvel article", standfirst="", body="<p>Début.</p>")
    assert read(machine(journalist), "new")["title"] == "Nouvel article"
    assert read(machine(editor), "new") is None


def test_csrf_is_required(journalist, article):
    client = machine(journalist)
    response = client.post(draft_url(article.pk), json.dumps({"title": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert not ArticleDraft.objects.exists()


def test_too_big_is_refused_politely(journalist, article):
    client = machine(journalist)
    response = send(client, article.pk, title="Long", standfirst="", body="<p>" + "x" * MAX_DRAFT_BYTES + "</p>")
    assert response.status_code == 413
    assert "trop long" in response.json()["error"] and "navigateur" in response.json()["error"]
    assert not ArticleDraft.objects.exists()


def test_only_staff_who_may_write_the_article(journalist, moderator, article, client):
    assert client.get(draft_url(article.pk)).status_code == 302  # anonymous: to the login page
    assert machine(moderator).get(draft_url(article.pk)).status_code == 403
    assert machine(journalist).get(draft_url(999999)).status_code == 404
    assert machine(journalist).get(draft_url("abc")).status_code == 404


def test_deleted_after_the_article_is_saved(journalist, article):
    first = machine(journalist)
    send(first, article.pk, title="Le conseil vote", standfirst="Chapô.", body="<p>Tapé.</p>")
    page = first.get(reverse("admin:articles_article_change", args=[article.pk]))
    form = page.context["adminform"].form
    data = {
        "title": "Le conseil vote",
        "slug": article.slug,
        "section": article.section_id,
        "standfirst": "Chapô.",
        "body": "<p>Tapé.</p>",
        "comments_mode": article.comments_mode,
        "authors": [journalist.pk],
        "base_revision": form.initial.get("base_revision") or 0,
        "base_state": form.initial.get("base_state") or "",
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
        "csrfmiddlewaretoken": first.cookies["csrftoken"].value,
        "_save": "Enregistrer",
    }
    response = first.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    article.refresh_from_db()
    assert article.title == "Le conseil vote"
    assert not ArticleDraft.objects.filter(article=article).exists()
    assert ArticleRevision.objects.filter(article=article).exists()


def test_a_refused_save_keeps_it(journalist, article):
    first = machine(journalist)
    send(first, article.pk, title="", standfirst="Chapô.", body="<p>Tapé.</p>")
    response = first.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {"title": "", "csrfmiddlewaretoken": first.cookies["csrftoken"].value, "_save": "Enregistrer"},
    )
    assert response.status_code == 200  # the form again, with its errors
    assert ArticleDraft.objects.filter(article=article, user=journalist).exists()


def test_ignored_is_deleted(journalist, article):
    client = machine(journalist)
    send(client, article.pk, title="x", standfirst="", body="<p>y</p>")
    assert client.delete(draft_url(article.pk), headers={"X-CSRFToken": client.cookies["csrftoken"].value}).status_code == 204  # fmt: skip
    assert read(client, article.pk) is None


def test_goes_with_the_article(journalist, article, editor):
    send(machine(journalist), article.pk, title="x", standfirst="", body="<p>y</p>")
    article.delete()
    assert not ArticleDraft.objects.exists()


def test_deleting_the_article_does_not_show_whose_drafts_go_with_it(journalist, editor, article, client):
    send(machine(journalist), article.pk, title="x", standfirst="", body="<p>y</p>")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert page.status_code == 200
    assert "non enregistré" not in page.content.decode()
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleDraft.objects.exists()


def test_the_new_article_draft_is_deleted_once_it_is_added(journalist, section, make_article):
    first = machine(journalist)
    send(first, "new", title="Le port de Metz s’agrandit", standfirst="", body="<p>Début.</p>")
    other = make_article("Un autre", status=Article.Status.DRAFT, authors=[journalist])
    send(first, other.pk, title="Un autre", standfirst="", body="<p>Gardé.</p>")
    data = article_form_data(section, csrfmiddlewaretoken=first.cookies["csrftoken"].value)
    response = first.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert not ArticleDraft.objects.filter(user=journalist, article=None).exists()
    # The person's drafts of other articles stay.
    assert ArticleDraft.objects.filter(user=journalist, article=other).exists()
