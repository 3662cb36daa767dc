"""With NEWSROOM_SITE_URL, absolute links name the site by it: a forged Host (its port) reaches no page, feed,
sitemap or mail."""

import pytest
from comment_form import post_comment
from django.test import Client

pytestmark = pytest.mark.django_db

SITE = "www.exemple.fr"
FORGED = f"{SITE}:1"


@pytest.fixture
def canonical(settings):
    settings.CANONICAL_SITE_URL = f"https://{SITE}"
    settings.ALLOWED_HOSTS = [SITE, "admin.exemple.fr", "testserver"]


@pytest.fixture
def forged_client():
    return Client(HTTP_HOST=FORGED)


def test_a_forged_port_reaches_no_absolute_link(canonical, forged_client, make_article):
    article = make_article("Le pont des Roches rouvre", slug="pont-des-roches")
    pages = [article.get_absolute_url(), "/", "/rss/", "/sitemap.xml", "/sitemap-articles.xml", "/robots.txt"]
    for path in pages:
        response = forged_client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert FORGED not in text, path
        assert f"//{SITE}/" in text, path
    page = forged_client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://{SITE}/article/pont-des-roches/">' in page


def test_a_host_not_allowed_is_still_refused_in_french(canonical, make_article):
    response = Client(HTTP_HOST="ailleurs.example.net", raise_request_exception=False).get("/")
    assert response.status_code == 400
    assert "Adresse ou demande incorrecte" in response.content.decode()
    assert 'rel="canonical"' not in response.content.decode()


def test_links_in_the_moderators_mail_name_the_site_not_the_forged_host(
    canonical, forged_client, make_article, moderator, mailoutbox
):
    moderator.email = "moderation@exemple.fr"
    moderator.save()
    article = make_article("Le tramway revient", slug="tramway")
    assert post_comment(forged_client, article, body="Bonne nouvelle pour Nancy.").status_code == 302
    (mail,) = mailoutbox
    assert FORGED not in mail.body and f"https://{SITE}/admin/" in mail.body


def test_without_a_configured_address_pages_name_the_host_asked_for(settings, make_article):
    settings.CANONICAL_SITE_URL = ""
    settings.ALLOWED_HOSTS = [SITE, "testserver"]
    article = make_article(slug="pont")
    page = Client(HTTP_HOST=f"{SITE}:8443").get(article.get_absolute_url()).content.decode()
    assert f'href="http://{SITE}:8443/article/pont/"' in page  # development and tests: as before
