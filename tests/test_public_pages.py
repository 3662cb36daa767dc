"""Reader pages: every one answers, in French, with accessible markup and no empty label."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(make_article, make_territory, make_personality, section):
    """A small region: Grand Est ⊃ Moselle ⊃ Metz, and the Sillon Lorrain grouping Metz and Nancy."""
    grand_est = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=grand_est, slug="moselle")
    sillon = make_territory("Sillon Lorrain", kind=Territory.Kind.GROUPING, parent=grand_est, slug="sillon-lorrain")
    metz = make_territory("Metz", parent=moselle, groupings=[sillon], slug="metz")
    nancy = make_territory("Nancy", groupings=[sillon], slug="nancy")
    minister = make_personality("Claire Vasseur", role="ministre de l’Économie", slug="claire-vasseur")
    article = make_article(
        "La FinTech s’installe à Metz",
        slug="fintech-metz",
        tags=["FinTech", "IoT"],
        territories=[metz],
        personalities=[minister],
        published_at=datetime(2016, 7, 25, 10, 30, tzinfo=ZoneInfo("Europe/Paris")),
    )
    return {
        "grand_est": grand_est,
        "moselle": moselle,
        "sillon": sillon,
        "metz": metz,
        "nancy": nancy,
        "minister": minister,
        "article": article,
        "section": section,
    }


def public_urls(newsroom):
    return {
        "home": reverse("articles:home"),
        "section": newsroom["section"].get_absolute_url(),
        "territory": newsroom["metz"].get_absolute_url(),
        "personality": newsroom["minister"].get_absolute_url(),
        "tag": reverse("articles:tag", args=["fintech"]),
        "article": newsroom["article"].get_absolute_url(),
    }


@pytest.mark.parametrize("page", ["home", "section", "territory", "personality", "tag", "article"])
def test_every_reader_page_answers_in_accessible_french(client, newsroom, page):
    response = client.get(public_urls(newsroom)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'class="skip-link" href="#contenu"' in html
    assert '<main id="contenu"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    assert html.count("<h1") == 1
    assert 'href="#haut">Retour en haut</a>' in html
    assert 'id="haut"' in html
    # No inline code (structured data is not code), scripts of this site's own files only (the article
    # page's body.js: galleries, embeds, the reading beacon), nothing from another host.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all(
        tag == '<script type="application/ld+json">' or re.fullmatch(r'<script src="/static/[^"]+"[^>]*>', tag)
        for tag in scripts
    ), scripts
    for url in re.findall(r'(?:src|href|srcset|content)="((?:https?:)?//[^"/]*)', html):
        assert url in {"http://testserver", "//testserver"}, url


def test_headings_never_skip_a_level(client, newsroom, make_article):
    make_article("À lire aussi", slug="a-lire", is_featured=True)
    for url in public_urls(newsroom).values():
        html = client.get(url).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1, url
        for previous, current in zip(levels, levels[1:], strict=False):
            assert current <= previous + 1, (url, levels)


@pytest.mark.parametrize(
    "url",
    [
        "/rubrique/inconnue/",
        "/territoire/atlantide/",
        "/personnalite/personne/",
        "/mot-cle/inexistant/",
        "/article/n-existe-pas/",
        "/page-inconnue/",
        "/rubrique/economie-emploi/?page=999",
        "/rubrique/economie-emploi/?page=abc",
    ],
)
def test_unknown_pages_answer_a_french_404(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<html lang="fr">' in html
    assert 'rel="canonical"' not in html  # an error page declares no address of its own to index


def test_tag_only_on_unpublished_articles_is_not_a_page(client, make_article):
    make_article(status=Article.Status.DRAFT, tags=["Secret"])
    assert client.get(reverse("articles:tag", args=["secret"])).status_code == 404


def test_article_page_shows_everything_readers_expect(client, newsroom, make_user, make_article):
    article = newsroom["article"]
    article.authors.add(make_user("anne", first_name="Anne", last_name="Martin"))
    article.authors.add(make_user("paul", first_name="Paul", last_name="Durand"))
    article.updated_at = article.published_at + timedelta(days=1, hours=2)
    article.save()
    earlier = make_article("Un article plus ancien", slug="plus-ancien")
    hidden = make_article("Brouillon lié", status=Article.Status.DRAFT)
    article.related_articles.add(earlier, hidden)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'href="{newsroom["section"].get_absolute_url()}">Économie &amp; emploi</a>' in html
    assert "<h1>La FinTech s’installe à Metz</h1>" in html
    byline = re.search(r'<span class="authors">(.*?)</span>', html, flags=re.S).group(1)
    assert re.sub(r"<[^>]+>", "", byline) == "Par Paul Durand et Anne Martin"
    assert byline.count('rel="author"') == 2
    assert "Publié le 25 juillet 2016 à 10\u00a0h\u00a030" in html
    assert "Mis à jour le 26 juillet 2016 à 12\u00a0h\u00a030" in html
    assert "<p>Premier paragraphe" in html and "<p>Deuxième paragraphe.</p>" in html
    assert f'href="{newsroom["metz"].get_absolute_url()}">Metz</a>' in html
    assert f'href="{newsroom["minister"].get_absolute_url()}">Claire Vasseur</a>' in html
    assert f'href="{reverse("articles:tag", args=["fintech"])}">FinTech</a>' in html
    assert "À lire aussi" in html and "Un article plus ancien" in html
    assert "Brouillon lié" not in html


def test_first_of_the_month_is_written_1er(client, make_article):
    article = make_article(published_at=datetime(2026, 7, 1, 9, 5, tzinfo=ZoneInfo("Europe/Paris")))
    assert "Publié le 1er juillet 2026 à 9\u00a0h\u00a005" in client.get(article.get_absolute_url()).content.decode()


def test_update_date_is_hidden_when_not_after_publication(client, make_article):
    article = make_article()
    article.updated_at = article.published_at - timedelta(minutes=5)
    article.save()
    assert "Mis à jour" not in client.get(article.get_absolute_url()).content.decode()


def test_article_without_topics_prints_no_empty_label(client, make_article):
    article = make_article("Sans étiquette")
    html = client.get(article.get_absolute_url()).content.decode()
    for label in ["Territoires", "Personnalités", "Mots-clés", "À lire aussi", "Par "]:
        assert label not in html
    assert "<dl" not in html and "<dt" not in html


@pytest.mark.parametrize("present", ["territories", "personalities", "tags"])
def test_each_label_appears_only_with_its_links(client, make_article, make_territory, make_personality, present):
    kwargs = {
        "territories": {"territories": [make_territory("Thionville", slug="thionville")]},
        "personalities": {"personalities": [make_personality("Marc Henry", slug="marc-henry")]},
        "tags": {"tags": ["IoT"]},
    }[present]
    html = client.get(make_article(**kwargs).get_absolute_url()).content.decode()
    labels = {"territories": "Territoires", "personalities": "Personnalités", "tags": "Mots-clés"}
    for key, label in labels.items():
        assert (f"<dt>{label}</dt>" in html) is (key == present)
    # Every <dd> holds at least one link: a label is never followed by nothing.
    for definition in re.findall(r"<dd>(.*?)</dd>", html, flags=re.S):
        assert "<a href=" in definition


def test_territory_page_lists_articles_about_places_inside(client, newsroom, make_article):
    about_nancy = make_article("Nancy accueille un salon", territories=[newsroom["nancy"]])
    about_moselle = make_article("La Moselle investit", territories=[newsroom["moselle"]])
    about_both = make_article("Metz et la Moselle", territories=[newsroom["metz"], newsroom["moselle"]])
    elsewhere = make_article("Ailleurs en France")

    def titles(territory):
        html = client.get(territory.get_absolute_url()).content.decode()
        return {
            a.title for a in [newsroom["article"], about_nancy, about_moselle, about_both, elsewhere] if a.title in html
        }

    assert titles(newsroom["metz"]) == {newsroom["article"].title, about_both.title}
    assert titles(newsroom["moselle"]) == {newsroom["article"].title, about_moselle.title, about_both.title}
    assert titles(newsroom["sillon"]) == {newsroom["article"].title, about_nancy.title, about_both.title}
    assert titles(newsroom["grand_est"]) == {
        newsroom["article"].title,
        about_nancy.title,
        about_moselle.title,
        about_both.title,
    }
    # An article tagged with a place and its container is listed once.
    html = client.get(newsroom["grand_est"].get_absolute_url()).content.decode()
    assert html.count("Metz et la Moselle</a>") == 1


def test_territory_page_links_places_inside_and_its_parent(client, newsroom):
    html = client.get(newsroom["sillon"].get_absolute_url()).content.decode()
    assert f'href="{newsroom["metz"].get_absolute_url()}">Metz</a>' in html
    assert f'href="{newsroom["nancy"].get_absolute_url()}">Nancy</a>' in html
    assert f'href="{newsroom["grand_est"].get_absolute_url()}">Grand Est</a>' in html


def test_moving_a_place_moves_its_articles(client, newsroom, make_territory):
    vosges = make_territory("Vosges", kind=Territory.Kind.DEPARTEMENT, slug="vosges")
    metz = newsroom["metz"]
    metz.parent = vosges
    metz.save()
    assert newsroom["article"].title in client.get(vosges.get_absolute_url()).content.decode()
    assert newsroom["article"].title not in client.get(newsroom["moselle"].get_absolute_url()).content.decode()
    metz.groupings.clear()
    assert newsroom["article"].title not in client.get(newsroom["sillon"].get_absolute_url()).content.decode()


def test_lists_are_paginated_newest_first(client, make_article, section, settings):
    now = timezone.now()
    for days in range(settings.ARTICLES_PER_PAGE + 3):
        make_article(f"Épisode {days:02d}", published_at=now - timedelta(days=days + 1))
    first = client.get(section.get_absolute_url()).content.decode()
    second = client.get(section.get_absolute_url() + "?page=2").content.decode()
    assert first.index("Épisode 00") < first.index("Épisode 01")
    assert "Épisode 00" not in second and f"Épisode {settings.ARTICLES_PER_PAGE + 2:02d}" in second
    assert 'rel="next" href="?page=2"' in first
    assert "Page 2 sur 2" in second


def test_home_shows_featured_then_latest_per_section(client, make_article, make_section, settings):
    sport = make_section("Sport", slug="sport", menu_position=5)
    now = timezone.now()
    make_article("Grand titre du jour", is_featured=True)
    for number in range(settings.HOME_ARTICLES_PER_SECTION + 2):
        make_article(f"Match {number}", section=sport, published_at=now - timedelta(hours=number + 2))
    html = client.get(reverse("articles:home")).content.decode()
    assert html.index("À la une") < html.index("Grand titre du jour") < html.index(">Sport</a></h2>")
    shown = [number for number in range(settings.HOME_ARTICLES_PER_SECTION + 2) if f"Match {number}<" in html]
    assert shown == list(range(settings.HOME_ARTICLES_PER_SECTION))
    # The featured article is not repeated in its section's block.
    assert html.count("Grand titre du jour</a>") == 1


def test_menu_follows_section_changes(client, make_section):
    culture = make_section("Culture", slug="culture")
    assert ">Culture</a>" in client.get(reverse("articles:home")).content.decode()
    culture.name = "Culture & loisirs"
    culture.save()
    assert ">Culture &amp; loisirs</a>" in client.get(reverse("articles:home")).content.decode()


def test_text_typed_by_journalists_is_escaped(client, make_article):
    article = make_article("<script>alert(1)</script> titre", body="<img src=x onerror=alert(1)>\n\nSuite.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_french_double_punctuation_never_starts_a_line(client, make_article):
    article = make_article("Emploi : « un modèle lorrain » ?", body="Il a dit : « Bravo ! »")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Emploi\u202f: «\u202fun modèle lorrain\u202f»\u202f?</h1>" in html
    assert "Il a dit\u202f: «\u202fBravo\u202f!\u202f»" in html


def test_article_page_weight_and_requests_before_images(client, make_article):
    """Our promise: HTML + CSS + JS under 50 KB, in at most 5 requests, nothing from another host."""
    from django.contrib.staticfiles import finders

    article = make_article(body="\n\n".join(["Un paragraphe de taille réaliste. " * 12] * 12))
    html = client.get(article.get_absolute_url()).content.decode()
    assets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="/static/([^"]+)"', html)
    weight = len(html.encode()) + sum(Path(finders.find(asset)).stat().st_size for asset in assets)
    assert 1 + len(assets) <= 5
    assert weight < 50_000


def test_every_page_has_an_icon_and_favicon_ico_leads_to_it(client, newsroom):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert finders.find(icon.removeprefix(settings.STATIC_URL))
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon
