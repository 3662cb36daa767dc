"""Embeds without trackers: the declared providers, what their addresses become, and what readers get.

A pasted address is recognised (or refused with a French message) by ``articles.embeds.recognise``,
the stored ``<figure data-embed data-embed-id>`` is checked on save and rendered as a facade with no
request to the provider; the article page's Content-Security-Policy opens ``frame-src`` to the
providers it shows only, and keeps doing so when served from the page cache.
"""

import os
import re
import shutil
from html import escape

import feedparser
import page_cache_setup
import pytest
from admin_pages import article_form_data, field_row
from budgets import ARTICLE_PAGE_QUERIES
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from test_html_validity import VNU_JAR, nu_errors

from articles import embeds
from articles.body import clean_body, plain_text
from articles.models import Article

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")

# At least three real shapes of address per provider, as journalists copy them, and the id kept.
ADDRESSES = {
    "youtube": [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?feature=shared&v=dQw4w9WgXcQ&t=42s", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=Q1w2e3r4t5y6", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/aqz-KE-bpKQ", "aqz-KE-bpKQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/live/jfKfPfyJRdk?feature=shared", "jfKfPfyJRdk"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ],
    "dailymotion": [
        ("https://www.dailymotion.com/video/x8m8jf0", "x8m8jf0"),
        ("https://dai.ly/x8m8jf0", "x8m8jf0"),
        ("https://www.dailymotion.com/video/x7tgad0_le-grand-debat", "x7tgad0"),
        ("https://geo.dailymotion.com/player.html?video=x8m8jf0", "x8m8jf0"),
    ],
    "vimeo": [
        ("https://vimeo.com/76979871", "76979871"),
        ("https://vimeo.com/channels/staffpicks/76979871", "76979871"),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e", "76979871/8272103f6e"),
        ("https://vimeo.com/76979871/8272103f6e", "76979871/8272103f6e"),
    ],
    "x": [
        ("https://x.com/Interior/status/463440424141459456", "463440424141459456"),
        ("https://twitter.com/jack/status/20", "20"),
        ("https://mobile.twitter.com/VilleDeMetz/status/1734567890123456789?s=20", "1734567890123456789"),
        ("https://x.com/i/web/status/1734567890123456789", "1734567890123456789"),
    ],
    "instagram": [
        ("https://www.instagram.com/p/C1a2B3c4D5e/", "p/C1a2B3c4D5e"),
        ("https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=MWQ1ZGUxMzBkMA==", "reel/C1a2B3c4D5e"),
        ("https://instagram.com/villedemetz/p/C1a2B3c4D5e/", "p/C1a2B3c4D5e"),
    ],
    "facebook": [
        (
            "https://www.facebook.com/VilleDeMetz/posts/pfbid02Kx7nX4cZ1qkLmN8pQrStUvWxYz",
            "VilleDeMetz/posts/pfbid02Kx7nX4cZ1qkLmN8pQrStUvWxYz",
        ),
        ("https://www.facebook.com/VilleDeMetz/videos/1234567890123456/", "VilleDeMetz/videos/1234567890123456"),
        ("https://www.facebook.com/watch/?v=1234567890123456", "watch/1234567890123456"),
        ("https://m.facebook.com/story.page/posts/10158123456789012", "story.page/posts/10158123456789012"),
    ],
    "tiktok": [
        ("https://www.tiktok.com/@franceinfo/video/7312345678901234567", "7312345678901234567"),
        (
            "https://www.tiktok.com/@franceinfo/video/7312345678901234567?is_from_webapp=1&sender_device=pc",
            "7312345678901234567",
        ),
        ("https://www.tiktok.com/embed/v2/7312345678901234567", "7312345678901234567"),
        ("https://m.tiktok.com/v/7312345678901234567.html", "7312345678901234567"),
    ],
    "bluesky": [
        ("https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a", "metz.fr/3kgxq2abcdz2a"),
        ("https://bsky.app/profile/franceinfo.bsky.social/post/3l6oveex3ii2l", "franceinfo.bsky.social/3l6oveex3ii2l"),
        (
            "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3l6oveex3ii2l",
            "did:plc:z72i7hdynmk6r22z27h6tvur/3l6oveex3ii2l",
        ),
    ],
    "soundcloud": [
        ("https://soundcloud.com/franceinter/le-journal-de-8h", "franceinter/le-journal-de-8h"),
        ("https://soundcloud.com/franceinter/sets/podcasts-2024", "franceinter/sets/podcasts-2024"),
        (
            "https://m.soundcloud.com/radio-metz/interview-du-maire?si=abc&utm_source=clipboard",
            "radio-metz/interview-du-maire",
        ),
    ],
    "datawrapper": [
        ("https://datawrapper.dwcdn.net/Ab3dE/2/", "Ab3dE/2"),
        ("https://datawrapper.dwcdn.net/Ab3dE/", "Ab3dE"),
        ("https://www.datawrapper.de/_/Ab3dE/", "Ab3dE"),
    ],
    "flourish": [
        ("https://public.flourish.studio/visualisation/16254789/", "visualisation/16254789"),
        ("https://public.flourish.studio/story/2124567/", "story/2124567"),
        ("https://flo.uri.sh/visualisation/16254789/embed", "visualisation/16254789"),
    ],
    "openstreetmap": [
        ("https://www.openstreetmap.org/#map=15/48.6937/6.1834", "15/48.6937/6.1834"),
        ("https://www.openstreetmap.org/?mlat=49.1193&mlon=6.1757#map=17/49.1193/6.1757", "17/49.1193/6.1757"),
        ("https://openstreetmap.org/#map=12/48.17/6.45&layers=C", "12/48.17/6.45"),
    ],
    "umap": [
        ("https://umap.openstreetmap.fr/fr/map/marches-de-noel-metz_1012345", "fr/marches-de-noel-metz_1012345"),
        ("https://umap.openstreetmap.fr/fr/map/travaux-du-tram_98765#14/48.69/6.18", "fr/travaux-du-tram_98765"),
        ("https://umap.openstreetmap.fr/en/map/bike-lanes_4242?locateControl=true", "en/bike-lanes_4242"),
    ],
}

# Addresses that must never become an embed, whatever provider they name.
HOSTILE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com.evil.fr/watch?v=dQw4w9WgXcQ",
    "https://evil.fr/?u=youtube.com",
    "https://evil.fr/youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com@evil.fr/",
    "https://www.youtube.com@evil.fr/watch?v=dQw4w9WgXcQ",
    'https://www.youtube.com/watch?v=dQw4w9"><script>',
    "https://www.youtube.com/watch?v=<dQw4w9WgX>",
    "https://www.youtube.com/watch?v=dQw4w9%22%3E%3Cb",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "//www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8080/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com./watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\nhttps://evil.fr/",
    "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
    "https://umap.openstreetmap.fr/fr/map/anonymous-edit/1012345:Hp0W5vbTKNK_sgd8yR8yVj2Tp1g",
    "https://soundcloud.com/franceinter/tracks",
    "https://www.openstreetmap.org/#map=25/48.6937/6.1834",
    "https://www.openstreetmap.org/#map=15/148.6937/6.1834",
    "<iframe src=https://www.youtube.com/embed/dQw4w9WgXcQ></iframe>",
    "",
]

YOUTUBE = '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"><figcaption>{}</figcaption></figure>'


def embed(provider: str, embed_id: str, text: str) -> str:
    """An embed as the editor stores it."""
    return (
        f'<figure data-embed="{escape(provider)}" data-embed-id="{escape(embed_id)}">'
        f"<figcaption>{escape(text, quote=False)}</figcaption></figure>"
    )


# Recognising addresses -------------------------------------------------------------------------


def test_every_provider_has_three_real_addresses_here():
    assert set(ADDRESSES) == set(embeds.PROVIDERS)
    assert all(len(addresses) >= 3 for addresses in ADDRESSES.values())


@pytest.mark.parametrize("provider", embeds.PROVIDERS.values(), ids=lambda provider: provider.key)
def test_every_provider_is_declared_whole(provider, settings):
    assert re.fullmatch(r"[a-z]+", provider.key)  # what the page's policy reads from the facade
    assert provider.layout in embeds.LAYOUTS
    assert f".embed--{provider.layout} " in (settings.BASE_DIR / "static/css/elements.css").read_text()
    assert re.fullmatch(r"https://[a-z0-9.-]+", provider.frame_origin)
    assert all(host == host.lower() and "/" not in host for host in provider.hosts)
    assert "allow-top-navigation" not in provider.sandbox


@pytest.mark.parametrize(
    ("provider", "address", "expected_id"),
    [(provider, address, embed_id) for provider, addresses in ADDRESSES.items() for address, embed_id in addresses],
)
def test_a_provider_s_addresses_are_recognised(provider, address, expected_id):
    found, embed_id = embeds.recognise(address)
    assert (found.key, embed_id) == (provider, expected_id)
    assert embeds.problem_with(provider, embed_id) is None
    assert found.link_for(embed_id).startswith("https://")
    frame = found.frame_for(embed_id)
    if frame is not None:
        assert frame.startswith(found.frame_origin + "/")


@pytest.mark.parametrize(
    ("provider", "embed_id"),
    [(provider, embed_id) for provider, addresses in ADDRESSES.items() for _address, embed_id in addresses],
)
def test_a_provider_s_own_link_is_recognised_as_the_same_embed(provider, embed_id):
    """The link readers follow is also what the editor shows to edit an embed: it must come back the same."""
    link = embeds.PROVIDERS[provider].link_for(embed_id)
    assert embeds.recognise(link) == (embeds.PROVIDERS[provider], embed_id)


@pytest.mark.parametrize("address", HOSTILE)
def test_hostile_or_unknown_addresses_are_refused_in_french(address):
    with pytest.raises(ValidationError) as refused:
        embeds.recognise(address)
    message = refused.value.messages[0]
    assert message and re.search(r"[éèàùâêîôûçœ’«]", message), message


def test_an_unknown_site_is_named_with_the_sites_we_know():
    with pytest.raises(ValidationError) as refused:
        embeds.recognise("https://www.example.org/video/42")
    assert "« www.example.org »" in refused.value.messages[0]
    assert "YouTube" in refused.value.messages[0] and "uMap" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("provider", "embed_id"),
    [
        ("youtube", 'dQw4w9WgX"Q'),
        ("youtube", "dQw4w<9WgXc"),
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("soundcloud", "../../evil"),
        ("facebook", "javascript:alert(1)"),
        ("openstreetmap", "15/48.69/6.18&x=<y>"),
        ("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur/3l6oveex3ii2l'"),
        ("datawrapper", "Ab3dE/2/../../x"),
        ("vimeo", ""),
        ("myspace", "123"),
    ],
)
def test_a_stored_id_its_provider_rejects_is_a_problem(provider, embed_id):
    assert embeds.problem_with(provider, embed_id)


def test_frames_are_the_privacy_friendly_ones():
    def frame(address):
        provider, embed_id = embeds.recognise(address)
        return provider.frame_for(embed_id)

    assert frame("https://youtu.be/dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert frame("https://vimeo.com/76979871") == "https://player.vimeo.com/video/76979871?dnt=1"
    assert frame("https://x.com/jack/status/20") == "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true"
    assert frame("https://www.instagram.com/p/C1a2B3c4D5e/") == "https://www.instagram.com/p/C1a2B3c4D5e/embed/"
    assert frame("https://www.facebook.com/VilleDeMetz/videos/1234567890123456/") == (
        "https://www.facebook.com/plugins/video.php?href="
        "https%3A%2F%2Fwww.facebook.com%2FVilleDeMetz%2Fvideos%2F1234567890123456%2F&show_text=true"
    )
    assert frame("https://www.tiktok.com/@a/video/7312345678901234567") == (
        "https://www.tiktok.com/embed/v2/7312345678901234567"
    )
    assert frame("https://soundcloud.com/franceinter/le-journal").startswith(
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Ffranceinter%2Fle-journal&"
    )
    assert frame("https://public.flourish.studio/story/2124567/") == "https://flo.uri.sh/story/2124567/embed"
    osm = frame("https://www.openstreetmap.org/#map=15/48.6937/6.1834")
    assert osm.startswith("https://www.openstreetmap.org/export/embed.html?bbox=6.1")
    assert "&layer=mapnik&marker=48.69370%2C6.18340" in osm
    # Bluesky's embed needs the author's DID: a handle's post stays a link (no request to resolve it).
    assert frame("https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a") is None


# Saving: the editor's stored form, refused ids with the text kept --------------------------------


def test_the_stored_form_goes_through_clean_body_unchanged():
    body = "<p>Avant.</p>" + embed("youtube", "dQw4w9WgXcQ", "Le conseil municipal en direct") + "<p>Après.</p>"
    assert clean_body(body) == body
    assert "Le conseil municipal en direct" in plain_text(clean_body(body))


def test_an_embed_s_foreign_markup_is_dropped_on_save():
    body = (
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" onclick="alert(1)" style="x">'
        '<iframe src="https://evil.fr/"></iframe><script>alert(1)</script><figcaption>Texte</figcaption></figure>'
    )
    assert clean_body(body) == YOUTUBE.format("Texte")


def add_url():
    return reverse("admin:articles_article_add")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (embed("myspace", "123", "Un vieux clip"), "que nous ne savons pas intégrer (« myspace »)"),
        (embed("youtube", 'dQw4w9"><script>', "Le clip"), "L’adresse du contenu YouTube intégré n’est pas reconnue"),
        (
            embed("soundcloud", "https://evil.fr/x", "Le son"),
            "L’adresse du contenu SoundCloud intégré n’est pas reconnue",
        ),
    ],
)
def test_the_admin_refuses_an_unknown_provider_or_id_and_keeps_the_text(editor_client, section, body, message):
    typed = "<p>Le texte du journaliste, à garder.</p>" + body
    response = editor_client.post(add_url(), article_form_data(section, _publish=True, tags="", body=typed))
    assert response.status_code == 200, "the admin saved what it should have refused"
    assert not Article.objects.exists()
    form = response.context["adminform"].form
    assert form["body"].value() == typed, "the typed text must come back in the form"
    row = re.sub(r"[\u00a0\u202f]", " ", field_row(response.content.decode(), "body"))
    assert escape(message, quote=False) in row, "the message goes next to the field"


# Readers: the facade, the script, the page's policy --------------------------------------------


def page(article, client=None):
    response = (client or Client()).get(article.get_absolute_url())
    assert response.status_code == 200
    return response


def test_readers_get_a_facade_with_a_link_and_no_frame(make_article):
    article = make_article(body="<p>Le conseil.</p>" + embed("youtube", "dQw4w9WgXcQ", "La séance du 12 juin"))
    html = page(article).content.decode()
    assert "<iframe" not in html
    facade = re.search(r'<figure class="embed embed--wide".*?</figure>', html, re.DOTALL).group(0)
    assert '<p class="embed-provider">YouTube</p>' in facade
    assert '<a class="embed-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Voir sur YouTube</a>' in facade
    assert "La séance du 12" in facade and "<figcaption>" in facade
    # The button needs the script: hidden without it, and the script is ours, served by the site.
    assert '<div class="embed-consent" hidden>' in facade
    assert "Afficher le contenu de YouTube" in facade and "Toujours afficher les contenus de YouTube" in facade
    assert "peut déposer des cookies" in facade
    assert 'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in facade
    assert re.search(r'<script src="/static/articles/body(\.[0-9a-f]+)?\.js" type="module"></script>', html)
    # Nothing on the page makes the browser ask another host for anything before a click.
    for match in re.finditer(r"<(?:script|img|iframe|link|source|video|audio)\b[^>]*>", html):
        if 'rel="canonical"' not in match.group(0) and 'rel="alternate"' not in match.group(0):
            assert not re.search(r'(?:src|srcset|href)="(?:https?:)?//(?!testserver/)', match.group(0)), match.group(0)


def test_an_elided_provider_name_reads_french(make_article):
    article = make_article(body=embed("instagram", "p/C1a2B3c4D5e", "La photo du jour"))
    html = page(article).content.decode()
    assert "Afficher le contenu d’Instagram" in html and "Toujours afficher les contenus d’Instagram" in html


def test_a_page_without_embeds_loads_no_script_and_opens_no_frame(make_article):
    response = page(make_article())
    assert "embeds" not in response.content.decode()
    assert "frame-src" not in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def csp_directives(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def test_the_page_opens_frames_to_its_own_providers_only(make_article):
    article = make_article(
        body=embed("youtube", "dQw4w9WgXcQ", "La vidéo")
        + embed("datawrapper", "Ab3dE/2", "Le graphique")
        + embed("youtube", "aqz-KE-bpKQ", "Une autre vidéo")
    )
    directives = csp_directives(page(article))
    assert directives["frame-src"] == "https://datawrapper.dwcdn.net https://www.youtube-nocookie.com"
    # The rest of the readers' policy as it was.
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_a_link_only_embed_opens_no_frame_and_needs_no_script(make_article):
    article = make_article(body=embed("bluesky", "metz.fr/3kgxq2abcdz2a", "Le message de la mairie"))
    response = page(article)
    html = response.content.decode()
    assert 'href="https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a">Voir sur Bluesky</a>' in html
    assert "embed-show" not in html
    assert "frame-src" not in response["Content-Security-Policy"]


def test_text_typed_like_a_facade_opens_no_frame(make_article):
    text = '<figure class="embed" data-embed-provider="vimeo" data-embed-frame="x">'
    article = make_article(body=f"<p>{escape(text)}</p>")
    assert "frame-src" not in page(article)["Content-Security-Policy"]


@pytest.mark.parametrize("count", [1, 10])
def test_the_page_costs_the_same_queries_with_one_embed_or_ten(make_article, django_assert_num_queries, count):
    article = make_article(body="".join(embed("youtube", "dQw4w9WgXcQ", f"Vidéo {i}") for i in range(count)))
    page(article)  # rendered once
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        html = page(article).content.decode()
    assert html.count('class="embed-show"') == count


@pytest.fixture(params=["redis", "files"])
def page_cache(request, settings, tmp_path):
    """The page cache on, over a shared cache that starts empty: Redis (production's) and files."""
    page_cache_setup.turn_on(settings, tmp_path, request.param)
    yield
    cache.clear()


def test_a_page_from_the_page_cache_carries_the_same_policy(page_cache, make_article):
    with_embed = make_article(body=embed("vimeo", "76979871", "Le reportage"))
    without = make_article()
    first, second = Client(), Client()
    miss = page(with_embed, first)
    hit = page(with_embed, second)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    assert csp_directives(miss)["frame-src"] == "https://player.vimeo.com"
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]
    plain_miss, plain_hit = page(without, first), page(without, second)
    assert (plain_miss["X-Cache"], plain_hit["X-Cache"]) == ("MISS", "HIT")
    assert "frame-src" not in plain_hit["Content-Security-Policy"]
    assert plain_hit["Content-Security-Policy"] == plain_miss["Content-Security-Policy"]


def test_a_changed_embed_text_reaches_readers(editor_client, make_article):
    article = make_article(body=embed("youtube", "dQw4w9WgXcQ", "Ancien texte"))
    article.body = embed("youtube", "dQw4w9WgXcQ", "Nouveau texte")
    article.save()
    html = page(article).content.decode()
    assert "Nouveau texte" in html and "Ancien texte" not in html


# Feeds and search -------------------------------------------------------------------------------


def test_feeds_carry_no_frame(make_article):
    make_article("Le conseil en vidéo", body=embed("youtube", "dQw4w9WgXcQ", "La séance"))
    response = Client().get(reverse("articles:feed"))
    assert response.status_code == 200
    assert b"<iframe" not in response.content and b"&lt;iframe" not in response.content
    feed = feedparser.parse(response.content)
    assert feed.entries[0].title == "Le conseil en vidéo"


def test_search_finds_an_article_by_its_embed_s_text(client, make_article):
    make_article(
        "Le conseil en vidéo", body="<p>La séance.</p>" + embed("youtube", "dQw4w9WgXcQ", "Débat sur la piscine")
    )
    make_article("Autre chose")
    response = client.get(reverse("search:results"), {"q": "piscine"})
    assert response.status_code == 200
    assert "Le conseil en vidéo" in response.content.decode() and "Autre chose" not in response.content.decode()


# The editor's recognition endpoint --------------------------------------------------------------


def recognition(client, address):
    return client.get(reverse("admin:articles_article_embed"), {"address": address})


def test_the_editor_asks_the_server_what_an_address_is(journalist_client):
    response = recognition(journalist_client, "https://youtu.be/dQw4w9WgXcQ?si=abc")
    assert response.status_code == 200
    assert response.json() == {
        "provider": "youtube",
        "name": "YouTube",
        "id": "dQw4w9WgXcQ",
        "link": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    }
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "https://youtube.com@evil.fr/", "https://evil.fr/?u=youtube.com"]
)
def test_the_endpoint_answers_a_french_message_for_a_refused_address(journalist_client, address):
    response = recognition(journalist_client, address)
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_editor_gets_a_stored_embed_s_address_back_to_edit_it(journalist_client):
    url = reverse("admin:articles_article_embed")
    response = journalist_client.get(url, {"provider": "bluesky", "id": "metz.fr/3kgxq2abcdz2a"})
    assert response.json()["link"] == "https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a"
    refused = journalist_client.get(url, {"provider": "youtube", "id": '"><script>'})
    assert refused.status_code == 400 and "YouTube" in refused.json()["error"]


def test_the_endpoint_is_for_staff_only(client):
    response = recognition(client, "https://youtu.be/dQw4w9WgXcQ")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert recognition(client, "https://youtu.be/dQw4w9WgXcQ").status_code != 200


def test_a_body_for_a_feed_carries_each_embed_as_one_link(make_article):
    article = make_article(
        body="<p>Avant.</p>"
        + embed("youtube", "dQw4w9WgXcQ", "La séance & ses votes")
        + embed("bluesky", "metz.fr/3kgxq2abcdz2a", "")
        + "<p>Après.</p>"
    )
    article.refresh_from_db()
    feed_body = embeds.feed_form(article.body_html)
    assert "<iframe" not in feed_body and "<button" not in feed_body and "embed-" not in feed_body
    assert (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">YouTube\u202f: La séance &amp; ses votes</a></p>'
        in feed_body
    )
    assert '<p><a href="https://bsky.app/profile/metz.fr/post/3kgxq2abcdz2a">Bluesky</a></p>' in feed_body
    assert feed_body.startswith("<p>Avant.</p>") and feed_body.endswith("<p>Après.</p>")


@pytest.mark.skipif(not (shutil.which("java") and VNU_JAR.exists()), reason="the Nu HTML Checker is not installed")
def test_a_page_with_every_kind_of_facade_is_valid_html(make_article, tmp_path):
    body = "".join(
        embed(provider, addresses[0][1], f"Le contenu de {provider} « cité »")
        for provider, addresses in ADDRESSES.items()
    )
    article = make_article(body=body)
    (tmp_path / "embeds.html").write_bytes(page(article).content)
    assert nu_errors(tmp_path) == {}
