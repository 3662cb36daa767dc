"""An article with everything a body can hold: tables, galleries, embeds, documents, audio and video,
pull quotes and quotations with their source (issue 23).

What readers get for each element, that the article page costs the same number of queries
whatever the number of elements, that the demo's rich article stays within its weight, and that
hostile bodies are refused through the admin with the typed text kept.
"""

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import factories
import pytest
from admin_pages import article_form_data
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from articles.body import clean_body
from articles.demo_content import GALLERY, RICH_ARTICLE
from articles.models import Article, BodyReference

pytestmark = pytest.mark.django_db

RICH_WEIGHT_BUDGET = 60_000  # bytes of HTML + CSS + JS before images (issue 23)

TABLE = (
    "<table><caption>Résultats du premier tour</caption><tbody>"
    "<tr><th><p>Liste</p></th><th><p>Voix</p></th></tr>"
    "<tr><th><p>Union pour Metz</p></th><td><p>12 345</p></td></tr>"
    "<tr><th><p>Metz Demain</p></th><td><p>9 876</p></td></tr></tbody></table>"
)


def elements(count: int, images, document, video) -> str:
    """``count`` of each element: galleries, embeds, document links, videos, tables, quotes."""
    ids = " ".join(str(image.pk) for image in images)
    return "".join(
        f'<figure data-gallery="{ids}"><figcaption>Diaporama {n}</figcaption></figure>'
        f'<figure data-embed="youtube" data-embed-id="dQw4w9WgXc{n % 10}"><figcaption>Vidéo {n}</figcaption></figure>'
        f'<p>Le <a href="{document.get_absolute_url()}">budget {n}</a> est en ligne.</p>'
        f'<figure data-media="{video.pk}"><figcaption>Reportage {n}</figcaption></figure>'
        f"{TABLE}"
        f'<blockquote data-pullquote=""><p>Exergue {n}</p></blockquote>'
        f'<blockquote data-source="Le maire"><p>Citation {n}</p></blockquote>'
        for n in range(count)
    )


@pytest.fixture
def library(make_image):
    images = [make_image(alt_text=f"Photo {n}", caption=f"Légende {n}", credit="Photo : J. M.") for n in range(3)]
    document = factories.make_document(title="Budget primitif 2024")
    poster = make_image(alt_text="La caserne")
    video = factories.make_document(factories.mp4_video(), name="incendie.mp4", title="L’incendie", poster=poster)
    return images, document, video


def test_each_element_reaches_readers_as_its_own_markup(client, make_article, library):
    images, document, video = library
    article = make_article("Tout ce qu’un article peut montrer", body=elements(1, images, document, video))

    html = client.get(article.get_absolute_url()).content.decode()

    table = html.split('<div class="table-scroll"', 1)[1].split("</div>", 1)[0]
    assert 'role="region" tabindex="0" aria-labelledby="tableau-1"' in table
    assert '<caption id="tableau-1">Résultats du premier tour</caption>' in table
    assert '<th scope="col"><p>Liste</p></th>' in table and '<th scope="row"><p>Union pour Metz</p></th>' in table
    gallery = html.split('<figure class="gallery', 1)[1].split("</figure>", 1)[0]
    assert all(f"Légende {n}" in gallery for n in range(3))
    facade = html.split('<figure class="embed', 1)[1].split("</figure>", 1)[0]
    assert "YouTube" in facade and "https://www.youtube.com/watch?v=dQw4w9WgXc0" in facade
    assert "<iframe" not in html  # nothing of the provider's until the reader asks
    assert re.search(
        rf'<a href="{document.get_absolute_url()}"[^>]*>budget 0</a> <span class="document-meta">\(PDF, [\d,]+\xa0(?:octets|ko)\)</span>',
        html,
    )
    assert f'src="{video.get_absolute_url()}"' in html and 'preload="none"' in html
    assert '<figure class="pullquote"><blockquote><p>Exergue 0</p></blockquote></figure>' in html
    assert "<figcaption>— Le maire</figcaption>" in html


def test_the_article_page_costs_the_same_with_one_or_ten_of_each_element(
    client, make_article, library, django_assert_num_queries
):
    images, document, video = library
    one = make_article("Un de chaque", body=elements(1, images, document, video))
    ten = make_article("Dix de chaque", body=elements(10, images, document, video))
    client.get(one.get_absolute_url())  # the menu's cache, as on any running site

    counts = {}
    for article in (one, ten):
        with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        counts[article.title] = len(queries)
    assert counts["Un de chaque"] == counts["Dix de chaque"] <= READER_PAGE_BUDGET
    assert response.content.decode().count('<figure class="gallery') == 10


def test_a_changed_document_or_gallery_image_is_shown_at_once(client, make_article, library):
    images, document, video = library
    article = make_article("Le budget", body=elements(1, images, document, video))
    assert BodyReference.objects.filter(article=article, document=document).exists()

    images[1].caption = "Une légende corrigée"
    images[1].save()
    video.description = "Transcription : les pompiers arrivent."
    video.save()

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Une légende corrigée" in html and "les pompiers arrivent" in html
    document.delete()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "budget 0" in html and "document-meta" not in html  # the words stay, the link goes


# The demo's rich article ---------------------------------------------------------------------------


def asset_bytes(html: str) -> tuple[int, int]:
    """Bytes of the stylesheets and scripts the page names, as collectstatic finds them, and their number."""
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) + re.findall(r'<script[^>]* src="([^"]+)"', html)
    total = 0
    for url in urls:
        found = finders.find(unquote(urlsplit(url).path).removeprefix(settings.STATIC_URL))
        assert found, url
        total += Path(found).stat().st_size
    return total, len(urls)


@pytest.fixture
def demo(settings):
    call_command("load_demo", stdout=io.StringIO())
    return Article.objects.get(slug=RICH_ARTICLE)


def test_the_demo_rich_article_has_a_table_a_gallery_an_embed_and_a_document(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()

    assert '<div class="table-scroll"' in html
    gallery = html.split('<figure class="gallery', 1)[1].split("</figure>", 1)[0]
    assert all(row["caption"] in gallery for row in GALLERY) and len(GALLERY) >= 6
    assert "Afficher le contenu de YouTube" in html or "Voir sur YouTube" in html
    assert re.search(r'<span class="document-meta">\(PDF, [\d,]+\xa0(?:octets|ko)\)</span>', html)
    assert "{{" not in html  # no placeholder left


def test_the_demo_rich_article_weighs_at_most_60_kb_in_at_most_5_requests(client, demo, make_approved_comment):
    make_approved_comment(demo, "Le corso, c’est toute la ville qui descend dans la rue.")  # its script too
    html = client.get(demo.get_absolute_url()).content
    assets, requests = asset_bytes(html.decode())

    assert len(html) + assets <= RICH_WEIGHT_BUDGET, (len(html), assets)
    assert 1 + requests <= 5


# Hostile bodies, through the admin --------------------------------------------------------------------


def admin_post(client, section, body):
    data = article_form_data(section, slug="un-article-piege", tags="", body=body)
    return client.post(reverse("admin:articles_article_add"), data)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "<table><tbody>" + ("<tr>" + "<td><p>1</p></td>" * 25 + "</tr>") * 400 + "</tbody></table>",
            "10\xa0000 cellules",
        ),
        ('<figure data-embed="youtube" data-embed-id="&lt;script&gt;alert(1)"></figure>', "n’est pas reconnue"),
        ('<figure data-embed="evil.example" data-embed-id="abc"></figure>', "ne savons pas intégrer"),
        ('<figure data-gallery="' + " ".join(["1"] * 500) + '"></figure>', "500 images"),
        ('<figure data-media="999999"></figure>', "n’existe plus"),
        ('<p><a href="http://127.0.0.1:8000/admin/articles/article/5/change/">ici</a></p>', "réservée à la rédaction"),
        ('<p><a href="/apercu/999999/">ici</a></p>', "réservée à la rédaction"),
    ],
    ids=["10000-cells", "embed-script", "embed-other-host", "gallery-500", "missing-video", "admin-link", "preview"],
)
def test_a_hostile_body_is_refused_in_french_and_the_text_is_kept(editor_client, section, body, message):
    typed = "<p>Le texte que la journaliste a tapé avant.</p>"

    response = admin_post(editor_client, section, typed + body)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any(message in error for error in form.errors["body"]), form.errors
    assert form["body"].value() == typed + body  # nothing lost of what was typed
    assert not Article.objects.filter(slug="un-article-piege").exists()


def test_a_link_to_an_unpublished_article_is_saved_with_a_warning(editor_client, section, make_article):
    make_article("Le tram coûtera plus cher", slug="tram-cout", status=Article.Status.DRAFT)
    body = '<p>Lire <a href="/article/tram-cout/">la suite</a>.</p>'

    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(section, body=body), follow=True
    )

    assert Article.objects.get(slug="le-port-de-metz-sagrandit").body == body
    warnings = [str(message) for message in response.context["messages"]]
    assert any("« Le tram coûtera plus cher » mène à un article qui n’est pas publié" in text for text in warnings)


def test_footnote_ids_are_kept_and_no_other_id(client, make_article):
    body = (
        '<p>Texte<a href="#note-1" id="appel-1">[1]</a> et <a href="#x" id="commentaires">un piège</a>.</p>'
        '<ol><li id="note-1"><p>La note. <a href="#appel-1">↩</a></p></li><li id="contenu"><p>Autre</p></li></ol>'
    )
    cleaned = clean_body(body)
    assert 'id="appel-1"' in cleaned and 'id="note-1"' in cleaned
    assert 'id="commentaires"' not in cleaned and 'id="contenu"' not in cleaned
    # Also when written behind the form's back (an import, a script): the page keeps its own ids alone.
    html = client.get(make_article("Notes", body=body).get_absolute_url()).content.decode()
    assert html.count('id="commentaires"') <= 1 and 'id="appel-1"' in html and '<li id="contenu">' not in html
