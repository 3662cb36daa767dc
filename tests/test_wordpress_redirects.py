"""Old WordPress addresses: each form answers 301 to the new page, never to a draft, at a bounded cost.

The imported items are written here directly, as the importer leaves them: a post's
``wordpress_id`` is its id, its ``wordpress_slug`` the decoded slug and its ``old_path``
the path of its ``<link>``; a term names its taxonomy; an author's ``wordpress_id`` is the login.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from test_settings import PRODUCTION_ENV, manage

from articles.models import Article
from wordpress.models import ImportedItem
from wordpress.redirects import OldAddressMiddleware, read_path

pytestmark = pytest.mark.django_db

SOURCE = "https://ancien.example.org"
OTHER_SOURCE = "https://autre.example.org"
MIDDLEWARE = f"{OldAddressMiddleware.__module__}.{OldAddressMiddleware.__name__}"


def imported(kind, wordpress_id, *, source=SOURCE, taxonomy="", slug="", old_path="", **target):
    return ImportedItem.objects.create(
        source=source,
        kind=kind,
        taxonomy=taxonomy,
        wordpress_id=str(wordpress_id),
        wordpress_slug=slug,
        old_path=old_path,
        **target,
    )


def imported_post(article, wordpress_id, slug, old_path="", **fields):
    return imported(ImportedItem.Kind.POST, wordpress_id, slug=slug, old_path=old_path, article=article, **fields)


def imported_term(taxonomy, wordpress_id, slug, **fields):
    return imported(ImportedItem.Kind.TERM, wordpress_id, taxonomy=taxonomy, slug=slug, **fields)


@pytest.fixture
def site(make_article, section, make_territory, make_personality, make_user):
    """A WordPress site imported: posts, a page, nested categories, tags, places, people, an author."""
    economie = section
    author = make_user("cplume", first_name="Claire", last_name="Plume")
    silent = make_user("muet", first_name="Paul", last_name="Muet")  # never signed a published article
    industrie = Tag.objects.create(name="Industrie", slug="industrie")
    metz = make_territory("Metz", slug="metz")
    minister = make_personality("Roland Lescure", slug="roland-lescure")
    article = make_article(
        "Metz accueille les FinTech",
        slug="metz-accueille-les-fintech",
        section=economie,
        tags=["FinTech", industrie],
        territories=[metz],
        personalities=[minister],
        authors=[author],
    )
    summer = make_article("L’été à Metz", slug="ete-a-metz", section=economie)
    page = make_article("Qui sommes-nous ?", slug="qui-sommes-nous", section=economie)
    draft = make_article("Brouillon", slug="brouillon", section=economie, status=Article.Status.DRAFT)
    scheduled = make_article("Demain", slug="demain", section=economie, published_at=timezone.now() + timedelta(days=1))
    imported_post(article, 12, "mon-article", "/2016/07/14/mon-article/")
    # WordPress's <link> percent-encodes non-ASCII slugs, in lowercase hexadecimal.
    imported_post(summer, 14, "été-à-metz", "/2016/08/01/%c3%a9t%c3%a9-%c3%a0-metz/")
    imported_post(page, 20, "qui-sommes-nous", "/qui-sommes-nous/")
    imported_post(draft, 13, "brouillon-secret", "/2016/07/15/brouillon-secret/")
    imported_post(scheduled, 15, "demain", "/2016/07/16/demain/")
    imported_term("category", 5, "economie", section=economie)
    imported_term("category", 6, "industrie", tag=industrie)  # a child category
    imported_term("post_tag", 7, "fintech", tag=Tag.objects.get(slug="fintech"))
    imported_term("post_tag", 8, "oublie", tag=Tag.objects.create(name="Oublié", slug="oublie"))  # no article
    imported_term("ville", 9, "metz", territory=metz)
    imported_term("people", 10, "roland-lescure", personality=minister)
    imported(ImportedItem.Kind.AUTHOR, "cplume", user=author)
    imported(ImportedItem.Kind.AUTHOR, "muet", user=silent)
    return {
        "article": article,
        "summer": summer,
        "page": page,
        "draft": draft,
        "economie": economie,
        "industrie": industrie,
        "metz": metz,
        "minister": minister,
        "author": author,
    }


def assert_redirects(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new, old
    assert client.get(new).status_code == 200, new


# Posts --------------------------------------------------------------------------------------------

POST_ADDRESSES = [
    "/?p=12",
    "/index.php?p=12",
    "/?p=12&feed=rss2",  # the post's comment feed
    "/2016/07/14/mon-article/",  # its <link>
    "/2016/07/14/mon-article",
    "/index.php/2016/07/14/mon-article/",
    "/mon-article/",
    "/mon-article",
    "/Mon-Article/",
    "/2016/07/mon-article/",
    "/2016/mon-article/",
    "/category/economie/mon-article/",
    "/category/nimporte-laquelle/mon-article/",
    "/economie/mon-article/",
    "/economie/industrie/mon-article/",
    "/mon-article/amp/",
    "/2016/07/14/mon-article/amp",
    "/2016/07/14/mon-article/comment-page-2/",
    "/2016/07/14/mon-article/comment-page-2/amp/",
    "/2016/07/14/mon-article/feed/",
    "/mon-article/feed/rss2/",
    "/category/economie/mon-article/feed/atom/",
    "/mon-article/trackback/",
]


@pytest.mark.parametrize("old", POST_ADDRESSES)
def test_every_old_address_of_a_post_leads_to_its_article(client, site, old):
    assert_redirects(client, old, site["article"].get_absolute_url())


@pytest.mark.parametrize(
    "old",
    [
        "/2016/08/01/%C3%A9t%C3%A9-%C3%A0-metz/",  # as browsers send it
        "/2016/08/01/%c3%a9t%c3%a9-%c3%a0-metz",
        "/2016/08/01/été-à-metz/",
        "/été-à-metz/",
        "/%C3%A9t%C3%A9-%C3%A0-metz/feed/",
        "/category/economie/été-à-metz/",
    ],
)
def test_a_slug_with_accents_is_found_encoded_or_not(client, site, old):
    assert_redirects(client, old, site["summer"].get_absolute_url())


def test_an_old_path_stored_decoded_is_found_from_an_encoded_request(client, site, make_article):
    article = make_article(slug="noel")
    imported_post(article, 30, "noël", "/2016/12/25/noël/")
    assert_redirects(client, "/2016/12/25/no%C3%ABl/", article.get_absolute_url())


def test_a_page_by_its_id_and_its_address(client, site):
    assert_redirects(client, "/?page_id=20", site["page"].get_absolute_url())
    assert_redirects(client, "/qui-sommes-nous/", site["page"].get_absolute_url())


def test_a_child_page_is_found_under_its_parent(client, site, make_article):
    child = make_article(slug="equipe")
    imported_post(child, 21, "equipe")  # no old_path recorded: found by its slug, under an imported page
    assert_redirects(client, "/qui-sommes-nous/equipe/", child.get_absolute_url())
    assert client.get("/pas-importee/equipe/").status_code == 404  # « pas-importee » is no category nor page


def test_the_redirect_follows_a_later_rename(client, site):
    article = site["article"]
    article.slug = "fintech-a-metz"
    article.save()
    assert_redirects(client, "/2016/07/14/mon-article/", "/article/fintech-a-metz/")
    assert_redirects(client, "/?p=12", "/article/fintech-a-metz/")


def test_query_string_is_dropped(client, site):
    response = client.get("/2016/07/14/mon-article/?utm_source=twitter&replytocom=4")
    assert response["Location"] == site["article"].get_absolute_url()


# Never a page readers may not see ------------------------------------------------------------------


@pytest.mark.parametrize(
    "old",
    [
        "/2016/07/15/brouillon-secret/",
        "/brouillon-secret/",
        "/category/economie/brouillon-secret/",
        "/2016/07/16/demain/",
    ],
)
def test_the_old_address_of_a_draft_or_a_scheduled_post_stays_a_404(client, site, old):
    assert client.get(old).status_code == 404


def test_the_old_id_of_a_draft_or_of_nothing_is_a_404_not_the_home_page(client, site):
    # WordPress showed its home page for them: a « soft 404 » that search engines keep as a page.
    for old in ("/?p=13", "/?p=15", "/?p=999", "/?page_id=13", "/?cat=999", "/?tag=inconnu", "/?attachment_id=9"):
        response = client.get(old)
        assert response.status_code == 404, old
        assert site["draft"].get_absolute_url() not in response.text


def test_an_unpublished_article_loses_its_old_addresses(client, site, editor):
    site["article"].unpublish(by=editor)
    assert client.get("/2016/07/14/mon-article/").status_code == 404
    assert client.get("/?p=12").status_code == 404


def test_a_tag_or_an_author_without_a_published_article_is_not_a_page(client, site):
    assert client.get("/tag/oublie/").status_code == 404
    assert client.get("/author/muet/").status_code == 404
    assert client.get("/?author=muet").status_code == 404


# Categories, tags, places, people, authors -------------------------------------------------------


def test_archives_lead_to_the_subjects_pages(client, site):
    section = site["economie"].get_absolute_url()
    industrie = reverse("articles:tag", args=["industrie"])
    fintech = reverse("articles:tag", args=["fintech"])
    author = reverse("articles:author", args=[site["author"].pk])
    for old, new in [
        ("/category/economie/", section),
        ("/category/economie", section),
        ("/category/economie/page/3/", section),
        ("/economie/", section),  # a site whose categories have no /category/
        ("/?cat=5", section),
        ("/category/economie/industrie/", industrie),  # a child category became a tag
        ("/economie/industrie/", industrie),
        ("/?cat=6", industrie),
        ("/tag/fintech/", fintech),
        ("/tag/fintech/page/2/", fintech),
        ("/?tag=fintech", fintech),
        ("/ville/metz/", site["metz"].get_absolute_url()),
        ("/people/roland-lescure/", site["minister"].get_absolute_url()),
        ("/author/cplume/", author),
        ("/author/cplume/page/2/", author),
        ("/?author=cplume", author),
        ("/?author_name=cplume", author),
    ]:
        assert_redirects(client, old, new)


def test_feeds_lead_to_ours(client, site):
    main = reverse("articles:feed")
    for old, new in [
        ("/feed/", main),
        ("/feed/rss2/", main),
        ("/feed/atom/", main),
        ("/feed/rdf/", main),
        ("/rss2/", main),
        ("/atom/", main),
        ("/wp-rss2.php", main),
        ("/comments/feed/", main),
        ("/?feed=rss2", main),
        ("/index.php?feed=atom", main),
        ("/category/economie/feed/", reverse("articles:section_feed", args=["economie-emploi"])),
        ("/?cat=5&feed=rss2", reverse("articles:section_feed", args=["economie-emploi"])),
        ("/category/economie/industrie/feed/", reverse("articles:tag_feed", args=["industrie"])),
        ("/tag/fintech/feed/", reverse("articles:tag_feed", args=["fintech"])),
        ("/?tag=fintech&feed=atom", reverse("articles:tag_feed", args=["fintech"])),
        ("/ville/metz/feed/", reverse("articles:territory_feed", args=["metz"])),
        ("/people/roland-lescure/feed/rss2/", reverse("articles:personality_feed", args=["roland-lescure"])),
        ("/author/cplume/feed/", reverse("articles:author_feed", args=[site["author"].pk])),
    ]:
        assert_redirects(client, old, new)


def test_the_search_form_of_wordpress_leads_to_ours(client, site):
    response = client.get("/?s=fintech+metz")
    assert response.status_code == 301
    assert response["Location"] == "/recherche/?q=fintech+metz"
    assert "Metz accueille les FinTech" in client.get(response["Location"]).text


def test_a_wordpress_taxonomy_named_like_our_pages_is_served_by_them(client, site, make_personality):
    # /personnalite/<slug>/ is our own address: the imported person, whose slug was kept, is there already.
    imported_term("personnalite", 11, "roland-lescure", personality=site["minister"])
    assert client.get("/personnalite/roland-lescure/").status_code == 200
    assert_redirects(
        client, "/personnalite/roland-lescure/feed/", reverse("articles:personality_feed", args=["roland-lescure"])
    )


# Several WordPress sites ---------------------------------------------------------------------------


def test_of_two_sites_the_latest_imported_wins(client, site, make_article):
    newer = make_article(slug="du-second-site")
    imported_post(newer, 12, "mon-article", "/2016/07/14/mon-article/", source=OTHER_SOURCE)
    ImportedItem.objects.filter(source=SOURCE).update(imported_at=timezone.now() - timedelta(days=1))
    for old in ("/?p=12", "/2016/07/14/mon-article/", "/mon-article/"):
        assert_redirects(client, old, newer.get_absolute_url())

    ImportedItem.objects.filter(source=OTHER_SOURCE).update(imported_at=timezone.now() - timedelta(days=2))
    for old in ("/?p=12", "/2016/07/14/mon-article/", "/mon-article/"):
        assert_redirects(client, old, site["article"].get_absolute_url())


def test_the_exact_old_address_beats_a_slug_of_another_site(client, site, make_article):
    other = make_article(slug="homonyme")
    imported_post(other, 99, "mon-article", "/autre/chemin/mon-article/", source=OTHER_SOURCE)
    # The other site is the latest imported, but the exact <link> of the first one names its post.
    assert_redirects(client, "/2016/07/14/mon-article/", site["article"].get_absolute_url())
    assert_redirects(client, "/autre/chemin/mon-article/", other.get_absolute_url())


def test_a_draft_of_the_latest_site_does_not_hide_the_public_post_of_another(client, site, make_article):
    draft = make_article(slug="brouillon-2", status=Article.Status.DRAFT)
    imported_post(draft, 12, "mon-article", source=OTHER_SOURCE)
    assert_redirects(client, "/?p=12", site["article"].get_absolute_url())


def test_category_prefixes_must_belong_to_the_posts_own_site(client, site, make_article):
    other = make_article(slug="ailleurs")
    imported_post(other, 40, "ailleurs", source=OTHER_SOURCE)
    assert client.get("/economie/ailleurs/").status_code == 404  # « economie » is a category of the first site
    assert_redirects(client, "/ailleurs/", other.get_absolute_url())


# Hostile and strange inputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/?p=abc",
        "/?p=" + "9" * 30,
        "/?p=-3",
        "/?p=%00",
        "/?page_id=1e3",
        "/?cat=" + "1" * 40,
        "/?tag=%00",
        "/?tag=" + "a" * 5000,
        "/?tag=%C3%28",
        "/?author=%00",
        "/?author=" + "x" * 10_000,
        "/?s=%00%01",
        "/?s=" + "mot " * 3000,
        "/?feed=%00",
        "/?p=12&p=abc",
        "/a%00b/",
        "/%00/",
        "/category/%00/",
        "/tag/a%00/feed/",
        "/" + "a" * 10_000 + "/",
        "/" + "a/" * 5000,
        "/2016/07/14/" + "é" * 3000 + "/",
        "/%ff%fe/",
        "/%C3%28/",
        "/category/",
        "/tag/",
        "/author/",
        "/page/abc/",
        "/page/2/",
        "/amp/",
        "/feed/feed/feed/feed/",
        "/comment-page-99999999999999/",
        "/wp-login.php",
        "/wp-admin/",
        "/xmlrpc.php",
        "/.env",
        "/mon-article/%0A/",
        "/MON-ARTICLE%20/",
        "/index.php",
        "/index.php?p=99999",
    ],
)
def test_hostile_addresses_never_fail(client, site, address):
    response = client.get(address)  # the test client raises any exception a view or middleware lets out
    assert response.status_code in (200, 301, 404)
    if response.status_code == 301:
        assert response["Location"].startswith("/")
        assert client.get(response["Location"]).status_code == 200


def test_empty_parameters_name_nothing(client, site):
    for address in ("/?author=", "/?author_name=&author=", "/?tag=", "/?p=", "/?cat=", "/?attachment_id="):
        assert client.get(address).status_code == 200, address  # the home page, as WordPress would show


def test_head_is_answered_like_get_and_other_methods_are_left_alone(client, site):
    assert client.head("/2016/07/14/mon-article/").status_code == 301
    assert client.post("/2016/07/14/mon-article/").status_code == 404
    assert client.post("/?p=12").status_code != 301


def test_addresses_that_are_not_wordpress_ones_are_read_without_lookup():
    for path in ("/wp-admin/options.php", "/" + "a" * 600, "/a\x00b/", "/" + "a/" * 20):
        assert read_path(path) is None
    assert read_path("/feed/") == reverse("articles:feed")
    assert read_path("/page/2/") == reverse("articles:home")


# What it costs ------------------------------------------------------------------------------------


def queries_for(path: str, *, middleware: bool) -> int:
    """The queries a fresh anonymous reader's request costs, with the middleware in place or without it."""
    with pytest.MonkeyPatch.context() as patch:
        stack = [name for name in django_settings.MIDDLEWARE if middleware or name != MIDDLEWARE]
        patch.setattr(django_settings, "MIDDLEWARE", stack)
        reader = Client()
        cache.clear()
        reader.get(path)  # the menu and other per-process memories filled, as on a running site
        with CaptureQueriesContext(connection) as queries:
            reader.get(path)
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/?page=2",
        "/article/metz-accueille-les-fintech/",
        "/rubrique/economie-emploi/",
        "/mot-cle/fintech/",
        "/rss/",
        "/recherche/?q=metz",
        "/article/inconnu/",  # our own addresses' 404s: ours, never looked up
        "/rubrique/inconnue/",
        "/auteur/99999/",
        "/wp-login.php",  # robots' probes
        "/wp-admin/install.php",
        "/.env",
        "/feed/",  # answered without a query
    ],
)
def test_the_sites_own_pages_and_404s_cost_no_extra_query(site, page):
    assert queries_for(page, middleware=True) == queries_for(page, middleware=False)


@pytest.mark.parametrize(
    ("old", "extra"),
    [
        ("/inconnue/", 1),  # a WordPress-shaped address that names nothing: one look
        ("/2016/07/14/inconnue/", 1),
        ("/2016/07/14/mon-article/", 1),
        ("/economie/industrie/mon-article/amp/", 1),
        ("/category/economie/", 1),
        ("/ville/metz/feed/", 1),
        ("/tag/fintech/", 2),  # a tag is a page only while a published article has it
        ("/author/cplume/", 2),
    ],
)
def test_an_old_address_costs_one_or_two_queries_more_than_a_404(site, old, extra):
    assert queries_for(old, middleware=True) == queries_for(old, middleware=False) + extra


@pytest.mark.parametrize(("old", "count"), [("/?p=12", 1), ("/?cat=5&feed=rss2", 1), ("/?tag=fintech", 2)])
def test_an_old_id_is_answered_before_any_page_is_rendered(client, site, django_assert_num_queries, old, count):
    with django_assert_num_queries(count):
        assert client.get(old).status_code == 301


def test_the_lookup_is_bounded_with_many_sites(client, site, make_article, django_assert_max_num_queries):
    for number in range(10):
        imported_post(make_article(status=Article.Status.DRAFT), 12, "mon-article", source=f"https://site{number}.fr")
        imported_term("post_tag", 7, "fintech", tag=Tag.objects.get(slug="oublie"), source=f"https://site{number}.fr")
    with django_assert_max_num_queries(1):
        assert client.get("/?p=12").status_code == 301
    with django_assert_max_num_queries(3):
        client.get("/?tag=fintech")


# With the page cache ------------------------------------------------------------------------------


def test_the_middleware_sits_before_the_page_cache():
    stack = django_settings.MIDDLEWARE
    assert stack.index("django.middleware.security.SecurityMiddleware") < stack.index(MIDDLEWARE)
    assert stack.index(MIDDLEWARE) < stack.index("pagecache.middleware.PageCacheMiddleware")


def test_in_production_static_files_come_first_then_old_addresses_then_the_page_cache(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(*settings.MIDDLEWARE)",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION_ENV,
    )
    stack = result.stdout.splitlines()[-1].split() if result.stdout else []
    assert stack[:9] == [
        # The health probes' /sante/, answered before anything else (newsroom/health.py).
        "newsroom.health.HealthCheckMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        # Headers on every page, cached ones too: outside the page cache.
        "newsroom.middleware.PermissionsPolicyMiddleware",
        "newsroom.middleware.ContentSecurityPolicyMiddleware",
        MIDDLEWARE,
        # Input PostgreSQL cannot take, and the configured host: both before the page cache too.
        "newsroom.middleware.UnreadableInputMiddleware",
        "newsroom.middleware.CanonicalHostMiddleware",
        "pagecache.middleware.PageCacheMiddleware",
    ], result.stderr


def test_an_old_id_is_answered_even_when_the_home_page_is_kept_for_it(site, page_cache, make_article):
    reader = Client()
    assert reader.get("/").status_code == 200
    assert reader.get("/")["X-Cache"] == "HIT"
    # An id not imported yet is a 404, never the home page kept for « / », and never kept itself.
    assert reader.get("/?p=50").status_code == 404
    assert "X-Cache" not in reader.get("/?p=50")
    later = make_article(slug="importe-plus-tard")
    imported_post(later, 50, "importe-plus-tard")
    assert_redirects(reader, "/?p=50", later.get_absolute_url())


def test_an_old_address_redirects_once_imported_and_no_redirect_is_kept(site, page_cache, make_article, editor):
    reader = Client()
    assert reader.get("/2017/01/02/plus-tard/").status_code == 404
    assert reader.get("/2017/01/02/plus-tard/").status_code == 404
    later = make_article(slug="plus-tard-ici")
    imported_post(later, 51, "plus-tard", "/2017/01/02/plus-tard/")
    response = reader.get("/2017/01/02/plus-tard/")
    assert (response.status_code, response["Location"]) == (301, "/article/plus-tard-ici/")
    assert "X-Cache" not in response
    assert reader.get("/article/plus-tard-ici/").status_code == 200
    assert reader.get("/article/plus-tard-ici/")["X-Cache"] == "HIT"

    later.slug = "renomme"
    later.save()
    assert reader.get("/2017/01/02/plus-tard/")["Location"] == "/article/renomme/"
    later.unpublish(by=editor)
    assert reader.get("/2017/01/02/plus-tard/").status_code == 404
