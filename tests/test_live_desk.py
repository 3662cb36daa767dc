"""The journalists' side of live coverage (« Direct »): the operations, who may do them, what is refused, the purges."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles.caching import article_tag, page_tag
from live.caching import live_tag
from live.models import LiveCoverage, LiveEntry


@pytest.fixture
def purged(monkeypatch):
    """Every purge made, as (tags, at_once)."""
    made = []
    monkeypatch.setattr("pagecache.purge", lambda *tags, at_once=False: made.append((set(tags), at_once)))
    return made


@pytest.fixture
def coverage(make_article, journalist):
    return LiveCoverage.start(make_article(title="Orages en Moselle : suivez la situation en direct"), journalist)


def messages_of(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


# Operations -------------------------------------------------------------------------------------


def test_a_journalist_makes_an_article_live_and_posts(coverage, journalist):
    entry = coverage.post("Les pompiers sont intervenus 120 fois cette nuit.", journalist, key_moment=True)

    entry.refresh_from_db()
    assert coverage.started_by == journalist and coverage.is_ongoing
    assert entry.body == "<p>Les pompiers sont intervenus 120 fois cette nuit.</p>"
    assert "120 fois" in entry.body_html
    assert (entry.author, entry.is_key_moment, entry.is_pinned, entry.edited_at) == (journalist, True, False, None)
    assert list(LiveEntry.objects.key_moments()) == [entry]


def test_starting_a_live_twice_keeps_the_first(coverage, editor):
    assert LiveCoverage.start(coverage.article, editor) == coverage
    assert LiveCoverage.objects.count() == 1


def test_each_typed_line_is_a_paragraph_and_html_is_taken_as_the_editor_writes_it(coverage, journalist):
    typed = coverage.post("Première ligne.\nDeuxième <ligne>.\n\n", journalist)
    written = coverage.post('<p>Voir <a href="https://www.meteofrance.com/">Météo-France</a>.</p>', journalist)

    assert typed.body == "<p>Première ligne.</p><p>Deuxième &lt;ligne&gt;.</p>"
    assert 'href="https://www.meteofrance.com/"' in written.body_html


def test_an_entry_shows_a_library_image_as_the_article_would(coverage, journalist, make_image):
    image = make_image()
    figure = f'<figure><img src="/media/images/{image.pk}.jpg" data-file="{image.pk}"><figcaption>Rue Serpenoise</figcaption></figure>'
    entry = coverage.post(f"<p>La rue inondée.</p>{figure}", journalist)

    assert "<picture" in entry.body_html and "Rue Serpenoise" in entry.body_html


def test_correcting_sets_the_time_shown_to_readers(coverage, journalist):
    entry = coverage.post("Trois communes privées d’électricité.", journalist)

    entry.correct("Quatre communes privées d’électricité.", journalist)

    entry.refresh_from_db()
    assert entry.edited_at is not None and "Quatre communes" in entry.body_html


def test_withdrawing_takes_the_entry_from_readers_and_keeps_it(coverage, journalist):
    kept, withdrawn = coverage.post("Une entrée juste.", journalist), coverage.post("Une erreur.", journalist)

    withdrawn.withdraw(journalist)

    assert list(coverage.entries.for_readers()) == [kept]
    assert coverage.entries.count() == 2 and withdrawn.withdrawn_by == journalist
    with pytest.raises(ValidationError, match="a été retirée"):
        withdrawn.correct("Corrigée après coup.", journalist)


def test_pinned_entries_come_first(coverage, journalist):
    first = coverage.post("Première.", journalist)
    second = coverage.post("Deuxième.", journalist)

    first.set_pinned(True, journalist)
    assert list(coverage.entries.for_readers()) == [first, second]
    first.set_pinned(False, journalist)
    assert list(coverage.entries.for_readers()) == [second, first]


def test_an_editor_ends_the_live_and_nobody_posts_after(coverage, editor, journalist):
    coverage.end(editor)

    assert not coverage.is_ongoing
    with pytest.raises(ValidationError, match="Ce direct est terminé"):
        coverage.post("Trop tard.", journalist)
    with pytest.raises(ValidationError, match="ne peut pas reprendre"):
        LiveCoverage.start(coverage.article, journalist)


# Who may do what ---------------------------------------------------------------------------------


def test_a_journalist_may_not_end_a_live(coverage, journalist):
    with pytest.raises(PermissionDenied, match="Seule la rédaction en chef"):
        coverage.end(journalist)
    assert LiveCoverage.objects.get().is_ongoing


def test_a_moderator_may_neither_start_nor_post(coverage, moderator, make_article):
    with pytest.raises(PermissionDenied, match="journalistes et la rédaction en chef"):
        LiveCoverage.start(make_article(), moderator)
    with pytest.raises(PermissionDenied):
        coverage.post("Pas mon rôle.", moderator)


# What is refused, in French ---------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "<p></p>", "<p><br></p>\n"])
def test_an_empty_entry_is_refused(coverage, journalist, body):
    with pytest.raises(ValidationError) as refused:
        coverage.post(body, journalist)
    assert messages_of(refused.value) == ["L’entrée est vide : écrivez son texte avant de la publier."]
    assert not LiveEntry.objects.exists()


def test_a_line_that_is_only_an_address_becomes_a_link(coverage, journalist):
    entry = coverage.post(
        'La préfecture en parle.\nhttps://www.moselle.gouv.fr/alertes?id=3&x=1\nhttps://mal.example/"><script>',
        journalist,
    )
    assert entry.body == (
        "<p>La préfecture en parle.</p>"
        '<p><a href="https://www.moselle.gouv.fr/alertes?id=3&amp;x=1">https://www.moselle.gouv.fr/alertes?id=3&amp;x=1</a></p>'
        '<p><a href="https://mal.example/&quot;&gt;&lt;script&gt;">https://mal.example/"&gt;&lt;script&gt;</a></p>'
    )
    assert "<script" not in entry.body_html


def test_a_line_that_is_only_the_address_of_a_video_or_a_post_becomes_its_embed(coverage, journalist):
    entry = coverage.post("La préfecture en vidéo :\nhttps://youtu.be/dQw4w9WgXcQ", journalist)

    assert entry.body == (
        "<p>La préfecture en vidéo :</p>"
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"><figcaption></figcaption></figure>'
    )
    assert 'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in entry.body_html
    assert '<a class="embed-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">' in entry.body_html


def test_what_the_article_body_refuses_is_refused(coverage, journalist):
    with pytest.raises(ValidationError) as refused:
        coverage.post('<p>Regardez</p><img src="https://ailleurs.example/photo.jpg">', journalist)
    assert "photothèque" in messages_of(refused.value)[0]
    with pytest.raises(ValidationError) as refused:
        coverage.post("[caption]Une légende[/caption]", journalist)
    assert "s’afficherait tel quel" in messages_of(refused.value)[0]


# Purges -----------------------------------------------------------------------------------------


def test_each_change_purges_the_live_and_the_article_page_once(coverage, journalist, editor, purged):
    tags = {live_tag(coverage.pk), page_tag(coverage.article_id)}

    entry = coverage.post("Première.", journalist)
    entry.correct("Première, corrigée.", journalist)
    entry.set_pinned(True, journalist)
    entry.set_key_moment(True, journalist)

    assert purged == [(tags, False)] * 4
    purged.clear()

    entry.withdraw(journalist)
    assert purged == [(tags, True)]  # at once: readers never see it again, not even while pages are rendered
    purged.clear()

    coverage.end(editor)
    assert purged == [(tags | {article_tag(coverage.article_id)}, False)]


def test_a_change_that_changes_nothing_purges_nothing(coverage, journalist, purged):
    entry = coverage.post("Première.", journalist)
    purged.clear()

    entry.correct("Première.", journalist)
    entry.set_pinned(False, journalist)

    assert purged == []


# The desk, through the admin --------------------------------------------------------------------


def desk_url(coverage, name="change", *args):
    return reverse(f"admin:live_livecoverage_{name}", args=[coverage.pk, *args])


JSON = {"HTTP_ACCEPT": "application/json"}


def test_the_article_page_offers_to_go_live_then_opens_the_desk(journalist_client, make_article):
    article = make_article(title="Derby : Metz reçoit Nancy")
    page = journalist_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    start = reverse("admin:live_livecoverage_start", args=[article.pk])
    assert f'href="{start}"' in page and "Passer cet article en direct" in page

    assert "devient un direct" in journalist_client.get(start).content.decode()
    response = journalist_client.post(start)

    coverage = LiveCoverage.objects.get(article=article)
    assert response.url == desk_url(coverage)
    desk = journalist_client.get(response.url)
    assert desk.status_code == 200 and "no-cache" in desk["Cache-Control"]
    assert "Texte de l’entrée" in desk.content.decode() and "Terminer le direct" not in desk.content.decode()
    page = journalist_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Ouvrir le direct" in page


def test_posting_without_javascript_redirects_back_to_the_desk(journalist_client, coverage):
    response = journalist_client.post(desk_url(coverage, "post"), {"body": "Alerte orange levée.", "key_moment": "on"})

    entry = LiveEntry.objects.get()
    assert response.status_code == 302 and response.url == desk_url(coverage) + f"#entree-{entry.pk}"
    assert entry.is_key_moment and not entry.is_pinned
    assert "Alerte orange levée." in journalist_client.get(response.url).content.decode()


def test_posting_with_javascript_answers_the_entry_for_the_list(journalist_client, coverage):
    answer = journalist_client.post(desk_url(coverage, "post"), {"body": "La D 955 est coupée."}, **JSON).json()

    assert answer["ok"] and "La D 955 est coupée." in answer["html"] and 'id="entree-' in answer["html"]


def test_a_refused_entry_keeps_the_text_and_says_why_next_to_the_field(journalist_client, coverage):
    typed = "[gallery ids=1,2]"
    response = journalist_client.post(desk_url(coverage, "post"), {"body": typed})

    page = response.content.decode()
    assert response.status_code == 400 and "s’afficherait tel quel" in page and typed in page
    assert not LiveEntry.objects.exists()
    answer = journalist_client.post(desk_url(coverage, "post"), {"body": "  "}, **JSON)
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["L’entrée est vide : écrivez son texte avant de la publier."]


def test_correcting_withdrawing_and_pinning_from_the_desk(journalist_client, coverage, journalist):
    entry = coverage.post("Deux blessés légers.", journalist)

    answer = journalist_client.post(desk_url(coverage, "correct", entry.pk), {"body": "Trois blessés légers."}, **JSON)
    assert answer.json()["ok"] and "modifié à" in answer.json()["html"]

    answer = journalist_client.post(desk_url(coverage, "flag", entry.pk, "epingler"), **JSON).json()
    assert "Désépingler" in answer["html"]

    # Without JavaScript, « Retirer » asks first.
    asked = journalist_client.post(desk_url(coverage, "withdraw", entry.pk))
    assert "Oui, retirer cette entrée" in asked.content.decode()
    entry.refresh_from_db()
    assert not entry.is_withdrawn

    answer = journalist_client.post(desk_url(coverage, "withdraw", entry.pk), {"confirme": "oui"}, **JSON).json()
    entry.refresh_from_db()
    assert entry.is_withdrawn and entry.is_pinned and "Retirée à" in answer["html"]
    assert "Trois blessés légers." in entry.body_html


def test_a_correction_left_empty_is_refused_and_the_entry_kept(journalist_client, coverage, journalist):
    entry = coverage.post("Texte juste.", journalist)

    response = journalist_client.post(desk_url(coverage, "correct", entry.pk), {"body": ""})

    assert response.status_code == 400 and "L’entrée est vide" in response.content.decode()
    entry.refresh_from_db()
    assert entry.body == "<p>Texte juste.</p>" and entry.edited_at is None


def test_only_an_editor_ends_the_live(journalist_client, client, coverage, editor):
    assert journalist_client.post(desk_url(coverage, "end")).status_code == 403
    client.force_login(editor)
    assert "Terminer le direct" in client.get(desk_url(coverage)).content.decode()

    client.post(desk_url(coverage, "end"))

    coverage.refresh_from_db()
    page = client.get(desk_url(coverage)).content.decode()
    assert not coverage.is_ongoing and "Ce direct est terminé" in page and "live-compose" not in page
    assert client.post(desk_url(coverage, "post"), {"body": "Encore une."}).status_code == 400
    assert not LiveEntry.objects.exists()


def test_the_desk_is_for_writers_only(client, moderator, coverage):
    client.force_login(moderator)
    assert client.get(desk_url(coverage)).status_code == 403
    assert client.post(desk_url(coverage, "post"), {"body": "Non."}).status_code == 403
    assert client.get(reverse("admin:live_livecoverage_start", args=[coverage.article_id])).status_code == 403


# The demo ---------------------------------------------------------------------------------------


def test_the_demo_has_an_ongoing_live_of_twenty_entries_once(db, settings):
    settings.DEBUG = True  # the demo's people sign the entries
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    coverage = LiveCoverage.objects.select_related("article").get()
    entries = coverage.entries.all()
    assert coverage.is_ongoing and coverage.article.is_visible
    assert coverage.article.title == "Orages en Moselle : suivez la situation en direct"
    assert entries.count() == 20 and all(entry.author and entry.body_html for entry in entries)
    assert entries.filter(is_pinned=True).count() + entries.filter(is_key_moment=True).count() >= 2
    assert entries.filter(edited_at__isnull=False).exists()


def test_the_list_of_lives_says_which_are_on_and_how_many_entries_readers_see(editor_client, coverage, journalist):
    coverage.post("Une.", journalist)
    coverage.post("Deux.", journalist).withdraw(journalist)

    page = editor_client.get(reverse("admin:live_livecoverage_changelist")).content.decode()

    assert "Orages en Moselle" in page and "En cours" in page
    assert '<td class="field-entry_count">1</td>' in page
    assert desk_url(coverage) in page
