"""Galleries (« Diaporama »): what readers get, what they cost the page, and what refreshes them.

Stored as ``<figure data-gallery="12 15 18"><figcaption>…</figcaption></figure>``; readers get a
grid of lazy-loaded thumbnails, each a link to its large picture (no JavaScript needed), and the
viewer's script once per page. The editor's side is in test_editor_images_browser.py.
"""

import re

import pytest
from admin_pages import article_form_data, field_row
from budgets import ARTICLE_PAGE_QUERIES
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from articles.galleries import large_url
from articles.models import Article
from images.admin import PICKER_IDS

pytestmark = pytest.mark.django_db


def gallery(images, caption="Le derby en images") -> str:
    ids = " ".join(str(image.pk) for image in images)
    return f'<figure data-gallery="{ids}"><figcaption>{caption}</figcaption></figure>'


def grid_links(html: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)"><picture>', html)


@pytest.fixture
def photos(make_image):
    return [
        make_image(alt_text=f"Action n° {number}", caption=f"Légende {number}", credit=f"Photo : Auteur {number}")
        for number in range(3)
    ]


def test_readers_get_a_grid_of_lazy_thumbnails_linking_to_the_large_pictures(client, make_article, photos):
    ordered = [photos[2], photos[0], photos[1]]
    article = make_article(body=f"<p>Avant.</p>{gallery(ordered)}<p>Après.</p>")

    html = client.get(article.get_absolute_url()).content.decode()

    figure = html.split('<figure class="gallery"', 1)[1].split("</figure>", 1)[0]
    # In the order chosen, each a link to its widest rendition, which works without any script.
    assert grid_links(figure) == [large_url(image) for image in ordered]
    assert all(url.endswith(".jpg") for url in grid_links(figure))
    assert figure.count('loading="lazy"') == 3
    for image in ordered:
        assert f'alt="{image.alt_text}"' in figure
        assert f'{image.caption} <span class="credit">{image.credit}</span>' in figure
    assert (
        '<figcaption><span class="caption">Le derby en images</span> · <span class="gallery-count">3 photos' in figure
    )
    assert html.count("articles/body.js") == 1


def test_the_viewer_script_is_named_once_for_several_galleries(client, make_article, photos):
    # Every article page names it (the reading beacon of « Les plus lus » is in it), once.
    plain = make_article(body="<p>Rien à voir.</p>")
    assert client.get(plain.get_absolute_url()).content.decode().count("articles/body.js") == 1

    two = make_article(body=gallery(photos[:2]) + "<p>Entre les deux.</p>" + gallery(photos[1:], caption="Suite"))
    html = client.get(two.get_absolute_url()).content.decode()
    assert html.count('class="gallery"') == 2
    # Named once by the page, not by each gallery (the bodies are stored rendered: a script address
    # in them would outlive the static file's hashed name).
    assert html.count("articles/body.js") == 1
    assert re.search(r'<script src="[^"]+body\.js" type="module"></script>', html)


def test_an_image_deleted_from_the_library_leaves_the_gallery(client, make_article, photos):
    article = make_article(body=gallery(photos))
    photos[1].delete()
    article.refresh_from_db()
    html = client.get(article.get_absolute_url()).content.decode()
    assert len(grid_links(html)) == 2
    assert '<span class="gallery-count">2 photos</span>' in html


def test_editing_a_gallery_image_rerenders_the_article_and_purges_its_page(client, settings, make_article, photos):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "g"}}
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_RELEASE = "tests"
    cache.clear()
    article = make_article(body=f"<p>Le match.</p>{gallery(photos)}")
    url = article.get_absolute_url()
    assert "Légende 1" in client.get(url).content.decode()
    # The page is kept: a change written behind the site's back does not show.
    Article.objects.filter(pk=article.pk).update(standfirst="Changé sans purge.")
    assert "Changé sans purge." not in client.get(url).content.decode()

    photos[1].caption = "Le but de la victoire, à la 89e minute."
    photos[1].save()

    article.refresh_from_db()
    assert "Le but de la victoire" in article.body_html
    assert "Le but de la victoire" in client.get(url).content.decode(), "the kept page was not purged"


def test_the_page_costs_the_same_queries_with_one_gallery_or_ten(
    client, make_article, photos, django_assert_num_queries
):
    one = make_article(body=gallery(photos))
    ten = make_article(body="".join(gallery(photos, caption=f"Série {n}") for n in range(10)))
    client.get(one.get_absolute_url())  # the menu's cache, as on any running site
    counts = []
    for article in (one, ten):
        with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as queries:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert response.content.decode().count('class="gallery"') == 10


def test_a_gallery_of_500_images_is_refused_next_to_the_body_with_nothing_lost(client, editor, section, photos):
    client.force_login(editor)
    ids = " ".join(str(photos[n % 3].pk) for n in range(500))
    body = f'<p>Tout le match.</p><figure data-gallery="{ids}"><figcaption>Le derby</figcaption></figure>'
    data = article_form_data(section, body=body, title="Le derby en 500 photos", _publish=True, tags="")

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert not Article.objects.exists()
    row = field_row(response.content.decode(), "body")
    assert "Un diaporama a 500 images : gardez-en au plus 100, ou faites-en plusieurs." in row
    form = response.context["adminform"].form
    assert form["body"].value() == body
    assert form["title"].value() == "Le derby en 500 photos"


def test_the_editor_library_lists_and_finds_images_as_json(client, journalist, photos):
    client.force_login(journalist)
    url = reverse("admin:images_image_picker")
    latest = client.get(url, headers={"Accept": "application/json"}).json()
    assert [image["id"] for image in latest["images"]] == [photo.pk for photo in reversed(photos)]
    first = latest["images"][-1]
    assert first["alternative_text"] == "Action n° 0" and first["credit"] == "Photo : Auteur 0"
    assert first["thumbnail"]["url"].endswith(".webp")
    assert latest["can_add"] is True and latest["max_bytes"] > 0

    found = client.get(url, {"q": "Légende 1"}, headers={"Accept": "application/json"}).json()
    assert [image["id"] for image in found["images"]] == [photos[1].pk]
    # A gallery's images, in its order, for its thumbnails in the editor.
    named = client.get(url, {"ids": f"{photos[2].pk},{photos[0].pk}"}, headers={"Accept": "application/json"}).json()
    assert [image["id"] for image in named["images"]] == [photos[2].pk, photos[0].pk]
    # All of a gallery's images come back at once, or changing it would drop the rest.
    assert PICKER_IDS >= settings.BODY_GALLERY_MAX_IMAGES
    # The page itself still works without JavaScript.
    assert b'id="picker-upload"' in client.get(url).content
