"""« Email never leaks »: a reader's address reaches the moderators, never another reader.

A small but realistic site is built, readers comment through the site, and an anonymous
reader then crawls every public page. No page, header or cookie may hold a commenter's
address, in any spelling: as typed, lower-cased, URL- or HTML-encoded, or hashed as
Gravatar and friends do.
"""

import hashlib
import html
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus, unquote, urljoin, urlsplit

import pytest
from comment_form import post_comment
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Personality, Section, Territory
from articles.sitemaps import SITEMAPS
from comments.models import Comment

pytestmark = pytest.mark.django_db

SECRET = "lecteur.secret@exemple.fr"
MARIE = "Marie.Dupont+news@exemple.org"
PAUL = "Paul.Henry@Exemple.FR"
HELD = "en.attente@exemple.net"  # a comment the moderators never approve
ADDRESSES = [SECRET, MARIE, PAUL, HELD]

HOST = "http://testserver"
MAX_PAGES = 500
HASHES = ["md5", "sha1", "sha256"]


# The leak checker ------------------------------------------------------------------------


def leak_forms(address: str) -> dict[str, str]:
    """Every spelling of ``address`` a page could give away, by a readable label."""
    normalised = address.strip().lower()
    forms = {
        "en clair": address,
        "encodée pour une URL": quote(address, safe=""),
        "encodée pour un formulaire": quote_plus(address),
    }
    for name in HASHES:
        forms[f"{name} de l’adresse normalisée"] = hashlib.new(name, normalised.encode()).hexdigest()
        forms[f"{name} de l’adresse brute"] = hashlib.new(name, address.encode()).hexdigest()
    return forms


def find_leaks(text: str, addresses=ADDRESSES) -> list[str]:
    """The addresses ``text`` gives away, in any of their forms, case-insensitively."""
    # Decoded variants too: « &#64; » or « %40 » for the @ would otherwise slip through.
    decoded = html.unescape(text)
    haystacks = {variant.lower() for variant in (text, decoded, unquote(text), unquote(decoded))}
    return [
        f"{address} ({label})"
        for address in addresses
        for label, needle in leak_forms(address).items()
        if any(needle.lower() in haystack for haystack in haystacks)
    ]


def everything_sent(response) -> str:
    """What a browser receives: the body, every header, every cookie."""
    headers = [f"{name}: {value}" for name, value in response.headers.items()]
    cookies = [morsel.OutputString() for morsel in response.cookies.values()]
    return "\n".join([response.content.decode(errors="replace"), *headers, *cookies])


# The crawler -------------------------------------------------------------------------------


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links.extend(value for name, value in attrs if name in {"href", "src"} and value)


def is_crawlable(path: str) -> bool:
    return not path.startswith(("/admin/", "/static/", "/media/"))


def same_site_links(page_html: str, page_url: str) -> set[str]:
    """The site's own pages this HTML links to, as paths with their query string, without fragment."""
    collector = LinkCollector()
    collector.feed(page_html)
    links = set()
    for link in collector.links:
        parts = urlsplit(urljoin(HOST + page_url, link))
        if parts.scheme in {"http", "https"} and parts.netloc == "testserver" and is_crawlable(parts.path):
            links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def crawl(client, start_urls) -> dict:
    """GET every page reachable from ``start_urls``, following same-site links and redirects."""
    seen = {}
    queue = list(dict.fromkeys(start_urls))
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code in {301, 302, 303, 307, 308}:
            parts = urlsplit(urljoin(HOST + url, response["Location"]))
            if parts.netloc == "testserver" and is_crawlable(parts.path):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        elif response["Content-Type"].startswith("text/html"):
            queue.extend(sorted(same_site_links(response.content.decode(), url) - seen.keys()))
    return seen


def leaks_in(responses: dict, addresses=ADDRESSES) -> dict:
    found = {url: find_leaks(everything_sent(response), addresses) for url, response in responses.items()}
    return {url: leaks for url, leaks in found.items() if leaks}


# The site ------------------------------------------------------------------------------------


def posted(client, article, **fields) -> Comment:
    response = post_comment(client, article, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Comment.objects.get(body=fields["body"])


@pytest.fixture
def commenting(settings):
    """Readers may post at once, as often as the test needs; lists paginate after two articles."""
    settings.COMMENTS_MIN_SECONDS_TO_WRITE = 0
    settings.COMMENTS_RATE_LIMIT = 0
    settings.ARTICLES_PER_PAGE = 2


@pytest.fixture
def site(commenting, make_article, make_section, make_territory, make_personality, section, moderator):
    """Two sections, a territory tree, two public figures, tags, five linked articles, and their comments."""
    sport = make_section("Sport", slug="sport", menu_position=2)
    grand_est = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=grand_est, slug="moselle")
    meurthe = make_territory("Meurthe-et-Moselle", kind=Territory.Kind.DEPARTEMENT, parent=grand_est, slug="m-et-m")
    sillon = make_territory("Sillon Lorrain", kind=Territory.Kind.GROUPING, parent=grand_est, slug="sillon-lorrain")
    metz = make_territory("Metz", parent=moselle, groupings=[sillon], slug="metz")
    nancy = make_territory("Nancy", parent=meurthe, groupings=[sillon], slug="nancy")
    mayor = make_personality("Élise Marchal", role="maire de Metz", slug="elise-marchal")
    minister = make_personality("Claire Vasseur", role="ministre de l’Économie", slug="claire-vasseur")

    market = make_article(
        "Le marché couvert de Metz rouvre",
        slug="marche-couvert",
        tags=["Commerce", "Patrimoine"],
        territories=[metz],
        personalities=[mayor],
        is_featured=True,
    )
    fintech = make_article(
        "La FinTech s’installe à Nancy",
        slug="fintech-nancy",
        tags=["FinTech"],
        territories=[nancy],
        personalities=[minister],
        related=[market],
    )
    tram = make_article("Le tram relie enfin les deux villes", slug="tram", territories=[metz, nancy], related=[market])
    make_article("Le FC Metz en tête", slug="fc-metz", section=sport, territories=[metz], tags=["Football"])
    make_article("Le SLUC Nancy se qualifie", slug="sluc-nancy", section=sport, territories=[nancy])
    make_article("Brouillon jamais publié", slug="brouillon", status=Article.Status.DRAFT)
    market.related_articles.add(fintech, tram)

    secret = posted(
        Client(), market, name="Lecteur discret", email=SECRET, body="Le marché mérite mieux que ce parking."
    )
    secret.approve(by=moderator)
    marie = posted(
        Client(),
        market,
        name="Marie Dupont",
        email=MARIE,
        url="https://marie-dupont.example.org",
        body="D’accord : il faudrait une navette depuis la gare.",
        parent=secret.pk,
    )
    marie.approve(by=moderator)
    marie.set_featured(True, by=moderator)  # shown twice on the page: « Choix de la rédaction », then in place
    paul_browser = Client()
    paul = posted(paul_browser, fintech, name="Paul Henry", email=PAUL, body="Combien d’emplois créés ?", remember="on")
    paul.approve(by=moderator)
    again = posted(Client(), tram, name="Lecteur discret", email=SECRET, body="Et le dimanche, il circule ?")
    again.approve(by=moderator)
    held = posted(Client(), market, name="Anonyme", email=HELD, body="Texte jamais approuvé.")
    assert held.status == Comment.Status.PENDING

    return {
        "market": market,
        "fintech": fintech,
        "tram": tram,
        "sections": [section, sport],
        "territories": [grand_est, moselle, meurthe, sillon, metz, nancy],
        "approved": [secret, marie, paul, again],
        "held": held,
        "paul_browser": paul_browser,
    }


def every_public_url(site) -> list[str]:
    """The home page, every page the database could give an address to, and their variants."""
    urls = [reverse("articles:home"), "/?page=2"]
    urls += [article.get_absolute_url() for article in Article.objects.all()]
    urls += [article.get_preview_url() for article in Article.objects.all()]
    for model in (Section, Territory, Personality):
        for subject in model.objects.all():
            urls += [subject.get_absolute_url(), subject.get_absolute_url() + "?page=2"]
    urls += [reverse("articles:tag", args=[tag.slug]) for tag in Tag.objects.all()]
    market = site["market"].get_absolute_url()
    urls += [f"{market}?repondre={comment.pk}" for comment in Comment.objects.all()]
    urls += [f"{market}?repondre=999999", "/nulle-part/", "/article/inexistant/", "/rubrique/sport/?page=99"]
    urls += [reverse("comments:post", args=[site["market"].pk])]  # a GET where a POST is expected
    # Every comment's report form, published or not (a 404 for those nobody may report).
    urls += [reverse("comments:report", args=[comment.pk]) for comment in Comment.objects.all()]
    return urls


# The tests -------------------------------------------------------------------------------------


def test_checker_finds_an_address_in_every_form():
    address = "Marie.Dupont+news@exemple.org"
    normalised = "marie.dupont+news@exemple.org"
    planted = {
        "typed": f"<p>Écrit par {address}</p>",
        "upper-cased": f"<p>{address.upper()}</p>",
        "url-encoded": '<a href="/partager?de=marie.dupont%2Bnews%40exemple.org">',
        "only the @ encoded": "marie.dupont+news%40exemple.org",
        "html entity": "marie.dupont+news&#64;exemple.org",
        "gravatar md5": f'<img src="https://www.gravatar.com/avatar/{hashlib.md5(normalised.encode()).hexdigest()}">',
        "md5 of the raw address": hashlib.md5(address.encode()).hexdigest(),
        "sha1": hashlib.sha1(normalised.encode()).hexdigest().upper(),
        "sha256": f"avatar-{hashlib.sha256(normalised.encode()).hexdigest()}.png",
    }
    for spelling, text in planted.items():
        assert find_leaks(text, [address]), spelling


def test_checker_reports_which_address_and_how():
    text = hashlib.md5(SECRET.encode()).hexdigest()
    assert find_leaks(text) == [f"{SECRET} (md5 de l’adresse normalisée)", f"{SECRET} (md5 de l’adresse brute)"]


def test_checker_is_quiet_on_a_clean_page():
    assert find_leaks("<p>Marie Dupont : « Bravo ! » — https://marie-dupont.example.org</p>") == []


def test_checker_looks_at_headers_and_cookies(client):
    response = client.get("/nulle-part/")
    response["X-Auteur"] = MARIE
    assert find_leaks(everything_sent(response)) == [f"{MARIE} (en clair)"]
    del response["X-Auteur"]
    response.set_cookie("gravatar", hashlib.sha256(PAUL.lower().encode()).hexdigest())
    assert find_leaks(everything_sent(response)) == [f"{PAUL} (sha256 de l’adresse normalisée)"]


def test_crawl_catches_a_leak_planted_in_a_page(site):
    # As a template that showed Gravatars would: the hash of the normalised address, in a linked page.
    gravatar = hashlib.md5(MARIE.strip().lower().encode()).hexdigest()
    site["tram"].body += f"\n\nhttps://www.gravatar.com/avatar/{gravatar}"
    site["tram"].save()

    leaks = leaks_in(crawl(Client(), [reverse("articles:home")]))

    tram = site["tram"].get_absolute_url()
    assert tram in leaks  # reached from the home page, through links only
    for url, found in leaks.items():
        assert url.startswith(tram)  # the page and its « Répondre à … » variants
        assert found == [f"{MARIE} (md5 de l’adresse normalisée)"]


def test_no_public_page_gives_away_a_commenter_address(site):
    reader = Client()
    given = every_public_url(site)
    responses = crawl(reader, given)

    assert leaks_in(responses) == {}
    assert find_leaks("\n".join(f"{name}={morsel.value}" for name, morsel in reader.cookies.items())) == []

    # The crawl went where the comments are: otherwise it would prove nothing.
    assert len(responses) < MAX_PAGES, "the crawl was cut short"
    published = [article.get_absolute_url() for article in Article.objects.published()]
    assert set(published) <= responses.keys()
    pages = "\n".join(response.content.decode() for response in responses.values())
    for comment in site["approved"]:
        assert html.escape(comment.body) in pages, comment.body
        assert comment.author_name in pages
    assert "https://marie-dupont.example.org" in pages  # the website a reader chose to publish
    assert "Texte jamais approuvé." not in pages
    # Links found in pages were followed too, not only the URLs given.
    found_by_links = responses.keys() - set(given)
    assert any("?page=" in url for url in found_by_links)
    assert any("?repondre=" in url for url in found_by_links)
    for comment in site["approved"]:  # each with its « Signaler » link, whose form was crawled
        report_url = reverse("comments:report", args=[comment.pk])
        assert f'href="{report_url}"' in pages and responses[report_url].status_code == 200
    assert "Choix de la rédaction" in responses[site["market"].get_absolute_url()].content.decode()
    statuses = {response.status_code for response in responses.values()}
    # 302 among them: the comment form's address, opened as a page, leads to the article's form.
    assert {200, 302, 404} <= statuses


def test_a_commenter_sees_only_their_own_address(site):
    # Paul ticked « remember me »: his own form is filled in with his address, and nobody else's shows.
    browser = site["paul_browser"]
    responses = crawl(browser, every_public_url(site))
    others = [address for address in ADDRESSES if address != PAUL]

    assert leaks_in(responses, others) == {}
    own_article = responses[site["fintech"].get_absolute_url()].content.decode()
    assert f'value="{PAUL}"' in own_article  # the check above would have seen an address


def test_a_rejected_form_shows_the_sender_their_own_address_only(site):
    market = site["market"]
    marie = Comment.objects.get(author_email=MARIE)
    browser = Client()
    page = browser.get(market.get_absolute_url(), {"repondre": marie.pk})
    data = {"name": "Lecteur discret", "email": SECRET, "url": "", "body": "", "parent": marie.pk}
    data["token"] = page.context["comment_form"]["token"].value()

    response = browser.post(reverse("comments:post", args=[market.pk]), data)

    assert response.status_code == 400
    sent = everything_sent(response)
    assert "Marie Dupont" in sent  # the page answers Marie's comment…
    assert SECRET in sent  # …and gives the sender back what they typed,
    assert find_leaks(sent, [MARIE, PAUL, HELD]) == []  # but nobody else's address.


def test_posting_sends_nothing_back_that_holds_an_address(commenting, make_article):
    article = make_article(slug="sans-adresse")
    response = post_comment(Client(), article, name="Discret", email=SECRET, body="Sans mémoriser.")

    assert response.status_code == 302
    assert find_leaks(everything_sent(response)) == []


def test_resending_someone_elses_comment_reveals_nothing_about_them(commenting, make_article):
    article = make_article(slug="doublon")
    posted(Client(), article, name="Marie Dupont", email=MARIE, url="https://marie-dupont.example.org", body="Tenu.")
    stranger = Client()

    response = post_comment(stranger, article, name="Curieux", email=MARIE.lower(), body="Tenu.", remember="on")
    page = stranger.get(article.get_absolute_url())

    for sent in [everything_sent(response), everything_sent(page)]:
        assert "Marie Dupont" not in sent
        assert "marie-dupont.example.org" not in sent
        assert MARIE not in sent  # case-sensitive: the stranger typed it lower-cased


def test_reporting_a_comment_sends_nothing_back_that_holds_an_address(site):
    reader = Client()
    featured = Comment.objects.get(author_email=MARIE)
    url = reverse("comments:report", args=[featured.pk])
    token = reader.get(url).context["report_form"]["token"].value()
    answers = [
        reader.get(url, HTTP_ACCEPT="application/json"),
        reader.post(url, {"reason": "other", "details": "", "token": token}),  # an error: the form again
        reader.post(url, {"reason": "other", "details": "", "token": token}, HTTP_ACCEPT="application/json"),
        reader.post(url, {"reason": "personal_data", "token": token}, HTTP_ACCEPT="application/json"),
        reader.post(url, {"reason": "personal_data", "token": token}),  # already reported
        reader.get(url),
    ]

    assert [answer.status_code for answer in answers] == [200, 400, 400, 200, 200, 200]
    for answer in answers:
        assert find_leaks(everything_sent(answer)) == []
    assert "Marie Dupont" in answers[1].content.decode()  # whose comment it is: the name readers see


# Staff members -----------------------------------------------------------------------------------

STAFF_ADDRESS = "stagiaire@example.org"


def test_no_public_page_gives_away_a_staff_login_that_is_an_email_address(client, make_article, make_user):
    """A journalist known only by a login that is their address is credited as « La rédaction »."""
    trainee = make_user(STAFF_ADDRESS, first_name="", last_name="", email=STAFF_ADDRESS)
    alone = make_article("Article signé par la stagiaire", slug="stagiaire", authors=[trainee], tags=["Stage"])
    named = make_user("anne", first_name="Anne", last_name="Martin", email="anne.martin@example.org")
    make_article("Article à deux signatures", slug="a-deux", authors=[named, trainee])
    start = [
        reverse("articles:home"),
        alone.get_absolute_url(),
        reverse("articles:author", args=[trainee.pk]),
        reverse("articles:author_feed", args=[trainee.pk]),
        reverse("articles:feed"),
        reverse("articles:tag_feed", args=["stage"]),
        reverse("sitemap_index"),
        *(reverse("django.contrib.sitemaps.views.sitemap", args=[key]) for key in SITEMAPS),
        reverse("news_sitemap"),
        reverse("search:results") + "?q=stagiaire",
    ]
    responses = crawl(client, start)

    assert leaks_in(responses, [STAFF_ADDRESS, "anne.martin@example.org"]) == {}
    assert responses[alone.get_absolute_url()].status_code == 200
    article_page = responses[alone.get_absolute_url()].content.decode()
    assert "La rédaction" in article_page  # the byline and the JSON-LD
    author_page = responses[reverse("articles:author", args=[trainee.pk])].content.decode()
    assert "<h1>La rédaction</h1>" in author_page
    author_feed = responses[reverse("articles:author_feed", args=[trainee.pk])].content.decode()
    assert "<title>La rédaction – " in author_feed
    both = client.get("/article/a-deux/").content.decode()
    assert ">Anne Martin</a>" in both and "La rédaction" not in both.split("<main", 1)[1].split("</header>", 1)[0]
