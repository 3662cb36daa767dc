"""Bylines never show a login: WordPress's « admin » and « secretariat », or an email address."""

import json
import re

import pytest
from admin_pages import change_url
from django.urls import reverse

from articles.people import credited, names_list, public_name, staff_name
from articles.subjects import AUTHORS

pytestmark = pytest.mark.django_db

LOGINS = ("secretariat", "admin", "redac.web@example.org")


@pytest.fixture
def logins_only(make_user):
    """Accounts as a WordPress import makes them: the display name is the login, or nothing."""
    return [
        make_user("secretariat", first_name="", last_name=""),
        make_user("admin", first_name="admin", last_name=""),  # WordPress's default display name
        make_user("redac.web@example.org", first_name="Redac.web@example.org", last_name=""),
    ]


@pytest.mark.parametrize(
    ("login", "first", "last", "shown"),
    [
        ("anne", "Anne", "Martin", "Anne Martin"),
        ("secretariat", "", "", "La rédaction"),  # no name: no longer the login
        ("admin", "admin", "", "La rédaction"),  # the display name is the login
        ("Admin", "ADMIN", "", "La rédaction"),  # whatever its case
        ("jdupont", " jdupont ", "", "La rédaction"),
        ("jdupont", "Jean", "Dupont", "Jean Dupont"),
        ("stagiaire@example.org", "", "", "La rédaction"),
        ("x", "contact@example.org", "", "La rédaction"),  # an address typed as a name
        ("jean", "Jean", "", "La rédaction"),  # a first name equal to the login is the login
        ("rédaction-sport", "Service", "des sports", "Service des sports"),
    ],
)
def test_public_name(make_user, login, first, last, shown):
    assert public_name(make_user(login, first_name=first, last_name=last)) == shown


def test_a_byline_of_named_and_unnamed_people_names_only_the_named(make_user, logins_only):
    anne = make_user("anne", first_name="Anne", last_name="Martin")
    assert credited([*logins_only, anne]) == [anne]
    assert names_list([*logins_only, anne]) == "Anne Martin"
    assert names_list(logins_only) == "La rédaction"


def test_no_reader_page_feed_or_structured_data_shows_a_login(client, make_article, logins_only):
    article = make_article("Le conseil municipal vote le budget", slug="budget", authors=logins_only)
    pages = {
        "article": article.get_absolute_url(),
        "home": reverse("articles:home"),
        "feed": reverse("articles:feed"),
        **{f"author {person.username}": AUTHORS.url(person) for person in logins_only},
        **{f"author feed {person.username}": AUTHORS.url(person) + "rss/" for person in logins_only},
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = response.content.decode()
        for login in LOGINS:
            assert not re.search(rf"(?<![\w/.-]){re.escape(login)}(?![\w-])", text, re.IGNORECASE), (name, login)
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert "Par <a" in article_page and ">La rédaction</a>" in article_page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', article_page, re.S).group(1))
    assert [author["name"] for author in data["author"]] == ["La rédaction"]
    assert "<h1>La rédaction</h1>" in client.get(AUTHORS.url(logins_only[1])).content.decode()


def test_the_desk_still_tells_them_apart_by_login(editor_client, make_article, logins_only):
    assert [staff_name(person) for person in logins_only] == list(LOGINS)
    article = make_article("Brouillon", slug="brouillon", authors=logins_only)
    html = editor_client.get(change_url(article)).content.decode()
    for login in ("secretariat", "admin"):
        assert re.search(rf"<option value=\"\d+\"[^>]*>{login}</option>", html), login
