"""Date archives: « Archives de mai 2024 » and its year and days, at a fixed cost, purged exactly."""

from datetime import datetime
from zoneinfo import ZoneInfo

import page_cache_setup
import pytest
import time_machine
from budgets import READER_PAGE_BUDGET
from django.core.cache import cache

from articles.archives import Period, archive_url
from articles.models import Article

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def archive(make_article):
    """Articles in March, May (three, one just after midnight in Paris) and September 2024, and
    January 2023; a draft and a scheduled one in May 2024 that readers must not see."""
    return {
        "march": make_article("En mars", slug="en-mars", published_at=at(2024, 3, 2)),
        "may_14": make_article("Le 14 mai", slug="le-14-mai", published_at=at(2024, 5, 14, 9)),
        "may_14_late": make_article("Le 14 mai au soir", slug="le-14-mai-soir", published_at=at(2024, 5, 14, 21)),
        # 00:30 in Paris on 1 June is 22:30 UTC on 31 May: June, as readers' calendar says.
        "june_1": make_article("Le 1er juin", slug="le-1er-juin", published_at=at(2024, 6, 1, 0, 30)),
        "september": make_article("En septembre", slug="en-septembre", published_at=at(2024, 9, 30)),
        "2023": make_article("En 2023", slug="en-2023", published_at=at(2023, 1, 15)),
        "draft": make_article("Brouillon de mai", slug="brouillon", status=Article.Status.DRAFT, published_at=None),
    }


def test_archive_url_names_each_period_and_refuses_impossible_dates():
    assert archive_url(2024) == "/archives/2024/"
    assert archive_url(2024, 5) == "/archives/2024/05/"
    assert archive_url("2024", "05", "14") == "/archives/2024/05/14/"
    for impossible in [(2024, 13), (2023, 2, 29), (0,), (2024, 0), (2024, 5, 32), ("abc",), (2024, None, 3)]:
        assert archive_url(*impossible) is None, impossible
    assert archive_url(2024, 2, 29) == "/archives/2024/02/29/"


def test_month_page_lists_its_published_articles_newest_first_in_french(client, archive):
    response = client.get("/archives/2024/05/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Archives de mai 2024 – " in html and "<h1>Archives de mai 2024</h1>" in html
    assert html.index("Le 14 mai au soir<") < html.index("Le 14 mai<")
    for elsewhere in ("En mars<", "Le 1er juin<", "En septembre<", "En 2023<", "Brouillon de mai<"):
        assert elsewhere not in html
    # The nearest months that have articles, not the calendar's neighbours.
    assert response.context["previous_period"] == Period(2024, 3)
    assert response.context["next_period"] == Period(2024, 6)
    assert 'href="/archives/2024/03/">Archives de mars 2024 →</a>' in html
    assert 'href="/archives/2024/06/">← Archives de juin 2024</a>' in html
    assert '<a href="/archives/2024/">2024</a>' in html  # up to the year


def test_the_local_calendar_decides_the_period(client, archive):
    june = client.get("/archives/2024/06/01/").content.decode()
    assert "Le 1er juin<" in june and "<h1>Archives du 1er juin 2024</h1>" in june
    assert client.get("/archives/2024/05/31/").status_code == 404


def test_year_page_lists_its_months_with_articles_and_its_articles(client, archive):
    response = client.get("/archives/2024/")
    html = response.content.decode()
    assert "<h1>Archives de 2024</h1>" in html
    assert response.context["months"] == [Period(2024, 3), Period(2024, 5), Period(2024, 6), Period(2024, 9)]
    assert '<a href="/archives/2024/05/">Mai 2024</a>' in html and "/archives/2024/04/" not in html
    assert html.index("En septembre<") < html.index("En mars<")
    assert "En 2023<" not in html
    assert response.context["previous_period"] == Period(2023) and response.context["next_period"] is None
    assert client.get("/archives/2023/").context["next_period"] == Period(2024)


def test_day_page_links_to_its_month_and_year_and_the_nearest_days(client, archive):
    response = client.get("/archives/2024/05/14/")
    html = response.content.decode()
    assert "<h1>Archives du 14 mai 2024</h1>" in html and "Le 14 mai au soir<" in html
    assert '<a href="/archives/2024/">2024</a>' in html and '<a href="/archives/2024/05/">Mai 2024</a>' in html
    assert response.context["previous_period"] == Period(2024, 3, 2)
    assert response.context["next_period"] == Period(2024, 6, 1)


@pytest.mark.parametrize(
    "address",
    [
        "/archives/2024/13/",
        "/archives/0000/",
        "/archives/2023/02/29/",
        "/archives/2024/00/",
        "/archives/2024/5/",  # one address per period: two digits
        "/archives/2024/04/",  # a real month without a published article
        "/archives/2025/",
        "/archives/9999/12/31/",
    ],
)
def test_impossible_or_empty_periods_are_french_404s(client, archive, address):
    response = client.get(address)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_drafts_and_scheduled_articles_stay_out(client, make_article, archive):
    make_article("Programmé", slug="programme", published_at=at(2999, 1, 1))  # published, at a date to come
    assert client.get(archive_url(2999, 1)).status_code == 404
    year = client.get("/archives/2024/")
    assert "Programmé<" not in year.content.decode() and "Brouillon de mai<" not in year.content.decode()
    assert year.context["next_period"] is None  # 2999 is not « later, with articles » yet


def test_pages_are_paginated_without_counting(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    for day in range(1, 6):
        make_article(f"Jour {day:02d}", slug=f"jour-{day}", published_at=at(2024, 5, day))
    first = client.get("/archives/2024/05/").content.decode()
    assert "Jour 05<" in first and "Jour 04<" in first and "Jour 03<" not in first
    assert 'href="?page=2"' in first
    last = client.get("/archives/2024/05/?page=3")
    assert "Jour 01<" in last.content.decode()
    assert client.get("/archives/2024/05/?page=4").status_code == 404


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("address", ["/archives/2024/", "/archives/2024/05/", "/archives/2024/05/14/"])
def test_archive_pages_run_two_queries_whatever_the_size(
    client, make_article, size, address, django_assert_num_queries
):
    """The page's ids, then its rows — which carry the neighbouring periods and the year's months."""
    make_article("Avant", slug="avant", published_at=at(2023, 12, 1))
    make_article("Après", slug="apres", published_at=at(2025, 1, 1))
    for number in range(size):
        make_article(f"Autre {number:02d}", slug=f"autre-{number}", published_at=at(2024, 5, 14, 8, number))
    client.get(address)  # warm the menu cache, as on any running site
    with django_assert_num_queries(2) as queries:
        response = client.get(address)
    assert response.status_code == 200 and len(queries) <= READER_PAGE_BUDGET
    assert response.content.decode().count("Autre ") >= min(size, 4)
    assert response.context["previous_period"] is not None and response.context["next_period"] is not None


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, pages kept a day (the tests travel hours ahead)."""
    page_cache_setup.turn_on(settings, tmp_path, seconds=24 * 3600)
    yield
    cache.clear()


def test_a_new_or_withdrawn_article_purges_its_periods_pages(client, archive, make_article, editor, page_cache):
    pages = ["/archives/2024/05/", "/archives/2024/", "/archives/2024/03/", "/archives/2023/"]

    def kept() -> list[bool]:
        return [client.head(page).get("X-Cache") == "HIT" for page in pages]

    for page in pages:
        client.get(page)
    assert kept() == [True, True, True, True]

    # In November 2023: 2023's page, and the pages whose links reach back to 2023 (March 2024's
    # previous month, 2024's previous year); May 2024's list and links cannot change.
    november = make_article("En novembre", slug="en-novembre", published_at=at(2023, 11, 10))
    assert kept() == [True, False, False, False]  # (a HEAD renders a purged page without keeping it)

    # In April 2024: every page of 2024 (May's previous month is now April).
    for page in pages:
        client.get(page)
    april = make_article("En avril", slug="en-avril", published_at=at(2024, 4, 10))
    assert kept() == [False, False, False, False]  # 2023 has no previous year: it names the edges

    # Withdrawn: its month answers 404 at once, and the pages that linked to it no longer do.
    cache.clear()
    for page in [*pages, "/archives/2024/04/"]:
        client.get(page)
    assert '<a href="/archives/2024/04/">' in client.get("/archives/2024/05/").content.decode()
    april.unpublish(by=editor)
    assert client.get("/archives/2024/04/").status_code == 404
    assert "/archives/2024/04/" not in client.get("/archives/2024/05/").content.decode()
    # Moved to another date: both periods change.
    client.get("/archives/2023/11/")
    client.get("/archives/2024/07/")  # a 404, not kept
    november.published_at = at(2024, 7, 1)
    november.save()
    assert client.get("/archives/2023/11/").status_code == 404
    assert "En novembre<" in client.get("/archives/2024/07/").content.decode()


def test_a_scheduled_article_enters_its_month_at_its_time_without_any_write(
    client, archive, make_article, editor, page_cache
):
    now = at(2024, 5, 20, 10)
    with time_machine.travel(now, tick=False):
        scheduled = make_article("Programmé en mai", slug="programme", status=Article.Status.DRAFT)
        scheduled.publish(by=editor, at=at(2024, 5, 21, 8))
        client.get("/archives/2024/05/")
        assert client.get("/archives/2024/05/")["X-Cache"] == "HIT"
        assert "Programmé en mai<" not in client.get("/archives/2024/05/").content.decode()
    with time_machine.travel(at(2024, 5, 21, 8, 1), tick=False):
        assert "Programmé en mai<" in client.get("/archives/2024/05/").content.decode()
        assert "Programmé en mai<" in client.get("/archives/2024/05/21/").content.decode()
