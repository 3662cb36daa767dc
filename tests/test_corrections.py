"""Rectificatifs and updates: editors add them to a published article, readers and search engines see them."""

import json
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from zoneinfo import ZoneInfo

import feedparser
import pytest
from admin_pages import article_change_data, change_url, form_errors, inline_management
from budgets import ARTICLE_PAGE_QUERIES
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# When the editor writes the rectificatif, in the tests that look at its date.
NOON = datetime(2026, 11, 30, 10, 42, tzinfo=PARIS)
WRONG_DATE = "Contrairement à ce que nous écrivions, le conseil municipal a voté le 12 novembre, et non le 14."


def with_new_corrections(article, *notes, **overrides):
    """The article's change form as saved with these new notes, (kind, text) pairs, typed in its inline."""
    data = article_change_data(article, **overrides)
    data.update(inline_management("corrections", total=len(notes)))
    for index, (kind, text) in enumerate(notes):
        data[f"corrections-{index}-kind"] = kind
        data[f"corrections-{index}-text"] = text
    return data


def jsonld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def corrections_box(html: str) -> str:
    match = re.search(r'<section class="corrections".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def article(make_article, time_machine):
    """A published article, first published at 8 h 15 on the morning its rectificatif is written."""
    time_machine.move_to(NOON.replace(hour=8, minute=15), tick=False)
    published = make_article("Metz : le budget voté", slug="budget-metz")
    time_machine.move_to(NOON, tick=False)
    return published


# Editors add them; readers and search engines see them --------------------------------------------


def test_editor_adds_a_rectificatif_through_the_admin_and_readers_see_it(editor_client, editor, article):
    response = editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))

    assert response.status_code == 302, form_errors(response)
    (correction,) = article.corrections.all()
    assert (correction.kind, correction.text, correction.created_by) == ("correction", WRONG_DATE, editor)
    assert correction.published_at == NOON
    html = Client().get(article.get_absolute_url()).content.decode()
    box = corrections_box(html)
    assert 'aria-label="Rectificatif"' in box
    assert (
        f'<h2>Rectificatif du <time datetime="{NOON.isoformat()}">30 novembre 2026 à 10\u00a0h\u00a042</time></h2>'
    ) in box
    assert "Contrairement à ce que nous écrivions" in unescape(box)
    # The byline says so too, with the same date.
    assert "Mis à jour le 30 novembre 2026 à 10\u00a0h\u00a042</time>" in html


def test_structured_data_declares_the_rectificatif_and_dates_the_modification(editor_client, article):
    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))

    data = jsonld(Client().get(article.get_absolute_url()).content.decode())

    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == NOON.astimezone(timezone.UTC).isoformat()
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": WRONG_DATE, "datePublished": NOON.astimezone(timezone.UTC).isoformat()}
    ]


def test_feed_item_carries_the_updated_date_and_keeps_its_publication_date(editor_client, article):
    feed_url = reverse("articles:feed")
    before = Client().get(feed_url)
    assert b"atom:updated" not in before.content

    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))

    response = Client().get(feed_url)
    (entry,) = feedparser.parse(response.content).entries
    assert parsedate_to_datetime(entry.published) == article.published_at.replace(microsecond=0)
    assert datetime.fromisoformat(entry.updated) == NOON
    # Feed readers and caches learn that the feed changed.
    assert parsedate_to_datetime(response["Last-Modified"]) == NOON.replace(microsecond=0)
    assert parsedate_to_datetime(before["Last-Modified"]) < parsedate_to_datetime(response["Last-Modified"])


def test_sitemap_lastmod_follows_a_rectificatif_written_on_a_later_day(editor_client, article, time_machine):
    sitemap = reverse("django.contrib.sitemaps.views.sitemap", args=["articles"])
    assert "<lastmod>2026-11-30</lastmod>" in Client().get(sitemap).content.decode()
    time_machine.move_to(NOON + timedelta(days=1), tick=False)

    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))

    assert "<lastmod>2026-12-01</lastmod>" in Client().get(sitemap).content.decode()


def test_an_update_dates_the_page_but_is_no_correction_for_search_engines(editor_client, article, make_article):
    editor_client.post(
        change_url(article), with_new_corrections(article, ("update", "Le préfet a validé le budget ce matin."))
    )

    html = Client().get(article.get_absolute_url()).content.decode()

    assert 'aria-label="Mise à jour"' in corrections_box(html)
    assert "<h2>Mise à jour du " in corrections_box(html)
    data = jsonld(html)
    assert "correction" not in data
    assert data["dateModified"] == NOON.astimezone(timezone.UTC).isoformat()


def test_several_notes_are_shown_oldest_first_under_one_box(editor_client, article, time_machine):
    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))
    time_machine.move_to(NOON + timedelta(days=1, hours=-2, minutes=-37), tick=False)
    article.refresh_from_db()
    editor_client.post(change_url(article), with_new_corrections(article, ("update", "Le préfet a validé le budget.")))

    html = Client().get(article.get_absolute_url()).content.decode()

    box = corrections_box(html)
    assert 'aria-label="Rectificatifs et mises à jour"' in box
    titles = re.findall(r"<h2>(.*?) <time[^>]*>(.*?)</time></h2>", box)
    assert titles == [
        ("Rectificatif du", "30 novembre 2026 à 10\u00a0h\u00a042"),
        ("Mise à jour du", "1er décembre 2026 à 8\u00a0h\u00a005"),
    ]
    assert "Mis à jour le 1er décembre 2026 à 8\u00a0h\u00a005</time>" in html
    data = jsonld(html)
    assert [note["text"] for note in data["correction"]] == [WRONG_DATE]
    assert data["dateModified"] == datetime(2026, 12, 1, 8, 5, tzinfo=PARIS).astimezone(timezone.UTC).isoformat()


def test_an_article_without_notes_shows_no_box(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert 'class="corrections"' not in html
    assert "Rectificatif" not in html
    assert "Mis à jour" not in html
    assert "correction" not in jsonld(html)


def test_a_later_update_mark_by_the_editor_stays_the_date(article, editor):
    """A note never moves the article's « Mis à jour le … » back in time."""
    later = NOON + timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(updated_at=later)
    article.refresh_from_db()

    Correction.objects.create(article=article, text=WRONG_DATE, created_by=editor)

    article.refresh_from_db()
    assert article.updated_at == later


# Who may add them, and to what ---------------------------------------------------------------------


def test_journalist_sees_the_notes_but_cannot_add_one_by_a_forged_post(journalist_client, article, editor):
    Correction.objects.create(article=article, text=WRONG_DATE, created_by=editor)
    form = journalist_client.get(change_url(article)).content.decode()
    assert "Contrairement à ce que nous écrivions" in unescape(form)
    assert 'name="corrections-0-text"' not in form  # shown, not editable

    response = journalist_client.post(
        change_url(article), with_new_corrections(article, ("correction", "Un rectificatif glissé par un journaliste."))
    )

    assert response.status_code == 302, form_errors(response)
    assert list(article.corrections.values_list("text", flat=True)) == [WRONG_DATE]


def test_editor_sees_the_form_to_add_one(editor_client, article):
    form = editor_client.get(change_url(article)).content.decode()

    assert 'name="corrections-__prefix__-text"' in form
    assert "Rectificatifs et mises à jour" in form


@pytest.mark.parametrize(
    "state",
    [{"status": Article.Status.DRAFT, "published_at": None}, {"published_at": NOON + timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_an_article_readers_have_not_read_refuses_one_in_french(editor_client, make_article, time_machine, state):
    # « Scheduled » is relative to now: pinned at NOON, the article's date is always a day to come.
    time_machine.move_to(NOON, tick=False)
    article = make_article("Pas encore lu", **state)
    note = "Le conseil a voté le 12 novembre."

    response = editor_client.post(change_url(article), with_new_corrections(article, ("correction", note)))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "ne s’ajoute qu’à un article publié" in html
    assert "corrigez directement son texte" in html
    assert note in html  # what the editor typed is still in the form
    assert not Correction.objects.exists()


def test_a_new_article_form_shows_no_notes(editor_client, journalist, article):
    new_article_form = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    # A journalist has nothing to read on an article without notes.
    journalist_client = Client()
    journalist_client.force_login(journalist)
    journalist_form = journalist_client.get(change_url(article)).content.decode()

    for form in (new_article_form, journalist_form):
        assert 'id="corrections-group"' not in form
        assert 'name="corrections-TOTAL_FORMS"' in form  # the formset's count, which the form sends back


# Caches follow ------------------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def test_adding_editing_and_withdrawing_a_note_purges_the_page_the_feed_and_the_sitemap(
    page_cache, editor_client, article
):
    reader = Client()
    urls = [
        article.get_absolute_url(),
        reverse("articles:feed"),
        reverse("articles:section_feed", args=[article.section.slug]),
    ]
    urls.append(reverse("django.contrib.sitemaps.views.sitemap", args=["articles"]))

    def cached():
        return [reader.head(url).get("X-Cache") == "HIT" for url in urls]

    for url in urls:
        reader.get(url)
    assert cached() == [True] * len(urls)

    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))
    assert cached() == [False] * len(urls)
    assert "Contrairement à ce que nous écrivions" in unescape(reader.get(urls[0]).content.decode())
    assert b"<atom:updated>" in reader.get(urls[1]).content
    for url in urls[1:]:
        reader.get(url)

    correction = article.corrections.get()
    editor_client.post(
        reverse("admin:articles_correction_change", args=[correction.pk]),
        {"kind": "correction", "text": "Le conseil municipal a voté le 12 novembre."},
    )
    assert "Le conseil municipal a voté le 12 novembre." in reader.get(urls[0]).content.decode()

    editor_client.post(reverse("admin:articles_correction_delete", args=[correction.pk]), {"post": "yes"})
    assert 'class="corrections"' not in reader.get(urls[0]).content.decode()


# The desk's list -------------------------------------------------------------------------------------


def test_editors_list_recent_notes_newest_first_with_their_article_and_author_by_name(
    editor_client, editor, article, make_article, time_machine
):
    editor.email = "redactrice@example.org"
    editor.save()
    editor_client.post(change_url(article), with_new_corrections(article, ("correction", WRONG_DATE)))
    other = make_article("Nancy : la gare rénovée", slug="gare-nancy")
    time_machine.move_to(NOON + timedelta(hours=1), tick=False)
    editor_client.post(change_url(other), with_new_corrections(other, ("update", "Les travaux sont terminés.")))

    page = editor_client.get(reverse("admin:articles_correction_changelist")).content.decode()

    assert reverse("admin:articles_correction_add") not in page  # added on the article's form
    html = page.split('id="result_list"')[1]
    assert html.index("Nancy : la gare rénovée") < html.index("Metz : le budget voté")
    assert f'href="{change_url(article)}"' in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert "Contrairement à ce que nous écrivions" in unescape(html)
    assert "Redactrice Durand" in html
    assert "redactrice@example.org" not in html
    filtered = editor_client.get(reverse("admin:articles_correction_changelist"), {"kind__exact": "update"})
    assert "Metz : le budget voté" not in filtered.content.decode()
    found = editor_client.get(reverse("admin:articles_correction_changelist"), {"q": "conseil municipal"})
    assert "Metz : le budget voté" in found.content.decode()
    assert "Nancy : la gare rénovée" not in found.content.decode()


# The page's queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 12])
def test_notes_cost_the_article_page_no_query(client, article, editor, count, django_assert_num_queries):
    for number in range(count):
        kind = Correction.Kind.CORRECTION if number % 2 else Correction.Kind.UPDATE
        Correction.objects.create(article=article, kind=kind, text=f"Note n° {number}.", created_by=editor)
    url = article.get_absolute_url()
    client.get(url)  # warm the menu cache, as on any running site

    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        html = client.get(url).content.decode()

    assert len(re.findall(r"<h2>(Rectificatif|Mise à jour) du", html)) == count
