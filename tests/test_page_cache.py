"""The page cache: anonymous pages kept in the shared cache, purged exactly when what they show changes.

Most tests run twice: on Redis (production's shared cache, started by scripts/test.sh) and
on files (the default with nothing configured, shared by the processes of one machine).
Two Django test clients stand for two app servers: they share nothing but the cache and
the database, as gunicorn workers on two machines do.
"""

import gzip
import http.server
import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import page_cache_setup
import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pagecache
import pagecache.middleware
from articles.models import Article, Territory
from articles.sitemaps import ArticleSitemap
from comments.models import Comment
from comments.views import HELD_COOKIE

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")


@pytest.fixture(params=["redis", "files"])
def page_cache(request, settings, tmp_path):
    """The page cache on, over a shared cache that starts empty: Redis and files."""
    page_cache_setup.turn_on(settings, tmp_path, request.param)
    yield request.param
    cache.clear()


@pytest.fixture
def servers(page_cache):
    """Two app servers: two clients that share only the cache and the database."""
    return Client(), Client()


@pytest.fixture
def newsroom(make_article, make_territory, make_personality, make_section, section, make_user):
    """A région, two towns, a person, two sections and articles in each."""
    grand_est = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=grand_est, slug="moselle")
    metz = make_territory("Metz", parent=moselle, slug="metz")
    nancy = make_territory("Nancy", parent=grand_est, slug="nancy")
    minister = make_personality("Roland Lescure", slug="roland-lescure")
    sport = make_section("Sport", slug="sport")
    author = make_user("plume", first_name="Claire", last_name="Plume")
    article = make_article(
        "Metz accueille les FinTech",
        slug="metz-fintech",
        territories=[metz],
        personalities=[minister],
        tags=["FinTech"],
        authors=[author],
    )
    match = make_article("Le FC Metz gagne", slug="fc-metz", section=sport, territories=[metz])
    in_nancy = make_article("Nancy rénove sa gare", slug="nancy-gare", territories=[nancy])
    return {
        "article": article,
        "match": match,
        "nancy_article": in_nancy,
        "metz": metz,
        "moselle": moselle,
        "nancy": nancy,
        "grand_est": grand_est,
        "minister": minister,
        "section": section,
        "sport": sport,
        "author": author,
    }


def url_of(thing) -> str:
    return thing if isinstance(thing, str) else thing.get_absolute_url()


PAGES = {
    "home": lambda n: reverse("articles:home"),
    "article": lambda n: url_of(n["article"]),
    "match": lambda n: url_of(n["match"]),
    "nancy_article": lambda n: url_of(n["nancy_article"]),
    "section": lambda n: url_of(n["section"]),
    "sport": lambda n: url_of(n["sport"]),
    "metz": lambda n: url_of(n["metz"]),
    "moselle": lambda n: url_of(n["moselle"]),
    "grand_est": lambda n: url_of(n["grand_est"]),
    "nancy": lambda n: url_of(n["nancy"]),
    "minister": lambda n: url_of(n["minister"]),
    "tag": lambda n: reverse("articles:tag", args=["fintech"]),
    "author": lambda n: reverse("articles:author", args=[n["author"].pk]),
    "feed": lambda n: reverse("articles:feed"),
    "sport_feed": lambda n: reverse("articles:section_feed", args=["sport"]),
    "nancy_feed": lambda n: reverse("articles:territory_feed", args=["nancy"]),
    "sitemap": lambda n: reverse("sitemap_index"),
}


def warm(client, newsroom) -> dict[str, str]:
    """Ask every page twice: the second answer must come from the cache."""
    urls = {name: page(newsroom) for name, page in PAGES.items()}
    for name, url in urls.items():
        assert client.get(url).status_code == 200, name
        assert client.get(url)["X-Cache"] == "HIT", name
    return urls


def cached_pages(client, urls) -> set[str]:
    """Which pages the cache still answers (a HEAD does not store anything new)."""
    return {name for name, url in urls.items() if client.head(url).get("X-Cache") == "HIT"}


def assert_purged_exactly(client, urls, purged: set[str]):
    assert cached_pages(client, urls) == set(urls) - purged


# Pages anybody may cache --------------------------------------------------------------


def test_anonymous_article_page_sets_no_cookie_and_does_not_vary_on_cookies(client, newsroom, settings):
    for cache_seconds in (0, 3600):  # with and without the page cache
        settings.PAGE_CACHE_SECONDS = cache_seconds
        response = client.get(url_of(newsroom["article"]))
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert "cookie" not in response.get("Vary", "").lower()
        assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
        assert "Laisser un commentaire" in response.content.decode()


def test_cached_page_headers_for_browsers_and_cdns(client, page_cache, newsroom, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 30
    first = client.get(url_of(newsroom["article"]))
    second = client.get(url_of(newsroom["article"]))
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert second["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert "stale-while-revalidate=30" in second["Cache-Control"]
    tags = second["Cache-Tag"].split(",")
    article = newsroom["article"]
    assert {f"article:{article.pk}", f"section:{article.section_id}", f"territory:{newsroom['metz'].pk}"} <= set(tags)
    assert f"personality:{newsroom['minister'].pk}" in tags and f"author:{newsroom['author'].pk}" in tags
    assert second["Surrogate-Key"] == " ".join(tags)
    assert second["Vary"] == "Accept-Encoding"
    # An ETag that stays while the page does, and a 304 on a repeat visit.
    assert first["ETag"] == second["ETag"]
    repeat = client.get(url_of(article), headers={"if-none-match": second["ETag"]})
    assert repeat.status_code == 304 and repeat.content == b""
    since = client.get(url_of(article), headers={"if-modified-since": second["Last-Modified"]})
    assert since.status_code == 304


def test_cached_page_is_sent_compressed_to_browsers_that_accept_it(client, page_cache, newsroom):
    url = url_of(newsroom["article"])
    plain = client.get(url)
    compressed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    assert int(compressed["Content-Length"]) == len(compressed.content)


@pytest.mark.parametrize(
    ("accept_encoding", "compressed"),
    [
        ("gzip;q=0", False),  # once sent gzip: « gzip » was somewhere in the header
        ("gzip; q=0.000, deflate", False),
        ("gzip;q=1.0", True),
        ("GZIP;Q=0.5", True),
        ("x-gzip", True),
        ("br", False),  # gzip not named, and no « * »
        ("*", True),
        ("*;q=0", False),
        ("br, *;q=0.1", True),
        ("identity;q=0, gzip", True),
        ("identity;q=0", False),  # nothing acceptable: the plain page, as RFC 9110 lets us
        ("gzip;q=0.5, identity", False),  # the client prefers the plain page
        ("gzip;q=0.5, identity;q=0.5", True),
        ("gzip;q=2", False),  # not a weight: read as a refusal
        ("gzip;q=abc, *", False),
        ("", False),
    ],
)
def test_accept_encoding_is_honoured_with_its_weights(client, page_cache, newsroom, accept_encoding, compressed):
    url = url_of(newsroom["article"])
    for outcome in ("MISS", "HIT"):
        response = client.get(url, headers={"accept-encoding": accept_encoding})
        assert response["X-Cache"] == outcome
        plain = client.get(url)  # no header: the plain page
        assert response.get("Content-Encoding") == ("gzip" if compressed else None)
        body = gzip.decompress(response.content) if compressed else response.content
        assert body == plain.content
        assert response["Vary"] == "Accept-Encoding"


def test_addresses_no_page_reads_are_not_kept(client, page_cache, newsroom):
    url = url_of(newsroom["section"])
    for _ in range(2):
        response = client.get(url, {"x": "1"})
        assert response.status_code == 200 and "X-Cache" not in response
    # Links from newsletters and social networks share the page's entry.
    client.get(url)
    assert client.get(url, {"utm_source": "lettre", "fbclid": "abc"})["X-Cache"] == "HIT"
    assert "X-Cache" not in client.get(url, {"page": "1"})  # the first page has no ?page=: served, not kept


def cache_entries(page_cache) -> int:
    """How many entries the shared cache holds: pages, tag marks, the clock, lists of variants."""
    if page_cache == "redis":
        return sum(1 for _ in cache._cache.get_client().scan_iter(cache.make_key("*")))
    return len(list(Path(cache._dir).glob("*.djcache")))


ARTICLES_SITEMAP = "/sitemap-articles.xml"
# Values of the query parameters pages read that no link of ours writes: (page, query, status).
JUNK_QUERIES = [
    ("article", "?repondre=x1", 200),
    ("article", "?repondre=999999", 200),  # no such comment
    ("article", "?repondre=", 200),
    ("article", "?commentaires=1", 200),  # the first page of comments is the article's own address
    ("article", "?commentaires=abc", 200),
    ("article", "?commentaires=99999", 200),  # one page of comments: the last one
    ("article", "?page=2", 200),  # the article page has no numbered pages
    ("section", "?page=1&page=1", 200),
    ("section", "?page=2&page=2", 200),
    ("section", "?page=1", 200),
    ("section", "?page=01", 200),
    ("section", "?page=", 200),
    ("section", "?page=last", 200),  # Django's, which no page links to
    ("section", "?page=abc", 404),
    ("section", "?page=0", 404),
    ("section", "?page=99999", 404),
    ("home", "?p=12", 404),  # WordPress's ?p= for a post this site never imported: a 404, not the front page
    ("home", "?p=abc", 200),  # an unreadable one names nothing: the front page, as WordPress shows it
    ("home", "?page=2", 200),  # the front page has no numbered pages
    ("articles_sitemap", "?p=1", 200),
    ("articles_sitemap", "?p=01", 200),
]


@pytest.mark.parametrize(("page", "query", "status"), JUNK_QUERIES, ids=[f"{p}{q}" for p, q, _ in JUNK_QUERIES])
def test_junk_query_values_are_served_but_never_kept(client, page_cache, newsroom, settings, page, query, status):
    """300 requests with such values once added 11.8 MB to Redis: each was kept as a page of its own."""
    settings.ARTICLES_PER_PAGE = 1  # the section has a page 2
    url = {**PAGES, "articles_sitemap": lambda n: ARTICLES_SITEMAP}[page](newsroom)
    assert client.get(url)["X-Cache"] == "MISS"  # the real page, kept, with its tags' marks
    before = cache_entries(page_cache)
    for _ in range(2):
        response = client.get(url + query)
        assert response.status_code == status
        assert "X-Cache" not in response  # neither served from the cache nor kept
    assert cache_entries(page_cache) == before


def test_the_numbered_pages_links_name_are_kept(
    client, page_cache, newsroom, settings, monkeypatch, make_approved_comment
):
    settings.ARTICLES_PER_PAGE = 1
    settings.COMMENTS_PER_PAGE = 1
    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    article = newsroom["article"]
    comments = [make_approved_comment(article=article) for _ in range(2)]
    addresses = (
        f"{url_of(newsroom['section'])}?page=2",
        f"{url_of(article)}?commentaires=2",
        f"{ARTICLES_SITEMAP}?p=2",
        f"{url_of(article)}?repondre={comments[0].pk}",  # the reply form without JavaScript
    )
    for address in addresses:
        first = client.get(address)
        assert first.status_code == 200, address
        assert (first["X-Cache"], client.get(address)["X-Cache"]) == ("MISS", "HIT"), address


def test_an_address_keeps_a_bounded_number_of_queries(
    client, page_cache, newsroom, settings, monkeypatch, make_article
):
    monkeypatch.setattr(pagecache.middleware, "MAX_VARIANTS", 2)
    settings.ARTICLES_PER_PAGE = 1
    for number in range(3):
        make_article(f"Brève {number}")  # five pages in the section
    url = url_of(newsroom["section"])

    def outcomes(*queries):
        return [(client.get(url + query).get("X-Cache"), client.get(url + query).get("X-Cache")) for query in queries]

    assert outcomes("?page=2", "?page=3") == [("MISS", "HIT")] * 2
    assert outcomes("?page=4", "?page=5") == [(None, None)] * 2  # real pages, served, not kept
    assert outcomes("") == [("MISS", "HIT")]  # the address itself is always kept
    # A query the address keeps stays kept when its page is stored again, after a purge.
    pagecache.purge(pagecache.SITE_TAG)
    assert outcomes("?page=2", "?page=4") == [("MISS", "HIT"), (None, None)]


def test_error_pages_redirects_and_posts_are_never_kept(client, page_cache, newsroom):
    for _ in range(2):
        assert "X-Cache" not in client.get("/article/nexiste-pas/")
        assert "X-Cache" not in client.get(reverse("articles:section", args=["nexiste-pas"]))
        assert "X-Cache" not in client.get(reverse("search:results"), {"q": "metz"})
        # A page whose view did not offer it (only the menu, shown on every page, is tagged).
        assert "X-Cache" not in client.get(reverse("search:results"))


# Forms without a CSRF cookie ---------------------------------------------------------------


@pytest.fixture
def comment_data(newsroom, settings):
    from comments.moderation import make_form_token

    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0

    def data(body="Un commentaire de lecteur, posé et argumenté."):
        return {
            "name": "Lectrice",
            "email": "lectrice@example.org",
            "body": body,
            "token": make_form_token(newsroom["article"]),
        }

    return data


def post_url(article) -> str:
    return reverse("comments:post", args=[article.pk])


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://pirate.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://pirate.example", "sec-fetch-site": "cross-site"},
    ],
)
def test_cross_site_comment_post_is_refused_and_the_text_kept(newsroom, comment_data, headers):
    client = Client(enforce_csrf_checks=True)
    body = "Texte envoyé depuis un autre site."
    response = client.post(post_url(newsroom["article"]), comment_data(body), headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "doit être envoyé depuis notre site" in html
    assert body in html  # nothing the reader typed is lost
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},  # every current browser
        {"origin": "http://testserver"},
        {"sec-fetch-site": "same-origin"},
        {},  # an old browser or a script: no browser page can forge it for a visitor
    ],
)
def test_same_site_comment_post_without_javascript_is_accepted(newsroom, comment_data, headers):
    client = Client(enforce_csrf_checks=True)  # no CSRF cookie, no token: none is needed
    response = client.post(post_url(newsroom["article"]), comment_data(), headers=headers)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#{comment.anchor}")
    assert comment.status == Comment.Status.PENDING


def test_trusted_origin_may_post(newsroom, comment_data, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.republicain.example"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        post_url(newsroom["article"]), comment_data(), headers={"origin": "https://www.republicain.example"}
    )
    assert response.status_code == 302


def test_held_comment_is_seen_by_its_author_only_even_with_the_cache_on(servers, newsroom, comment_data):
    reader, author = servers
    url = url_of(newsroom["article"])
    reader.get(url)
    assert reader.get(url)["X-Cache"] == "HIT"
    body = "Mon commentaire attend la modération."
    response = author.post(post_url(newsroom["article"]), comment_data(body), headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 302 and HELD_COOKIE in author.cookies
    mine = author.get(url)
    assert body in mine.content.decode() and "en attente de modération" in mine.content.decode()
    assert "X-Cache" not in mine
    assert "private" in mine["Cache-Control"] and "no-store" in mine["Cache-Control"]
    # Nobody else sees it: not the cached page, not a fresh one, not a third browser.
    for client in (reader, Client()):
        for _ in range(2):
            assert body not in client.get(url).content.decode()
    # The author's visit did not store their page for others.
    assert reader.get(url)["X-Cache"] == "HIT"


# Staff and private pages ---------------------------------------------------------------------


def test_staff_pages_and_previews_are_never_served_from_the_cache(servers, newsroom, editor, make_article):
    reader, staff = servers
    staff.force_login(editor)
    draft = make_article("Brouillon confidentiel", status=Article.Status.DRAFT, slug="brouillon")
    for _ in range(2):
        preview = staff.get(draft.get_preview_url())
        assert preview.status_code == 200 and "X-Cache" not in preview
        assert "no-store" in preview["Cache-Control"]
        admin_page = staff.get(reverse("admin:articles_article_changelist"))
        assert admin_page.status_code == 200 and "X-Cache" not in admin_page
    # A staff member reading the site gets a fresh page that is theirs, never stored for readers.
    for _ in range(2):
        page = staff.get(url_of(newsroom["article"]))
        assert "X-Cache" not in page and "private" in page["Cache-Control"]
    assert reader.get(url_of(newsroom["article"]))["X-Cache"] == "MISS"
    # Readers never get a staff page, even at a cached address.
    assert reader.get(draft.get_preview_url()).status_code == 302
    assert "Brouillon confidentiel" not in reader.get(reverse("articles:home")).content.decode()


# Exact purges, seen from both servers ---------------------------------------------------------


def check_change(servers, urls, purged: set[str], shows: dict[str, str] = (), hides: dict[str, str] = ()):
    """After a change made elsewhere: exactly the pages showing it were purged, and both servers show it."""
    first, second = servers
    assert_purged_exactly(second, urls, purged)
    for server in servers:
        for name, text in dict(shows).items():
            assert text in server.get(urls[name]).content.decode(), name
        for name, text in dict(hides).items():
            response = server.get(urls[name])
            assert response.status_code == 404 or text not in response.content.decode(), name


def test_editing_an_article_purges_the_pages_that_show_it_on_every_server(servers, newsroom):
    urls = warm(servers[0], newsroom)
    article = newsroom["article"]
    article.title = "Metz, capitale des FinTech"
    article.save()
    # Its page, every list with its card, the feed and the sitemaps (the news sitemap shows titles).
    purged = {"article", "home", "section", "metz", "moselle", "grand_est", "minister", "tag", "author", "feed"}
    new_title = "Metz, capitale des FinTech"
    check_change(servers, urls, purged | {"sitemap"}, shows=dict.fromkeys(purged, new_title))


def test_a_batch_of_writes_purges_once_at_its_end(servers, newsroom):
    urls = warm(servers[0], newsroom)
    article = newsroom["article"]
    with pagecache.purges_deferred():
        article.body = "<p>Un paragraphe écrit pendant un import.</p>"
        article.save()
        assert cached_pages(servers[1], urls) == set(urls)  # nothing purged yet
    check_change(servers, urls, {"article", "sitemap"}, shows={"article": "Un paragraphe écrit pendant un import."})


def test_a_batch_touching_too_many_tags_makes_every_page_stale(servers, newsroom, monkeypatch):
    urls = warm(servers[0], newsroom)
    monkeypatch.setattr(pagecache.core, "BATCH_PURGE_LIMIT", 2)
    with pagecache.purges_deferred():
        pagecache.purge("article:1", "article:2", "article:3")
    assert cached_pages(servers[1], urls) == set()


def test_a_batch_moving_an_article_skips_naming_its_lists_and_purges_every_page(servers, newsroom, editor):
    urls = warm(servers[0], newsroom)
    with pagecache.purges_deferred():
        newsroom["match"].unpublish(by=editor)
    assert cached_pages(servers[1], urls) == set()


def test_editing_an_article_text_purges_its_page_only(servers, newsroom):
    urls = warm(servers[0], newsroom)
    article = newsroom["article"]
    article.body = "<p>Un paragraphe ajouté par la rédaction.</p>"
    article.save()
    check_change(servers, urls, {"article", "sitemap"}, shows={"article": "Un paragraphe ajouté par la rédaction."})


def test_publishing_purges_the_lists_it_enters_and_nothing_else(servers, newsroom, make_article, editor):
    draft = make_article("Nancy ouvre un incubateur", status=Article.Status.DRAFT, slug="incubateur")
    draft.territories.add(newsroom["nancy"])
    urls = warm(servers[0], newsroom)
    draft.publish(by=editor)
    lists = {"home", "section", "nancy", "grand_est", "feed", "nancy_feed"}
    check_change(servers, urls, lists | {"sitemap"}, shows=dict.fromkeys(lists, "Nancy ouvre un incubateur"))


def test_unpublishing_purges_its_page_and_lists(servers, newsroom, editor):
    urls = warm(servers[0], newsroom)
    newsroom["match"].unpublish(by=editor)
    lists = {"home", "sport", "metz", "moselle", "grand_est", "feed", "sport_feed"}
    check_change(
        servers, urls, lists | {"match", "sitemap"}, hides=dict.fromkeys(lists | {"match"}, "Le FC Metz gagne")
    )
    assert servers[1].get(urls["match"]).status_code == 404


def test_approving_a_comment_purges_the_article_and_its_cards(servers, newsroom, make_comment, moderator):
    comment = make_comment(newsroom["match"], "Quel match !", author_name="Supporter", author_email="s@example.org")
    urls = warm(servers[0], newsroom)
    comment.approve(by=moderator)
    purged = {"match", "home", "sport", "metz", "moselle", "grand_est", "feed", "sport_feed"}
    check_change(servers, urls, purged, shows={"match": "Quel match !", "sport": "1 commentaire"})


def test_a_held_comment_purges_nothing(servers, newsroom, comment_data):
    first, second = servers
    urls = warm(first, newsroom)
    response = second.post(post_url(newsroom["article"]), comment_data(), headers={"origin": "http://testserver"})
    assert response.status_code == 302 and Comment.objects.get().status == Comment.Status.PENDING
    assert cached_pages(Client(), urls) == set(urls)


def test_renaming_a_section_purges_every_page_with_the_menu(servers, newsroom):
    urls = warm(servers[0], newsroom)
    sport = newsroom["sport"]
    sport.name = "Sports"
    sport.save()
    # Every HTML page has the menu; feeds have none: only those naming the section change.
    check_change(servers, urls, set(urls) - {"nancy_feed"}, shows={"article": ">Sports</a>", "feed": "Sports"})


def test_changing_a_section_description_purges_the_pages_naming_it(servers, newsroom):
    urls = warm(servers[0], newsroom)
    sport = newsroom["sport"]
    sport.description = "Tous les clubs du Sillon."
    sport.save()
    # Its page, the pages naming it (cards show their section), its feed, the sitemaps.
    purged = {"sport", "match", "home", "metz", "moselle", "grand_est", "feed", "sport_feed", "sitemap"}
    check_change(servers, urls, purged, shows={"sport": "Tous les clubs du Sillon."})


def test_renaming_a_town_purges_the_pages_that_name_it(servers, newsroom):
    urls = warm(servers[0], newsroom)
    metz = newsroom["metz"]
    metz.name = "Metz-Ville"
    metz.save()
    # The articles about it, its page, the page of the département listing the places inside it.
    check_change(
        servers,
        urls,
        {"article", "match", "metz", "moselle", "sitemap"},
        shows={"article": "Metz-Ville", "match": "Metz-Ville", "moselle": "Metz-Ville"},
    )


def test_tagging_an_article_with_a_town_purges_the_town_and_the_places_containing_it(servers, newsroom):
    urls = warm(servers[0], newsroom)
    newsroom["nancy_article"].territories.add(newsroom["metz"])
    lists = {"metz", "moselle", "grand_est"}
    check_change(
        servers,
        urls,
        lists | {"nancy_article", "sitemap"},
        shows={"nancy_article": 'href="/territoire/metz/"', **dict.fromkeys(lists, "Nancy rénove sa gare")},
    )


def test_moving_a_town_purges_the_lists_of_its_old_and_new_containers(servers, newsroom):
    urls = warm(servers[0], newsroom)
    metz = newsroom["metz"]
    metz.parent = newsroom["grand_est"]  # out of the Moselle
    metz.save()
    check_change(
        servers,
        urls,
        {"article", "match", "metz", "moselle", "grand_est", "sitemap"},
        hides={"moselle": "Le FC Metz gagne"},
        shows={"grand_est": "Le FC Metz gagne"},
    )


# Time: scheduled articles and closing comments ------------------------------------------------


def test_scheduled_article_appears_at_its_time_without_any_write(servers, newsroom, make_article, editor, settings):
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    first, second = servers
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        scheduled = make_article(
            "Le budget régional dévoilé", slug="budget", status=Article.Status.DRAFT, territories=[newsroom["nancy"]]
        )
        scheduled.publish(by=editor, at=now + timedelta(hours=2))
        urls = warm(first, newsroom)
        assert "Le budget régional dévoilé" not in first.get(urls["home"]).content.decode()
    with time_machine.travel(now + timedelta(hours=1), tick=False):
        assert first.get(urls["home"])["X-Cache"] == "HIT"
        assert second.get(urls["nancy_article"])["X-Cache"] == "HIT"
    with time_machine.travel(now + timedelta(hours=2, seconds=1), tick=False):
        for server in servers:
            for name in ("home", "section", "nancy", "grand_est", "feed", "nancy_feed"):
                assert "Le budget régional dévoilé" in server.get(urls[name]).content.decode(), name
        assert second.get(scheduled.get_absolute_url()).status_code == 200
        # Pages it does not enter stayed cached all along.
        assert first.get(urls["metz"])["X-Cache"] == "HIT"
        assert first.get(urls["article"])["X-Cache"] == "HIT"


def test_article_page_is_kept_no_later_than_its_comments_close(client, page_cache, newsroom, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = newsroom["article"]
    closing = article.published_at + timedelta(days=30)
    with time_machine.travel(closing - timedelta(minutes=10), tick=False):
        client.get(url_of(article))
        assert "Laisser un commentaire" in client.get(url_of(article)).content.decode()
    with time_machine.travel(closing + timedelta(seconds=1), tick=False):
        response = client.get(url_of(article))
        assert response["X-Cache"] == "MISS"
        assert "Les commentaires sont fermés." in response.content.decode()
        assert client.get(url_of(article))["X-Cache"] == "HIT"  # closed for good: kept again


# Losing the cache's bookkeeping never serves a stale page ----------------------------------------


def test_an_evicted_tag_mark_makes_its_pages_miss_not_stale(client, page_cache, newsroom):
    from pagecache.core import tag_key

    url = url_of(newsroom["article"])
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    cache.delete(tag_key(f"article:{newsroom['article'].pk}"))
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"


def test_a_page_rendered_before_a_change_committed_is_not_kept(client, page_cache, newsroom):
    """The race the clock exists for: a page read from the database, then a purge, then the page stored."""
    from pagecache import core

    url = url_of(newsroom["article"])
    real_read_clock = core.read_clock

    def clock_then_concurrent_edit(known=None):
        value = real_read_clock(known)
        # Another server commits a change and purges while this page is being rendered.
        core.purge(f"article:{newsroom['article'].pk}")
        return value

    core.read_clock = clock_then_concurrent_edit
    try:
        assert client.get(url)["X-Cache"] == "MISS"
    finally:
        core.read_clock = real_read_clock
    assert client.get(url)["X-Cache"] == "MISS"  # the page stored above was not trusted
    assert client.get(url)["X-Cache"] == "HIT"


# The CDN purge hook ----------------------------------------------------------------------

hook_calls = []


def record_hook(tags):
    hook_calls.append(tags)


@pytest.mark.django_db(transaction=True)
def test_a_purge_outside_any_transaction_reaches_the_cdn_hook_with_its_tags(settings):
    # Outside a transaction the after-commit pass runs at once: it must already hold the tags.
    settings.PAGE_CACHE_PURGE_HOOK = "test_page_cache.record_hook"
    hook_calls.clear()
    pagecache.purge("article:1", "sitemaps")
    pagecache.purge("article:2", at_once=True)
    assert hook_calls == [["article:1", "sitemaps"], ["article:2"]]


@pytest.mark.django_db(transaction=True)
def test_cdn_purge_hook_receives_the_tags_after_commit(page_cache, newsroom, settings):
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (self.headers["Authorization"], json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}/purge"
        settings.CDN_PURGE_TOKEN = "secret-token"
        settings.PAGE_CACHE_PURGE_HOOK = "pagecache.cdn.post_tags"
        article = newsroom["article"]
        with transaction.atomic():
            article.title = "Nouveau titre"
            article.save()
            article.tags.add("Régionales")  # several changes, one purge
            assert received == []  # not before the commit
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1 and received[0][0] == "Bearer secret-token"
    assert {f"article:{article.pk}", f"article:{article.pk}:page", "sitemaps"} <= set(received[0][1]["tags"])


def test_a_purge_mark_only_ever_goes_up(page_cache):
    """Two purges of one tag that cross: the earlier one's mark arriving last must not win."""
    from pagecache.core import raise_marks, tag_key, tag_marks

    raise_marks([tag_key("article:1"), tag_key("article:2")], 10)
    raise_marks([tag_key("article:1")], 7)  # a purge that ticked earlier, landing later
    raise_marks([tag_key("article:2")], 12)
    assert tag_marks(["article:1", "article:2", "article:3"]) == {"article:1": 10, "article:2": 12, "article:3": None}


def test_a_new_release_does_not_serve_the_pages_of_the_previous_one(page_cache, newsroom, settings):
    url = url_of(newsroom["article"])
    settings.PAGE_CACHE_RELEASE = "v1"
    old = Client()
    old.get(url)
    assert old.get(url)["X-Cache"] == "HIT"
    settings.PAGE_CACHE_RELEASE = "v2"  # a server of the next release, during a rolling deployment
    new = Client()
    assert new.get(url)["X-Cache"] == "MISS"
    assert new.get(url)["X-Cache"] == "HIT"
    assert old.get(url)["X-Cache"] == "HIT"  # each release keeps its own pages


def test_the_release_follows_code_and_templates(tmp_path):
    from pagecache.middleware import code_fingerprint

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ title }}</p>")
    (tmp_path / "views.py").write_text("TITLE = 1\n")
    first = code_fingerprint(tmp_path)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "db.sqlite3").write_text("data")
    (tmp_path / "notes.md").write_text("not code")
    assert code_fingerprint(tmp_path) == first  # data and prose are not the release
    page.write_text("<p class=titre>{{ title }}</p>")
    assert code_fingerprint(tmp_path) != first


def test_once_its_comments_are_moderated_a_reader_gets_cached_pages_again(
    servers, newsroom, comment_data, moderator, settings
):
    reader, author = servers
    url, other = url_of(newsroom["article"]), url_of(newsroom["match"])
    response = author.post(post_url(newsroom["article"]), comment_data(), headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 302 and HELD_COOKIE in author.cookies
    assert "X-Cache" not in author.get(other)  # held somewhere: this browser's pages are its own
    comment = Comment.objects.get()
    comment.approve(by=moderator)

    spent = author.get(other)  # a page of another article: the cookie is spent all the same
    assert author.cookies[HELD_COOKIE].value == "" and spent.cookies[HELD_COOKIE]["max-age"] == 0
    assert "no-store" not in spent.get("Cache-Control", "")
    author.get(url)
    assert author.get(url)["X-Cache"] == "HIT"


def test_a_comment_still_held_elsewhere_keeps_its_cookie(servers, newsroom, comment_data, moderator):
    from comments.moderation import make_form_token

    _reader, author = servers
    same_origin = {"sec-fetch-site": "same-origin"}
    author.post(post_url(newsroom["article"]), comment_data("Premier commentaire, posé."), headers=same_origin)
    data = {**comment_data("Second commentaire, ailleurs."), "token": make_form_token(newsroom["match"])}
    author.post(post_url(newsroom["match"]), data, headers=same_origin)
    Comment.objects.get(article=newsroom["match"]).approve(by=moderator)

    page = author.get(url_of(newsroom["match"]))  # its own comment there is approved…
    assert HELD_COOKIE not in page.cookies  # …but the other one still waits: the cookie stays
    assert "Premier commentaire, posé." in author.get(url_of(newsroom["article"])).content.decode()
