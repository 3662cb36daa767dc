"""Two people on one article: no save silently overwrites another, and each knows the other is there."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from admin_pages import article_form_data, change_url, opened_form, shown_form_data
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.models import Article, ArticleRevision
from articles.presence import PRESENCE_SECONDS

pytestmark = pytest.mark.django_db

PARAGRAPH = "<p>Un paragraphe ajouté par la journaliste.</p>"


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


@pytest.fixture
def marc_client(marc):
    client = Client()
    client.force_login(marc)
    return client


@pytest.fixture
def article(journalist_client, section):
    """A draft the journalist wrote through the admin: version 1."""
    response = journalist_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            section, title="Le port de Metz s’agrandit", slug="port-de-metz", body="<p>Premier paragraphe.</p>"
        ),
    )
    assert response.status_code == 302
    return Article.objects.get(slug="port-de-metz")


@pytest.fixture
def race(article, journalist_client, marc_client):
    """Both open the form; Marc fixes the title and saves first; the journalist, who added a
    paragraph, then saves: her POST, refused."""
    mine = opened_form(journalist_client, article, body="<p>Premier paragraphe.</p>" + PARAGRAPH)
    theirs = opened_form(marc_client, article, title="Le port de Metz va s’agrandir")
    assert marc_client.post(change_url(article), theirs).status_code == 302
    response = journalist_client.post(change_url(article), mine)
    return response


def test_the_second_save_is_refused_with_both_texts_and_who_saved_meanwhile(race, article):
    assert race.status_code == 200
    html = race.content.decode()
    saved_at = timezone.localtime(ArticleRevision.objects.get(article=article, number=2).created_at)
    assert (
        f"Marc Lhuillier a enregistré cet article à {saved_at.hour}\u00a0h\u00a0{saved_at:%M} : titre modifié." in html
    )
    # Her text is intact in the form; his title is shown, as a change from what she opened.
    assert "Un paragraphe ajouté par la journaliste." in html
    assert "Le port de Metz <del>s’agrandit</del> <ins>va s’agrandir</ins>" in html
    assert 'name="_merge"' in html and "Écraser leurs modifications" in html
    assert "history/compare/?avant=1&amp;apres=2" in html  # the whole comparison, a click away
    assert "Veuillez corriger" not in html  # the conflict panel says it all
    article.refresh_from_db()
    assert article.title == "Le port de Metz va s’agrandir" and PARAGRAPH not in article.body
    assert article.revisions.count() == 2


@pytest.mark.parametrize("forged", ["[1]", "1", '"x"', "{"])
def test_a_forged_base_state_still_gets_the_conflict_form(article, journalist_client, marc_client, forged):
    mine = opened_form(journalist_client, article, body="<p>Premier paragraphe.</p>" + PARAGRAPH)
    theirs = opened_form(marc_client, article, title="Le port de Metz va s’agrandir")
    assert marc_client.post(change_url(article), theirs).status_code == 302

    response = journalist_client.post(change_url(article), {**mine, "base_state": forged})

    assert response.status_code == 200
    assert 'name="_merge"' in response.content.decode()
    article.refresh_from_db()
    assert PARAGRAPH not in article.body


def test_merging_keeps_his_title_and_her_paragraph(race, article, journalist_client):
    merged = journalist_client.post(change_url(article), {**shown_form_data(race), "_merge": "Fusionner"})
    assert merged.status_code == 200  # shown for review, not saved yet
    html = merged.content.decode()
    assert "Fusion faite avec la version 2 (Marc Lhuillier)" in html
    assert "Repris de leur version : Titre." in html and "Gardé de la vôtre : Texte." in html
    form = merged.context["adminform"].form
    assert form["title"].value() == "Le port de Metz va s’agrandir"
    assert PARAGRAPH in form["body"].value()
    assert article.revisions.count() == 2

    saved = journalist_client.post(change_url(article), {**shown_form_data(merged), "_save": "Enregistrer"})
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.title == "Le port de Metz va s’agrandir" and PARAGRAPH in article.body
    assert article.revisions.first().number == 3


def test_a_field_both_changed_keeps_mine_and_shows_theirs(article, journalist_client, marc_client):
    mine = opened_form(journalist_client, article, standfirst="Le port double sa surface.")
    theirs = opened_form(marc_client, article, standfirst="Le port triple sa surface.")
    marc_client.post(change_url(article), theirs)
    refused = journalist_client.post(change_url(article), mine)
    assert "modifié aussi dans votre version" in refused.content.decode()
    merged = journalist_client.post(change_url(article), {**shown_form_data(refused), "_merge": "Fusionner"})
    html = merged.content.decode()
    assert merged.context["adminform"].form["standfirst"].value() == "Le port double sa surface."
    assert "Chapô : modifié des deux côtés, votre version est gardée." in html
    assert "Le port <del>double</del> <ins>triple</ins> sa surface." in html


def test_overwriting_saves_mine_as_is(race, article, journalist_client):
    response = journalist_client.post(change_url(article), {**shown_form_data(race), "_overwrite": "Écraser"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Le port de Metz s’agrandit" and PARAGRAPH in article.body
    assert article.revisions.first().number == 3


def test_overwriting_a_version_not_yet_seen_is_refused_again(race, article, journalist_client, marc_client):
    marc_client.post(change_url(article), opened_form(marc_client, article, standfirst="Encore un changement."))
    response = journalist_client.post(change_url(article), {**shown_form_data(race), "_overwrite": "Écraser"})
    assert response.status_code == 200
    assert "Marc Lhuillier a enregistré cet article" in response.content.decode()
    assert "chapô" in response.context["adminform"].form.conflict.message
    assert article.revisions.count() == 3


def test_two_saves_of_the_same_version_one_wins(article, journalist_client, marc_client):
    opened = opened_form(journalist_client, article)
    first = journalist_client.post(change_url(article), {**opened, "title": "Premier"})
    second = marc_client.post(change_url(article), {**opened, "title": "Second"})
    assert (first.status_code, second.status_code) == (302, 200)
    article.refresh_from_db()
    assert article.title == "Premier"


def test_an_article_saved_before_versions_existed_saves_normally(make_article, journalist_client):
    old = make_article(status=Article.Status.DRAFT)
    assert ArticleRevision.objects.latest_number(old) == 0
    response = journalist_client.post(change_url(old), opened_form(journalist_client, old, title="Nouveau titre"))
    assert response.status_code == 302
    assert old.revisions.get().number == 1


def test_an_editor_publishing_meanwhile_keeps_the_article_published_on_overwrite(
    article, journalist_client, marc, marc_client
):
    mine = opened_form(journalist_client, article, body="<p>Premier paragraphe.</p>" + PARAGRAPH)
    article.publish(by=marc)
    refused = journalist_client.post(change_url(article), mine)
    assert "Marc Lhuillier a enregistré cet article" in refused.content.decode()
    assert "statut" in refused.context["adminform"].form.conflict.message
    data = shown_form_data(refused)
    assert journalist_client.post(change_url(article), {**data, "_overwrite": "Écraser"}).status_code == 302
    article.refresh_from_db()
    # Published meanwhile: her text waits for the editors beside what readers see.
    assert article.status == Article.Status.PUBLISHED and PARAGRAPH not in article.body
    assert PARAGRAPH in ArticleRevision.objects.pending_proposal(article).content["body"]


# Presence ---------------------------------------------------------------------------------------


def test_the_second_person_is_told_who_else_has_the_article_open(article, journalist_client, marc_client):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 42)), tick=False):
        marc_client.get(change_url(article))
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 43)), tick=False):
        html = journalist_client.get(change_url(article)).content.decode()
        assert "Marc Lhuillier modifie aussi cet article depuis 10\u00a0h\u00a042" in html
        # Nobody is told about themselves.
        assert "Marc Lhuillier modifie" not in marc_client.get(change_url(article)).content.decode()


def test_the_heartbeat_answers_who_else_is_there_and_leaving_removes_the_entry(article, journalist_client, marc_client):
    page = marc_client.get(change_url(article)).context["presence_page"]
    response = journalist_client.post(presence_url(article), {"page": "p1"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    others = response.json()["others"]
    assert [person["name"] for person in others] == ["Marc Lhuillier"]
    assert others[0]["message"].startswith("Marc Lhuillier modifie aussi cet article depuis ")

    marc_client.post(presence_url(article), {"page": page, "action": "leave"})
    assert journalist_client.post(presence_url(article), {"page": "p1"}).json()["others"] == []


def test_an_old_page_leaving_does_not_remove_a_newer_one(article, journalist_client, marc_client):
    first = marc_client.get(change_url(article)).context["presence_page"]
    marc_client.get(change_url(article))  # the form shown again (after a save, say)
    marc_client.post(presence_url(article), {"page": first, "action": "leave"})
    assert len(journalist_client.post(presence_url(article), {"page": "p1"}).json()["others"]) == 1


def test_presence_expires_without_heartbeat(article, journalist_client, marc_client):
    marc_client.get(change_url(article))
    later = timezone.now() + timedelta(seconds=PRESENCE_SECONDS + 5)
    with time_machine.travel(later, tick=False):
        assert journalist_client.post(presence_url(article), {"page": "p1"}).json()["others"] == []


def test_the_heartbeat_is_a_protected_post_for_staff_who_may_edit(article, journalist, moderator_client):
    assert moderator_client.post(presence_url(article), {"page": "p"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(journalist)
    assert strict.post(presence_url(article), {"page": "p"}).status_code == 403  # no CSRF token
    assert strict.get(presence_url(article)).status_code == 405
    anonymous = Client().post(presence_url(article), {"page": "p"})
    assert anonymous.status_code == 302 and "/login/" in anonymous.url


def wait_until_a_session_waits_for(pid: int, timeout: float) -> bool:
    """Whether another session of the database comes to wait for a lock that session ``pid`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:  # autocommit: each look is a fresh view of the sessions
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_one_waits_for_the_other_and_is_refused(
    make_article, make_user, section, monkeypatch
):
    """The row lock: the second save waits for the first to commit, then sees its version.
    Without it both would pass the check. SQLite has no row lock (it writes one at a time).

    The order is made, not timed: the second save starts once the first holds the lock, and the
    first commits only once the database shows the second waiting for that lock."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    article = make_article(status=Article.Status.DRAFT)
    people = [make_user(f"chef{n}", is_superuser=True) for n in (1, 2)]
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    opened = opened_form(clients[0], article)
    original = ArticleAdmin.save_related
    first_holds_the_lock, second_waits_for_it = threading.Event(), threading.Event()
    holder = {}

    def save_related_then_hold_the_lock(self, request, form, formsets, change):
        original(self, request, form, formsets, change)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            holder["pid"] = cursor.fetchone()[0]
        first_holds_the_lock.set()
        second_waits_for_it.wait(timeout=30)  # the transaction, and its lock, stay open until then

    monkeypatch.setattr(ArticleAdmin, "save_related", save_related_then_hold_the_lock)
    statuses = {}

    def save(index):
        try:
            statuses[index] = (
                clients[index].post(change_url(article), {**opened, "title": f"Titre {index}"}).status_code
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=save, args=(0,))
    second = threading.Thread(target=save, args=(1,))
    first.start()
    try:
        assert first_holds_the_lock.wait(timeout=30), "the first save never got to save_related"
        second.start()
        assert wait_until_a_session_waits_for(holder["pid"], timeout=30), "the second save never waited for the lock"
    finally:
        second_waits_for_it.set()
        first.join()
        if second.ident is not None:
            second.join()
    assert statuses == {0: 302, 1: 200}
    article.refresh_from_db()
    assert article.title == "Titre 0" and article.revisions.count() == 1


def test_a_save_meanwhile_that_changed_nothing_is_no_conflict(article, journalist_client, marc_client):
    mine = opened_form(journalist_client, article, body="<p>Premier paragraphe.</p>" + PARAGRAPH)
    assert marc_client.post(change_url(article), opened_form(marc_client, article)).status_code == 302
    assert journalist_client.post(change_url(article), mine).status_code == 302
    article.refresh_from_db()
    assert PARAGRAPH in article.body and article.revisions.count() == 3
