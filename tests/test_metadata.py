"""What search engines and social networks read: canonical URLs, titles, OpenGraph, JSON-LD, author pages."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import jpeg

from articles.models import Article, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_article, make_territory, make_personality, make_user, section, settings):
    settings.ARTICLES_PER_PAGE = 2
    metz = make_territory("Metz", kind=Territory.Kind.COMMUNE, slug="metz")
    minister = make_personality("Claire Vasseur", slug="claire-vasseur", role="ministre de l’Économie")
    author = make_user("anne", first_name="Anne", last_name="Martin", email="anne.martin@example.org")
    articles = [
        make_article(
            f"Titre {number}",
            slug=f"titre-{number}",
            tags=["FinTech", "IoT"],
            territories=[metz],
            personalities=[minister],
            authors=[author],
        )
        for number in range(3)
    ]
    return {"metz": metz, "minister": minister, "author": author, "articles": articles, "section": section}


def head(html: str) -> str:
    return html.split("</head>")[0]


def meta(html: str, attribute: str, name: str) -> list[str]:
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head(html))
    return [unescape(value) for value in found]


def reader_urls(site) -> list[str]:
    return [
        reverse("articles:home"),
        site["section"].get_absolute_url(),
        site["section"].get_absolute_url() + "?page=2",
        site["metz"].get_absolute_url(),
        site["minister"].get_absolute_url(),
        reverse("articles:tag", args=["fintech"]),
        reverse("articles:author", args=[site["author"].pk]),
        site["articles"][0].get_absolute_url(),
    ]


def test_every_reader_page_has_an_absolute_canonical_url(client, site):
    for url in reader_urls(site):
        html = client.get(url).content.decode()
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
        assert canonical == ["http://testserver" + url], url


def test_canonical_url_drops_other_query_parameters(client, site):
    article = site["articles"][0]
    html = client.get(article.get_absolute_url() + "?repondre=3&utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html


def test_titles_and_descriptions_are_unique(client, site):
    titles, descriptions = [], []
    for url in reader_urls(site):
        html = client.get(url).content.decode()
        titles.append(re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip())
        descriptions.append(meta(html, "name", "description")[0])
    assert len(set(titles)) == len(titles), titles
    assert len(set(descriptions)) == len(descriptions), descriptions
    assert all(description.strip() for description in descriptions)


def test_article_page_carries_opengraph_and_twitter_cards(client, site):
    article = site["articles"][0]
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "property", "og:type") == ["article"]
    assert meta(html, "property", "og:title") == [article.title]
    assert meta(html, "property", "og:description") == [article.standfirst]
    assert meta(html, "property", "og:url") == ["http://testserver" + article.get_absolute_url()]
    assert meta(html, "property", "og:locale") == ["fr_FR"]
    assert meta(html, "property", "article:published_time") == [
        timezone.localtime(article.published_at).replace(microsecond=0).isoformat()
    ]
    assert meta(html, "property", "article:section") == [article.section.name]
    assert sorted(meta(html, "property", "article:tag")) == ["FinTech", "IoT"]
    assert meta(html, "name", "twitter:title") == [article.title]
    assert meta(html, "name", "twitter:card") == ["summary"]


def jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_article_page_has_newsarticle_structured_data(client, site):
    article = site["articles"][0]
    data = jsonld(client.get(article.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.published_at.isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Anne Martin",
            "url": "http://testserver" + reverse("articles:author", args=[site["author"].pk]),
        }
    ]
    assert data["publisher"]["name"] == "Le Républicain du Sillon"
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo")
    assert data["mainEntityOfPage"]["@id"] == "http://testserver" + article.get_absolute_url()
    assert data["articleSection"] == article.section.name
    assert data["keywords"] == "FinTech, IoT"


def test_structured_data_cannot_be_broken_out_of(client, make_article):
    title = 'Le </script><script>alert("piège")</script> & <!-- titre'
    article = make_article(title, slug="titre-piege")
    html = client.get(article.get_absolute_url()).content.decode()
    # Only the structured data's own closing tag, and that of the page's one script file (body.js).
    assert html.count("</script>") == 2
    assert html.count('<script type="application/ld+json">') == 1
    assert "<script>alert" not in html
    assert jsonld(html)["headline"] == title[:110]


def test_preview_is_not_for_search_engines(client, make_article, editor):
    draft = make_article("Brouillon", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(draft.get_preview_url()).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "application/ld+json" not in html and "og:title" not in html


def test_author_page_lists_their_published_articles_without_their_email(client, site, make_article):
    author = site["author"]
    make_article("Brouillon d’Anne", status=Article.Status.DRAFT, authors=[author])
    response = client.get(reverse("articles:author", args=[author.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Anne Martin</h1>" in html
    assert "Titre 2" in html and "Brouillon d’Anne" not in html
    assert "anne.martin@example.org" not in html and "anne@" not in html


def test_author_page_exists_only_for_bylines_of_published_articles(client, make_user, make_article):
    nobody = make_user("invisible")
    drafter = make_user("drafter")
    make_article(status=Article.Status.DRAFT, authors=[drafter])
    for user in [nobody, drafter]:
        assert client.get(reverse("articles:author", args=[user.pk])).status_code == 404
    assert client.get("/auteur/999999/").status_code == 404


def test_main_image_is_shared_with_social_networks_and_search_engines(client, make_article, make_image):
    image = make_image(
        jpeg((1600, 900), "#336699"),
        name="DSC_0042.jpg",
        alt_text="Le centre des congrès de Metz",
        caption="Le salon",
        credit="Photo : J. Martin",
    )
    article = make_article("Avec image", main_image=image)

    html = client.get(article.get_absolute_url()).content.decode()
    image_url = "http://testserver" + image.fallback_url
    assert meta(html, "property", "og:image") == [image_url]
    assert meta(html, "property", "og:image:alt") == ["Le centre des congrès de Metz"]
    assert meta(html, "name", "twitter:card") == ["summary_large_image"]
    assert meta(html, "name", "twitter:image") == [image_url]
    assert jsonld(html)["image"] == [image_url]
    assert "DSC_0042" not in html
