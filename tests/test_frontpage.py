"""The front page the editors compose: the order readers see, scheduling, the page cache and « Composer la une »."""

import io
import re
import shutil
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import page_cache_setup
import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pagecache
from articles import demo_frontpage, frontpage
from articles.models import Article, FrontPageComposition

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
COMPOSE = reverse("admin:articles_frontpagecomposition_changelist")
PREVIEW = reverse("admin:articles_frontpagecomposition_preview")
SEARCH = reverse("admin:articles_frontpagecomposition_search")


def top_titles(html: str) -> list[str]:
    """The titles at the top of the front page (« À la une »), in order."""
    if '<section class="featured"' not in html:
        return []
    top = html.split('<section class="featured"', 1)[1].split("</section>", 1)[0]
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', top)
    # As readers see them, without the typography's no-break spaces (french_spacing).
    return [unescape(title).replace("\u202f", " ").replace("\xa0", " ") for title in titles]


def section_titles(html: str) -> list[str]:
    below = html.split('<section class="section-block"', 1)[1] if '<section class="section-block"' in html else ""
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', below)


@pytest.fixture
def stories(make_article):
    """Eight published articles, Une 0 the newest."""
    now = timezone.now()
    return [make_article(f"Une {i}", published_at=now - timedelta(hours=i + 1)) for i in range(8)]


def compose(articles, **kwargs):
    return FrontPageComposition.objects.compose(articles, **kwargs)


# What readers see -------------------------------------------------------------------------------------


def test_the_composition_in_force_leads_in_the_editors_order(client, stories, settings):
    settings.FRONT_PAGE_SLOTS = 3
    compose([stories[5], stories[2], stories[7]])
    html = client.get("/").content.decode()
    assert top_titles(html) == ["Une 5", "Une 2", "Une 7"]
    assert "Une 5" not in section_titles(html)  # shown once, at the top


def test_the_latest_composition_whose_time_has_come_is_in_force(stories):
    now = timezone.now()
    older = compose([stories[0]], takes_effect_at=now - timedelta(hours=2))
    newer = compose([stories[1]], takes_effect_at=now - timedelta(hours=1))
    compose([stories[2]], takes_effect_at=now + timedelta(hours=1))
    assert list(FrontPageComposition.objects.in_force()) == [newer, older]
    assert FrontPageComposition.objects.in_force().first() == newer
    assert [c.is_scheduled for c in FrontPageComposition.objects.all()] == [True, False, False]


@pytest.mark.parametrize("gone", ["unpublished", "scheduled", "deleted", "draft"])
def test_an_article_readers_cannot_see_leaves_no_hole(client, stories, editor, settings, gone):
    settings.FRONT_PAGE_SLOTS = 4
    compose(stories[:4])
    article = stories[1]
    if gone == "unpublished":
        article.unpublish(by=editor)
    elif gone == "scheduled":
        Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(days=1))
    elif gone == "deleted":
        article.delete()
    else:
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    # The next ones move up; the top is filled from the latest (no « À la une » article here).
    assert top_titles(html) == ["Une 0", "Une 2", "Une 3", "Une 4"]
    assert "Une 1" not in html


def test_a_short_top_is_filled_with_featured_articles_first(client, stories, make_article, settings):
    settings.FRONT_PAGE_SLOTS = 4
    featured = make_article("Mise en avant", is_featured=True, published_at=timezone.now() - timedelta(days=3))
    compose([stories[6], stories[7]])
    assert top_titles(client.get("/").content.decode()) == ["Une 6", "Une 7", featured.title, "Une 0"]


def test_with_nothing_composed_the_top_is_the_featured_articles_as_before(client, stories, make_article):
    featured = [make_article(f"Vedette {i}", is_featured=True) for i in range(6)]
    assert len(top_titles(client.get("/").content.decode())) == 5
    assert set(top_titles(client.get("/").content.decode())) <= {article.title for article in featured}


def test_an_empty_composition_gives_the_top_back_to_the_featured_articles(client, stories, make_article):
    compose([stories[3]], takes_effect_at=timezone.now() - timedelta(hours=1))
    make_article("Vedette", is_featured=True)
    compose([])
    assert top_titles(client.get("/").content.decode()) == ["Vedette"]


def test_a_scheduled_composition_takes_effect_at_its_time(client, stories, settings, time_machine):
    settings.FRONT_PAGE_SLOTS = 2
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    compose([stories[0], stories[1]])
    compose([stories[4], stories[3]], takes_effect_at=now + timedelta(hours=6))
    assert top_titles(client.get("/").content.decode()) == ["Une 0", "Une 1"]
    time_machine.move_to(now + timedelta(hours=6, seconds=1), tick=False)
    assert top_titles(client.get("/").content.decode()) == ["Une 4", "Une 3"]


# Query budget -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 60])
def test_a_composed_top_costs_one_query_more_at_most(
    client, make_article, make_section, settings, size, django_assert_num_queries
):
    settings.FRONT_PAGE_SLOTS = 7
    sections = [make_section(f"Rubrique {i}", slug=f"rubrique-{i}", menu_position=i) for i in range(5)]
    now = timezone.now()
    articles = [
        make_article(f"Autre {i:02d}", section=sections[i % 5], published_at=now - timedelta(hours=i + 1))
        for i in range(size)
    ]
    compose(articles[-7:])
    client.get("/")  # warm the menu cache, as on any running site
    # The composition's articles by their slots, then the sections' latest: a full top needs no filling.
    with django_assert_num_queries(2):
        assert len(top_titles(client.get("/").content.decode())) == 7
    Article.objects.filter(pk=articles[-1].pk).update(status=Article.Status.DRAFT)
    with django_assert_num_queries(3):  # one short: « À la une » asked to fill it
        assert len(top_titles(client.get("/").content.decode())) == 7


def test_the_slots_query_reads_articles_by_primary_key(stories, django_assert_num_queries):
    """At 100,000 articles: from the composition's slots to their articles, joined by key, never a scan."""
    compose(stories[:3])
    with django_assert_num_queries(1) as queries:
        frontpage.composed_articles(Article.objects.published().for_listing())
    sql = queries.captured_queries[0]["sql"]
    assert "articles_frontpageslot" in sql and "ORDER BY" in sql
    assert "LIMIT" in sql  # never more than the top's places


# The page cache ---------------------------------------------------------------------------------------


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, pages kept a day (the tests travel hours ahead)."""
    page_cache_setup.turn_on(settings, tmp_path, seconds=24 * 3600)
    yield
    cache.clear()


def test_saving_a_composition_purges_the_front_page_tag_only(page_cache, stories, monkeypatch):
    reader = Client()
    article_url = stories[0].get_absolute_url()
    for url in ("/", article_url, "/", article_url):
        reader.get(url)
    assert reader.get("/")["X-Cache"] == "HIT"
    purged = []
    real_purge = pagecache.purge
    monkeypatch.setattr(pagecache, "purge", lambda *tags, **kw: (purged.append(tags), real_purge(*tags, **kw)))
    compose([stories[4], stories[0]])
    assert purged == [(frontpage.FRONT_PAGE_TAG,)]
    response = reader.get("/")
    assert response["X-Cache"] != "HIT"
    assert top_titles(response.content.decode())[:2] == ["Une 4", "Une 0"]
    assert reader.get(article_url)["X-Cache"] == "HIT"  # the cache was not emptied
    assert "frontpage" in reader.get("/")["Cache-Tag"].split(",")


def test_a_cached_front_page_changes_at_the_scheduled_time_without_any_write(page_cache, stories, settings):
    settings.FRONT_PAGE_SLOTS = 2
    reader = Client()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        compose([stories[0], stories[1]])
        compose([stories[6], stories[7]], takes_effect_at=now + timedelta(hours=6))
        reader.get("/")
        assert reader.get("/")["X-Cache"] == "HIT"
    with time_machine.travel(now + timedelta(hours=5, minutes=59), tick=False):
        response = reader.get("/")
        assert response["X-Cache"] == "HIT"
        assert top_titles(response.content.decode()) == ["Une 0", "Une 1"]
    with time_machine.travel(now + timedelta(hours=6, seconds=1), tick=False):
        response = reader.get("/")
        assert response["X-Cache"] != "HIT"
        assert top_titles(response.content.decode()) == ["Une 6", "Une 7"]


def test_a_front_page_cached_before_a_composition_was_scheduled_learns_its_time(page_cache, stories):
    reader = Client()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        reader.get("/")
        assert reader.get("/")["X-Cache"] == "HIT"
        compose([stories[7]], takes_effect_at=now + timedelta(hours=1))  # purges: stored again with its time
        reader.get("/")
        assert reader.get("/")["X-Cache"] == "HIT"
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert top_titles(reader.get("/").content.decode())[0] == "Une 7"


def test_unpublishing_an_article_in_a_slot_takes_it_off_the_cached_front_page(page_cache, stories, editor):
    reader = Client()
    compose([stories[3], stories[0]])
    reader.get("/")
    assert top_titles(reader.get("/").content.decode())[0] == "Une 3"
    stories[3].unpublish(by=editor)
    response = reader.get("/")
    assert response["X-Cache"] != "STALE"
    assert "Une 3" not in response.content.decode()


# « Composer la une » --------------------------------------------------------------------------------


def slot_fields(articles, positions=None) -> dict:
    data = {"article": [str(article.pk) for article in articles]}
    for number, article in enumerate(articles, start=1):
        data[f"position_{article.pk}"] = str(positions[number - 1] if positions else number)
    return data


def listed(html: str) -> list[str]:
    order = html.split('id="frontpage-slots"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'class="frontpage-slot-title">([^<]+)<', order)


def test_only_editors_compose_the_front_page(client, journalist, editor, stories):
    assert client.get(COMPOSE).status_code == 302  # to the login page
    client.force_login(journalist)
    assert client.get(COMPOSE).status_code == 403
    assert client.get(SEARCH, {"q": "Une"}).status_code == 403
    assert client.post(PREVIEW, slot_fields(stories[:2])).status_code == 403
    assert client.post(COMPOSE, {**slot_fields(stories[:2]), "_save": "1"}).status_code == 403
    assert not FrontPageComposition.objects.exists()
    assert "Composer la une" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(editor)
    response = client.get(COMPOSE)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert (
        reverse("admin:articles_frontpagecomposition_changelist") in client.get(reverse("admin:index")).content.decode()
    )


def test_the_page_starts_from_the_composition_in_force(editor_client, stories, editor):
    stories[2].unpublish(by=editor)
    compose([stories[1], stories[2], stories[0]])
    html = editor_client.get(COMPOSE).content.decode()
    assert listed(html) == ["Une 1", "Une 2", "Une 0"]
    assert "dépublié : les lecteurs ne le voient pas" in html


def test_an_editor_saves_an_order_for_now(editor_client, editor, stories, client):
    data = {**slot_fields([stories[0], stories[4], stories[2]], positions=[3, 1, 2]), "_save": "1"}
    response = editor_client.post(COMPOSE, data, follow=True)
    assert "La une est enregistrée" in response.content.decode()
    saved = FrontPageComposition.objects.get()
    assert [slot.article for slot in saved.slots.all()] == [stories[4], stories[2], stories[0]]
    assert saved.created_by == editor and not saved.is_scheduled
    assert top_titles(Client().get("/").content.decode())[:3] == ["Une 4", "Une 2", "Une 0"]


def test_without_javascript_the_buttons_move_remove_and_add(editor_client, stories):
    order = [stories[0], stories[1], stories[2]]
    response = editor_client.post(COMPOSE, {**slot_fields(order), "_move": f"up:{stories[2].pk}"})
    html = response.content.decode()
    assert listed(html) == ["Une 0", "Une 2", "Une 1"]
    assert "« Une 2 » placé en position 2" in html
    assert re.search(rf'value="up:{stories[2].pk}" data-action="up" autofocus', html)  # the focus kept
    html = editor_client.post(COMPOSE, {**slot_fields(order), "_remove": str(stories[1].pk)}).content.decode()
    assert listed(html) == ["Une 0", "Une 2"] and "« Une 1 » retiré de la une" in html
    html = editor_client.post(COMPOSE, {**slot_fields(order), "q": "Une 6", "_search": "1"}).content.decode()
    assert f'name="_add" value="{stories[6].pk}"' in html
    html = editor_client.post(COMPOSE, {**slot_fields(order), "_add": str(stories[6].pk)}).content.decode()
    assert listed(html) == ["Une 0", "Une 1", "Une 2", "Une 6"] and "« Une 6 » ajouté en position 4" in html
    assert not FrontPageComposition.objects.exists()  # nothing saved until « Enregistrer »


def test_the_top_holds_no_more_than_its_places(editor_client, stories, settings):
    settings.FRONT_PAGE_SLOTS = 2
    html = editor_client.post(COMPOSE, {**slot_fields(stories[:2]), "_add": str(stories[5].pk)}).content.decode()
    assert listed(html) == ["Une 0", "Une 1"]
    assert "La une est complète (2 articles)" in html


def test_a_schedule_in_paris_time(editor_client, stories, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 20, 0, tzinfo=PARIS), tick=False)
    data = {
        **slot_fields([stories[3]]),
        "takes_effect_at_0": "08/12/2026",
        "takes_effect_at_1": "06:00",
        "_schedule": "1",
    }
    html = editor_client.post(COMPOSE, data, follow=True).content.decode()
    planned = FrontPageComposition.objects.get()
    assert planned.takes_effect_at == datetime(2026, 12, 8, 6, 0, tzinfo=PARIS)
    assert "Une programmée : elle paraîtra le 8 décembre 2026 à 6" in html
    assert "Unes programmées" in html and "Une 3" in html.split("Unes programmées", 1)[1]


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        ("07/12/2026", "19:59", "Cette date est passée : choisissez une date et une heure à venir"),
        ("", "", "Indiquez la date et l’heure auxquelles cette une doit paraître."),
        ("32/12/2026", "06:00", "Saisissez une date valide."),
    ],
)
def test_a_bad_schedule_is_refused_in_french_beside_the_field(
    editor_client, stories, time_machine, date, time, message
):
    time_machine.move_to(datetime(2026, 12, 7, 20, 0, tzinfo=PARIS), tick=False)
    order = [stories[2], stories[0]]
    data = {**slot_fields(order), "takes_effect_at_0": date, "takes_effect_at_1": time, "_schedule": "1"}
    response = editor_client.post(COMPOSE, data)
    assert response.status_code == 200
    html = response.content.decode()
    when = html.split('class="frontpage-when', 1)[1].split("</fieldset>", 1)[0]
    assert message in when.replace("&#x27;", "’")
    assert f'value="{date}"' in when  # what was typed is kept
    assert listed(html) == ["Une 2", "Une 0"]
    assert not FrontPageComposition.objects.exists()


def test_a_position_that_is_not_a_number_is_refused_beside_it(editor_client, stories):
    data = {**slot_fields(stories[:2]), f"position_{stories[1].pk}": "deux", "_save": "1"}
    html = editor_client.post(COMPOSE, data).content.decode()
    assert "Indiquez la position par un nombre entier" in html
    assert 'value="deux"' in html
    assert not FrontPageComposition.objects.exists()


def test_a_scheduled_composition_can_be_cancelled_not_a_past_one(editor_client, stories):
    planned = compose([stories[1]], takes_effect_at=timezone.now() + timedelta(hours=3))
    past = compose([stories[0]], takes_effect_at=timezone.now() - timedelta(hours=3))
    cancel = reverse("admin:articles_frontpagecomposition_cancel", args=[planned.pk])
    assert editor_client.get(cancel).status_code == 405
    html = editor_client.post(cancel, follow=True).content.decode()
    assert "est annulée" in html and "Aucune une programmée." in html
    assert not FrontPageComposition.objects.filter(pk=planned.pk).exists()
    editor_client.post(reverse("admin:articles_frontpagecomposition_cancel", args=[past.pk]))
    assert FrontPageComposition.objects.filter(pk=past.pk).exists()


def test_the_preview_shows_the_order_being_composed_never_cached(editor_client, stories, settings):
    settings.FRONT_PAGE_SLOTS = 3
    compose([stories[0], stories[1], stories[2]])
    response = editor_client.post(PREVIEW, slot_fields([stories[7], stories[6]]))
    html = response.content.decode()
    assert top_titles(html) == ["Une 7", "Une 6", "Une 0"]
    assert "no-cache" in response["Cache-Control"]
    assert 'name="robots" content="noindex, nofollow"' in html and "Aperçu" in html
    assert FrontPageComposition.objects.count() == 1  # nothing saved


def test_the_search_finds_published_and_scheduled_articles_by_title(editor_client, stories, make_article):
    make_article("Brouillon du derby", status=Article.Status.DRAFT)
    make_article("Derby programmé", published_at=timezone.now() + timedelta(days=1))
    make_article("Le derby lorrain")
    answer = editor_client.get(SEARCH, {"q": "derby"}).json()["results"]
    assert [found["title"] for found in answer] == ["Derby programmé", "Le derby lorrain"]
    assert answer[0]["note"].startswith("programmé le")
    assert editor_client.get(SEARCH, {"q": ""}).json() == {"results": []}


# The demo ----------------------------------------------------------------------------------------------


def test_the_demo_has_a_composed_front_page_loaded_once(client):
    call_command("load_demo", stdout=io.StringIO())
    composition = FrontPageComposition.objects.get()
    assert [slot.article.slug for slot in composition.slots.all()] == demo_frontpage.FRONT_PAGE
    lead = Article.objects.get(slug=demo_frontpage.FRONT_PAGE[0])
    assert top_titles(client.get("/").content.decode())[0] == lead.title
    call_command("load_demo", stdout=io.StringIO())
    assert FrontPageComposition.objects.count() == 1


# Valid HTML ----------------------------------------------------------------------------------------------


def test_the_composed_front_page_and_the_editors_pages_are_valid_html(client, editor, stories, tmp_path):
    from test_html_validity import VNU_JAR, nu_errors

    if not (shutil.which("java") and VNU_JAR.exists()):
        pytest.skip("Java and vnu-jar are not installed: scripts/ensure-packages.sh")
    compose([stories[2], stories[0]])
    compose([stories[1]], takes_effect_at=timezone.now() + timedelta(hours=2))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "home.html").write_bytes(client.get("/").content)
    client.force_login(editor)
    (folder / "compose.html").write_bytes(client.get(COMPOSE).content)
    refused = client.post(COMPOSE, {**slot_fields(stories[:2]), "takes_effect_at_0": "01/01/2020", "_schedule": "1"})
    (folder / "compose-in-error.html").write_bytes(refused.content)
    (folder / "preview.html").write_bytes(client.post(PREVIEW, slot_fields(stories[3:5])).content)
    assert nu_errors(folder) == {}


def test_a_date_typed_then_save_now_is_asked_about_not_guessed(editor_client, stories, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 20, 0, tzinfo=PARIS), tick=False)
    data = {**slot_fields(stories[:1]), "takes_effect_at_0": "08/12/2026", "takes_effect_at_1": "06:00", "_save": "1"}
    html = editor_client.post(COMPOSE, data).content.decode()
    assert "choisissez « Programmer à cette date »" in html.replace("&#x27;", "’")
    assert not FrontPageComposition.objects.exists()


def test_more_articles_than_places_are_refused_on_save(editor_client, stories, settings):
    settings.FRONT_PAGE_SLOTS = 2
    html = editor_client.post(COMPOSE, {**slot_fields(stories[:3]), "_save": "1"}).content.decode()
    assert "La une compte 2 places : retirez des articles avant d’enregistrer." in html
    assert listed(html) == ["Une 0", "Une 1", "Une 2"]
    assert not FrontPageComposition.objects.exists()


def test_a_date_being_typed_is_kept_not_judged_while_the_list_is_arranged(editor_client, stories):
    data = {**slot_fields(stories[:2]), "takes_effect_at_0": "08/12/20", "_move": f"down:{stories[0].pk}"}
    html = editor_client.post(COMPOSE, data).content.decode()
    assert listed(html) == ["Une 1", "Une 0"]
    assert 'value="08/12/20"' in html and "errorlist" not in html.split('class="frontpage-when', 1)[1]
