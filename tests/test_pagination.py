"""Lists of articles page through any archive without counting it: « Page 3 sur plus de 5 », any depth, 404 past the end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.pagination import LookaheadPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def episodes(make_article, section, settings, monkeypatch):
    """Eleven articles, two per page, and pages that look two pages ahead: six pages, only some counted."""
    settings.ARTICLES_PER_PAGE = 2
    monkeypatch.setattr(LookaheadPaginator, "lookahead_pages", 2)
    now = timezone.now()
    for number in range(11):
        make_article(f"Épisode {number:02d}", published_at=now - timedelta(days=number + 1))
    return section.get_absolute_url()


def shown(html):
    return [number for number in range(11) if f"Épisode {number:02d}<" in html]


def test_first_page_says_there_are_more_pages_without_counting_them_all(client, episodes):
    html = client.get(episodes).content.decode()
    assert shown(html) == [0, 1]
    assert "Page 1 sur plus de 2" in html
    assert 'rel="next" href="?page=2"' in html and 'rel="prev"' not in html


def test_pages_near_the_end_know_the_exact_count(client, episodes):
    html = client.get(episodes + "?page=4").content.decode()
    assert shown(html) == [6, 7]
    assert "Page 4 sur plus de 5" in html  # five articles seen from here: more than two pages ahead
    html = client.get(episodes + "?page=5").content.decode()
    assert shown(html) == [8, 9]
    assert "Page 5 sur 6" in html
    assert 'rel="prev" href="?page=4"' in html and 'rel="next" href="?page=6"' in html


@pytest.mark.parametrize("page", ["6", "last"])  # Django's ?page=last, which no page links to, still works
def test_last_page_has_no_next_link(client, episodes, page):
    html = client.get(f"{episodes}?page={page}").content.decode()
    assert shown(html) == [10]
    assert "Page 6 sur 6" in html
    assert 'rel="next"' not in html


def test_a_deep_page_costs_the_same_queries_as_the_first(client, episodes, django_assert_num_queries):
    client.get(episodes)  # warm the menu cache
    for page in ("", "?page=5"):
        # The section, the ids of this page and of the next two, this page's articles: never a count.
        with django_assert_num_queries(3) as captured:
            response = client.get(episodes + page)
        assert response.status_code == 200
        assert not [query for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("page", ["7", "999", "0", "-1", "abc", "2.5", ""])
def test_pages_past_the_end_or_not_numbers_answer_404(client, episodes, page):
    response = client.get(f"{episodes}?page={page}")
    if page == "":
        assert response.status_code == 200  # ?page= is the first page, as before
    else:
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_an_empty_section_is_a_page_but_an_author_without_published_articles_is_not(
    client, make_section, make_user, make_article
):
    assert client.get(make_section("Vide", slug="vide").get_absolute_url()).status_code == 200
    author = make_user("plume")
    make_article(status=Article.Status.DRAFT, authors=[author])
    assert client.get(f"/auteur/{author.pk}/").status_code == 404
    make_article(authors=[author])
    assert client.get(f"/auteur/{author.pk}/").status_code == 200


def test_territory_lists_the_same_articles_with_its_places_listed_or_in_a_subquery(
    make_territory, make_article, monkeypatch
):
    """about_territory() names the places by id when loaded with them, and keeps a subquery for large sets."""
    from articles.models import Territory

    region = make_territory("Grand Est", kind=Territory.Kind.REGION)
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=region)
    metz = make_territory("Metz", parent=moselle)
    elsewhere = make_territory("Ailleurs")
    about = {place: make_article(territories=[place]) for place in (region, moselle, metz, elsewhere)}
    expected = {about[region], about[moselle], about[metz]}
    published = Article.objects.published()

    loaded = Territory.objects.with_places_inside().get(pk=region.pk)
    assert set(published.about_territory(loaded)) == expected
    assert set(published.about_territory(region)) == expected  # not loaded: the subquery
    monkeypatch.setattr(type(published), "MAX_LISTED_PLACES", 1)
    assert set(published.about_territory(loaded)) == expected  # too many to list: the subquery
    assert set(published.about_territory(Territory.objects.with_places_inside().get(pk=metz.pk))) == {about[metz]}
