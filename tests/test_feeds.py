"""RSS feeds as feed readers get them: valid, newest first, published articles only, with their picture."""

import html
from datetime import timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from factories import encoded, jpeg
from lxml import etree
from PIL import Image as Pillow

from articles.models import Article, Territory

pytestmark = pytest.mark.django_db

MEDIA_RSS = "http://search.yahoo.com/mrss/"
SITE_NAME = "Le Républicain du Sillon"


@pytest.fixture(autouse=True)
def _site_name(settings):
    settings.SITE_NAME = SITE_NAME


def read_feed(client, url):
    """The feed at this address, parsed as a feed reader does; it must be well-formed RSS."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    return feed


def titles(feed) -> list[str]:
    # Titles are HTML in RSS: what a reader displays is the unescaped text.
    return [html.unescape(entry.title) for entry in feed.entries]


# What appears, in which order ---------------------------------------------------------


def test_site_feed_lists_published_articles_newest_first(client, make_article):
    now = timezone.now()
    make_article("Avant-hier", published_at=now - timedelta(days=2))
    make_article("Ce matin", published_at=now - timedelta(hours=3))
    make_article("Hier", published_at=now - timedelta(days=1))
    make_article("Brouillon", status=Article.Status.DRAFT)
    make_article("En relecture", status=Article.Status.SUBMITTED)
    make_article("Programmé", published_at=now + timedelta(hours=1))
    make_article("Dépublié", status=Article.Status.UNPUBLISHED, published_at=now - timedelta(hours=2))

    feed = read_feed(client, reverse("articles:feed"))

    assert titles(feed) == ["Ce matin", "Hier", "Avant-hier"]
    assert feed.feed.title == SITE_NAME
    assert SITE_NAME in feed.feed.description
    assert feed.feed.language == "fr"
    assert feed.feed.link == "http://testserver/"


def test_scheduled_article_enters_the_feed_at_its_date(client, make_article, time_machine):
    make_article("Programmé", published_at=timezone.now() + timedelta(hours=1))
    assert titles(read_feed(client, reverse("articles:feed"))) == []

    time_machine.move_to(timezone.now() + timedelta(hours=2))

    assert titles(read_feed(client, reverse("articles:feed"))) == ["Programmé"]


def test_feed_holds_the_30_latest_articles(client, make_article):
    now = timezone.now()
    for minutes in range(32):
        make_article(f"Article {minutes}", published_at=now - timedelta(minutes=minutes + 1))

    feed = read_feed(client, reverse("articles:feed"))

    assert titles(feed) == [f"Article {minutes}" for minutes in range(30)]


# Each item ------------------------------------------------------------------------------


def test_item_has_link_guid_description_date_authors_and_categories(client, make_article, make_user):
    anne = make_user("anne", first_name="Anne", last_name="Martin", email="anne.martin@example.org")
    paul = make_user("paul", first_name="Paul", last_name="Durand", email="paul.durand@example.org")
    # No name but a username that is an address: the byline leaves this person out rather than show it.
    stagiaire = make_user("stagiaire@example.org", first_name="", last_name="", email="stagiaire@example.org")
    published_at = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    article = make_article(
        "Sidérurgie : <Florange> & l’acier",
        slug="florange",
        standfirst="Le haut-fourneau rallumé ? « Pas avant 2030 » & <b>rien</b> d’écrit.",
        published_at=published_at,
        authors=[paul, anne, stagiaire],
        tags=["Industrie", "Emploi"],
    )

    response = client.get(reverse("articles:feed"))
    feed = feedparser.parse(response.content)
    (entry,) = feed.entries

    url = "http://testserver/article/florange/"
    assert html.unescape(entry.title) == article.title
    assert entry.link == url
    assert entry.id == url
    assert html.unescape(entry.summary) == article.standfirst
    assert parsedate_to_datetime(entry.published) == published_at
    assert entry.author == "Paul Durand et Anne Martin"
    assert [html.unescape(tag.term) for tag in entry.tags] == ["Économie & emploi", "Emploi", "Industrie"]
    item = etree.fromstring(response.content).find("channel/item")
    assert item.find("guid").get("isPermaLink") == "true"
    assert item.find("{http://purl.org/dc/elements/1.1/}creator").text == "Paul Durand et Anne Martin"
    assert item.find("author") is None  # RSS <author> is an email address: never written
    for email in ("anne.martin@example.org", "paul.durand@example.org", "stagiaire@example.org"):
        assert email.encode() not in response.content
    assert b"@" not in response.content


def test_every_text_of_the_feed_is_escaped_like_item_titles(client, make_article, make_section, make_user, make_image):
    """Section names, tags, author names and credits come from the newsroom's forms: never markup in a reader."""
    section = make_section("<b>Éco</b> & co", slug="eco")
    author = make_user("jo", first_name="<i>Jo</i>", last_name="& Cie")
    image = make_image(credit="<img src=x onerror=alert(1)>")
    make_article("Un titre", section=section, authors=[author], tags=["<script>alert(1)</script>"], main_image=image)
    for url in [reverse("articles:feed"), reverse("articles:section_feed", kwargs={"slug": "eco"})]:
        root = etree.fromstring(client.get(url).content)
        texts = {
            "channel title": root.findtext("channel/title"),
            "channel description": root.findtext("channel/description"),
            "creator": root.findtext("channel/item/{http://purl.org/dc/elements/1.1/}creator"),
            "credit": root.findtext(f"channel/item/{{{MEDIA_RSS}}}content/{{{MEDIA_RSS}}}credit"),
            **{f"category {n}": element.text for n, element in enumerate(root.findall("channel/item/category"))},
        }
        for name, text in texts.items():
            assert "<" not in text, (url, name, text)  # escaped once more than XML's own escaping
        assert html.unescape(texts["creator"]) == "<i>Jo</i> & Cie"
        assert html.unescape(texts["credit"]) == "<img src=x onerror=alert(1)>"
        assert {html.unescape(t) for n, t in texts.items() if n.startswith("category")} == {
            "<b>Éco</b> & co",
            "<script>alert(1)</script>",
        }
    section_title = etree.fromstring(client.get(reverse("articles:section_feed", kwargs={"slug": "eco"})).content)
    assert html.unescape(section_title.findtext("channel/title")) == f"<b>Éco</b> & co – {SITE_NAME}"


def test_item_carries_the_main_image_as_media_content_and_enclosure(client, make_article, make_image, settings):
    image = make_image(jpeg((1600, 1000)), credit="Photo : Jeanne Martin")  # renditions up to 1600 px
    make_article("Avec photo", main_image=image)
    make_article("Sans photo", published_at=timezone.now() - timedelta(days=1))

    response = client.get(reverse("articles:feed"))
    feed = feedparser.parse(response.content)
    with_picture, without_picture = feed.entries

    (rendition,) = [r for r in image.renditions if r["format"] == "jpeg" and r["width"] == 1200]
    url = f"http://testserver{settings.MEDIA_URL}{rendition['name']}"
    size = (settings.MEDIA_ROOT / rendition["name"]).stat().st_size
    (media,) = with_picture.media_content
    assert media == {
        "url": url,
        "type": "image/jpeg",
        "medium": "image",
        "width": "1200",
        "height": "750",
        "filesize": str(size),
    }
    assert with_picture.enclosures == [{"href": url, "type": "image/jpeg", "length": str(size)}]
    assert with_picture.media_credit == [{"content": "Photo : Jeanne Martin"}]
    assert "media_content" not in without_picture
    assert without_picture.enclosures == []
    root = etree.fromstring(response.content)
    assert root.nsmap["media"] == MEDIA_RSS
    assert root.find(f"channel/item/{{{MEDIA_RSS}}}content").get("url") == url


def test_transparent_image_is_offered_as_png_closest_to_1200_px(client, make_article, make_image):
    image = make_image(encoded(Pillow.new("RGBA", (1000, 500), (0, 0, 0, 0)), "PNG"), name="logo.png")
    make_article("Avec logo", main_image=image)

    (entry,) = read_feed(client, reverse("articles:feed")).entries

    (media,) = entry.media_content
    assert (media["type"], media["width"], media["height"]) == ("image/png", "800", "400")
    assert media["url"].startswith("http://testserver/media/") and media["url"].endswith("/800.png")
    assert entry.enclosures[0]["type"] == "image/png"


def test_missing_rendition_file_does_not_break_the_feed(client, make_article, make_image):
    image = make_image()
    make_article("Photo perdue", main_image=image)
    for rendition in image.renditions:
        image.file.storage.delete(rendition["name"])

    (entry,) = read_feed(client, reverse("articles:feed")).entries

    assert entry.enclosures[0]["length"] == "0"


# One subject's feed -------------------------------------------------------------------------


def test_section_feed(client, make_article, make_section, section):
    sport = make_section("Sport", slug="sport")
    make_article("Le FC Metz gagne", section=sport)
    make_article("Budget régional", section=section)
    make_article("Brouillon sportif", section=sport, status=Article.Status.DRAFT)

    feed = read_feed(client, reverse("articles:section_feed", kwargs={"slug": "sport"}))

    assert titles(feed) == ["Le FC Metz gagne"]
    assert feed.feed.title == f"Sport – {SITE_NAME}"
    assert "Sport" in feed.feed.description and SITE_NAME in feed.feed.description
    assert feed.feed.link == "http://testserver/rubrique/sport/"


def test_territory_feed_includes_places_inside(client, make_article, make_territory):
    region = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=region, slug="moselle")
    sillon = make_territory("Sillon Lorrain", kind=Territory.Kind.GROUPING, parent=region, slug="sillon-lorrain")
    metz = make_territory("Metz", parent=moselle, groupings=[sillon], slug="metz")
    nancy = make_territory("Nancy", parent=region, groupings=[sillon], slug="nancy")
    now = timezone.now()
    make_article("Conseil départemental", territories=[moselle], published_at=now - timedelta(hours=3))
    make_article("Marché de Noël à Metz", territories=[metz], published_at=now - timedelta(hours=2))
    make_article("Place Stanislas", territories=[nancy], published_at=now - timedelta(hours=1))
    make_article("Brouillon messin", territories=[metz], status=Article.Status.DRAFT)

    moselle_feed = read_feed(client, reverse("articles:territory_feed", kwargs={"slug": "moselle"}))
    sillon_feed = read_feed(client, reverse("articles:territory_feed", kwargs={"slug": "sillon-lorrain"}))
    region_feed = read_feed(client, reverse("articles:territory_feed", kwargs={"slug": "grand-est"}))

    assert titles(moselle_feed) == ["Marché de Noël à Metz", "Conseil départemental"]
    assert titles(sillon_feed) == ["Place Stanislas", "Marché de Noël à Metz"]
    assert titles(region_feed) == ["Place Stanislas", "Marché de Noël à Metz", "Conseil départemental"]
    assert moselle_feed.feed.title == f"Moselle – {SITE_NAME}"


def test_personality_feed(client, make_article, make_personality):
    maire = make_personality("François Grosdidier", slug="francois-grosdidier")
    make_article("Le maire présente son budget", personalities=[maire])
    make_article("Sans le maire")
    make_article("Programmé avec le maire", personalities=[maire], published_at=timezone.now() + timedelta(days=1))

    feed = read_feed(client, reverse("articles:personality_feed", kwargs={"slug": "francois-grosdidier"}))

    assert titles(feed) == ["Le maire présente son budget"]
    assert feed.feed.title == f"François Grosdidier – {SITE_NAME}"


def test_tag_feed(client, make_article):
    make_article("Une start-up messine lève des fonds", tags=["FinTech"])
    make_article("Sans mot-clé")
    make_article("Dépublié FinTech", tags=["FinTech"], status=Article.Status.UNPUBLISHED)

    feed = read_feed(client, reverse("articles:tag_feed", kwargs={"slug": "fintech"}))

    assert titles(feed) == ["Une start-up messine lève des fonds"]
    assert feed.feed.title == f"FinTech – {SITE_NAME}"
    assert feed.feed.link == "http://testserver/mot-cle/fintech/"


def test_tag_carried_only_by_unpublished_articles_has_no_feed(client, make_article):
    make_article("Brouillon", tags=["Secret"], status=Article.Status.DRAFT)
    make_article("Programmé", tags=["Secret"], published_at=timezone.now() + timedelta(days=1))

    assert client.get(reverse("articles:tag_feed", kwargs={"slug": "secret"})).status_code == 404


def test_author_feed_names_the_author_as_readers_see_them(client, make_article, make_user):
    anne = make_user("anne", first_name="Anne", last_name="Martin", email="anne.martin@example.org")
    make_article("Signé par Anne", authors=[anne])
    make_article("Signé par personne")
    make_article("Brouillon d’Anne", authors=[anne], status=Article.Status.DRAFT)

    feed = read_feed(client, reverse("articles:author_feed", kwargs={"pk": anne.pk}))

    assert titles(feed) == ["Signé par Anne"]
    assert feed.feed.title == f"Anne Martin – {SITE_NAME}"
    assert feed.feed.link == f"http://testserver/auteur/{anne.pk}/"


def test_author_without_published_article_has_no_feed(client, make_article, make_user):
    trainee = make_user("stagiaire", email="stagiaire@example.org")
    make_article("Brouillon", authors=[trainee], status=Article.Status.DRAFT)

    assert client.get(reverse("articles:author_feed", kwargs={"pk": trainee.pk})).status_code == 404
    assert client.get(reverse("articles:author_feed", kwargs={"pk": trainee.pk + 100})).status_code == 404


@pytest.mark.parametrize(
    "name", ["articles:section_feed", "articles:territory_feed", "articles:personality_feed", "articles:tag_feed"]
)
def test_unknown_subject_has_no_feed(client, name):
    assert client.get(reverse(name, kwargs={"slug": "inconnu"})).status_code == 404


# HTTP caching ----------------------------------------------------------------------------------


def test_conditional_get_answers_304(client, make_article):
    latest = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    make_article("Plus ancien", published_at=latest - timedelta(days=1))
    make_article("Dernier", published_at=latest)
    url = reverse("articles:feed")

    first = client.get(url)

    assert first["Last-Modified"] == http_date(latest.timestamp())
    assert first.has_header("ETag")
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert (by_date.status_code, by_date.content) == (304, b"")
    assert (by_etag.status_code, by_etag.content) == (304, b"")

    make_article("Tout nouveau", published_at=timezone.now())

    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 200
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


# Queries -----------------------------------------------------------------------------------------

# The subject (except for the whole site), the articles, their authors, their tags.
FEED_QUERIES = {
    "articles:feed": 3,
    "articles:section_feed": 4,
    "articles:territory_feed": 4,
    "articles:personality_feed": 4,
    "articles:tag_feed": 4,
}


@pytest.fixture
def populate(make_article, make_territory, make_personality, make_user, make_image, section):
    """n articles about one place, person and tag, each with two authors, two more tags and a picture."""

    def build(n):
        place = make_territory("Metz", slug="metz")
        person = make_personality("Anne Martin", slug="anne-martin")
        authors = [make_user(f"auteur{i}", last_name=f"Nom {i}", email=f"auteur{i}@example.org") for i in range(2)]
        image = make_image()
        for i in range(n):
            make_article(
                territories=[place],
                personalities=[person],
                tags=["Budget", f"Thème {i}", f"Autre {i}"],
                authors=authors,
                main_image=image,
                published_at=timezone.now() - timedelta(minutes=i + 1),
            )
        return {"section": section.slug, "territory": "metz", "personality": "anne-martin", "tag": "budget"}

    return build


@pytest.mark.parametrize("name", FEED_QUERIES)
@pytest.mark.parametrize("size", [1, 30])
def test_query_count_is_fixed_whatever_the_number_of_items(client, populate, name, size, django_assert_num_queries):
    slugs = populate(size)
    kind = name.removeprefix("articles:").removesuffix("feed").removesuffix("_")
    url = reverse(name, kwargs={"slug": slugs[kind]} if kind else {})

    with django_assert_num_queries(FEED_QUERIES[name]):
        feed = read_feed(client, url)

    assert len(feed.entries) == size
    assert all(entry.media_content for entry in feed.entries)
