"""The readers' side of live coverage (« Direct »): the live article's page, its pages without
JavaScript, the one address every reader polls (shared, cached, purged on each change), the
structured data and the feed."""

import json
import os
import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta

import page_cache_setup
import pytest
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import views
from live.models import LiveCoverage, LiveEntry

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")
# What a live's page adds to an article's (whose query says whether it is live), whatever its number of
# entries: the ids of its shown entries in order, then the entries of the page and the key moments.
LIVE_PAGE_QUERIES = 2


def tomorrow_at(hour: int, minute: int) -> datetime:
    """A moment after the article's publication, in the site's time zone."""
    return (timezone.localtime() + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


@pytest.fixture
def coverage(make_article, journalist):
    article = make_article(title="Orages en Moselle : suivez la situation en direct", slug="orages-moselle")
    return LiveCoverage.start(article, journalist)


@pytest.fixture
def nameless(make_user):
    """A journalist without a name of their own: readers see « La rédaction », never the login."""
    return make_user("secretariat", groups=["Journalistes"])


@pytest.fixture
def reporter(make_user):
    return make_user(
        "anne.martin@example.org",
        groups=["Journalistes"],
        first_name="Anne",
        last_name="Martin",
        email="anne.martin@example.org",
    )


def add_entries(coverage, count, *, author=None, start=None, **fields):
    """``count`` entries a minute apart, the newest last, made in one query (rendered text given)."""
    start = start or timezone.now() - timedelta(minutes=count)
    LiveEntry.objects.bulk_create(
        LiveEntry(
            coverage=coverage,
            body=f"<p>Entrée numéro {number}.</p>",
            body_html=f"<p>Entrée numéro {number}.</p>",
            author=author,
            published_at=start + timedelta(minutes=number),
            **fields,
        )
        for number in range(1, count + 1)
    )
    return list(LiveEntry.objects.filter(coverage=coverage).order_by("published_at"))


def entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entree-(\d+)"', html)]


def test_the_page_shows_the_live_mark_key_moments_and_entries_newest_first_pinned_on_top(
    client, coverage, reporter, nameless
):
    first = coverage.post("Premières averses sur Metz.", reporter, key_moment=True)
    pinned = coverage.post("Consignes de la préfecture : restez chez vous.", reporter, pinned=True)
    latest = coverage.post("La Moselle monte à Thionville.", nameless)

    html = client.get(coverage.article.get_absolute_url()).content.decode()

    assert "EN DIRECT" in html and "Ce direct est terminé" not in html
    assert entry_ids(html) == [pinned.pk, latest.pk, first.pk]
    summary = html.split('id="temps-forts"')[1].split("</nav>")[0]
    assert f'href="#entree-{first.pk}"' in summary and "Premières averses sur Metz." in summary
    assert "Anne Martin" in html
    assert "La rédaction" in html and "secretariat" not in html
    assert "anne.martin@example.org" not in html
    assert 'data-live-entries="/direct/' in html and "articles/body.js" in html  # its polling is in body.js
    assert html.index('class="live"') < html.index('id="commentaires"') if 'id="commentaires"' in html else True


def test_an_entry_typed_with_brackets_reads_as_typed_everywhere(client, coverage, reporter):
    entry = coverage.post("Le niveau <8 m> & les digues tiennent.", reporter, key_moment=True)
    url = coverage.article.get_absolute_url()

    html = client.get(url).content.decode()
    feed = ElementTree.fromstring(client.get(reverse("live:feed", args=[coverage.pk])).content)

    summary = html.split('id="temps-forts"')[1].split("</nav>")[0]
    assert "Le niveau &lt;8 m&gt; &amp; les digues tiennent." in summary and "&amp;lt;" not in html
    assert live_blog_posting(html)["liveBlogUpdate"][0]["articleBody"] == "Le niveau <8 m> & les digues tiennent."
    # Feed readers take RSS titles as HTML (as articles' feeds): escaped once, shown as typed.
    assert feed.find("channel/item/title").text == "Le niveau &lt;8 m&gt; &amp; les digues tiennent."
    assert entry.pk


def test_an_entry_shows_its_time_and_when_it_was_corrected(client, coverage, reporter, time_machine):
    time_machine.move_to(tomorrow_at(14, 32), tick=False)
    entry = coverage.post("Premier bilan : 120 interventions.", reporter)
    time_machine.move_to(tomorrow_at(14, 35), tick=False)
    entry.correct("Premier bilan : 130 interventions.", reporter)

    html = client.get(coverage.article.get_absolute_url()).content.decode()

    assert "14\u00a0h\u00a032" in html
    assert "modifié à 14\u00a0h\u00a035" in html
    assert "130 interventions" in html and "120 interventions" not in html


def test_a_withdrawn_entry_leaves_the_page(client, coverage, reporter):
    kept = coverage.post("Pluie sur Nancy.", reporter)
    gone = coverage.post("Information non confirmée.", reporter)
    gone.withdraw(reporter)

    html = client.get(coverage.article.get_absolute_url()).content.decode()

    assert entry_ids(html) == [kept.pk]
    assert "non confirmée" not in html


def test_an_ended_live_is_an_ordinary_article_with_its_entries(client, coverage, reporter, editor):
    coverage.post("Fin de l’alerte orange.", reporter)
    coverage.end(editor)

    html = client.get(coverage.article.get_absolute_url()).content.decode()

    assert "Ce direct est terminé" in html and "EN DIRECT" not in html
    assert "Fin de l’alerte orange." in html
    assert 'role="status"' not in html and "data-live-entries" not in html


def frame_sources(response) -> set[str]:
    policy = response["Content-Security-Policy"]
    found = re.search(r"frame-src ([^;]+)", policy)
    return set(found.group(1).split()) if found else set()


def test_a_live_under_way_lets_in_the_frames_of_every_provider_a_poll_may_bring(client, coverage, reporter):
    coverage.post("Premières averses sur Metz.", reporter)

    sources = frame_sources(client.get(coverage.article.get_absolute_url()))

    assert {"https://www.youtube-nocookie.com", "https://player.vimeo.com"} <= sources


def test_an_ended_live_lets_in_only_the_frames_its_entries_show(
    client, coverage, reporter, editor, make_article, journalist
):
    coverage.post("Premières averses sur Metz.", reporter)
    coverage.end(editor)
    assert frame_sources(client.get(coverage.article.get_absolute_url())) == set()

    filmed = LiveCoverage.start(make_article(title="Le derby en direct", slug="derby-direct"), journalist)
    filmed.post("Le but en vidéo :\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ", reporter)
    filmed.end(editor)
    assert frame_sources(client.get(filmed.article.get_absolute_url())) == {"https://www.youtube-nocookie.com"}


def test_an_article_that_is_not_live_shows_nothing_of_it(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()

    assert 'class="live"' not in html and "live.css" not in html and "LiveBlogPosting" not in html


# Pages without JavaScript -----------------------------------------------------------------------


def test_a_long_live_is_paginated_with_links_both_ways(client, coverage, settings):
    settings.LIVE_ENTRIES_PER_PAGE = 20
    entries = add_entries(coverage, 45)
    newest_first = [entry.pk for entry in reversed(entries)]
    url = coverage.article.get_absolute_url()

    first = client.get(url).content.decode()
    second = client.get(f"{url}?page=2").content.decode()
    third = client.get(f"{url}?page=3").content.decode()

    assert entry_ids(first) == newest_first[:20]
    assert entry_ids(second) == newest_first[20:40]
    assert entry_ids(third) == newest_first[40:]
    assert f'href="{url}?page=2#direct-titre"' in first and 'rel="prev"' not in first.split('class="live"')[1]
    assert f'href="{url}#direct-titre"' in second and f'href="{url}?page=3#direct-titre"' in second
    assert "Page 3 sur 3" in third
    # Older pages do not poll: new entries come on the first.
    assert "data-live-entries" in first and "data-live-entries" not in second
    assert client.get(f"{url}?page=4").status_code == 404


def test_a_key_moment_on_an_older_page_is_linked_there(client, coverage, settings):
    settings.LIVE_ENTRIES_PER_PAGE = 20
    entries = add_entries(coverage, 30)
    oldest = entries[0]
    oldest.is_key_moment = True
    oldest.save(update_fields=["is_key_moment"])
    url = coverage.article.get_absolute_url()

    first = client.get(url).content.decode()
    second = client.get(f"{url}?page=2").content.decode()

    assert f'href="{url}?page=2#entree-{oldest.pk}"' in first
    assert f'href="#entree-{oldest.pk}"' in second


@pytest.mark.parametrize("count", [1, 1000])
def test_the_page_costs_the_same_queries_whatever_the_number_of_entries(
    client, coverage, reporter, count, django_assert_num_queries, settings
):
    add_entries(coverage, count, author=reporter)
    LiveEntry.objects.filter(pk__in=LiveEntry.objects.order_by("pk").values("pk")[:3]).update(is_key_moment=True)
    url = coverage.article.get_absolute_url()
    client.get(url)  # the menu and the footer, kept for every page after the first

    with django_assert_num_queries(ARTICLE_PAGE_QUERIES + LIVE_PAGE_QUERIES):
        response = client.get(url)
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES + LIVE_PAGE_QUERIES):
        client.get(f"{url}?page=50" if count > 20 else url)
    assert ARTICLE_PAGE_QUERIES + LIVE_PAGE_QUERIES <= READER_PAGE_BUDGET
    assert len(entry_ids(response.content.decode())) == min(count, settings.LIVE_ENTRIES_PER_PAGE)


def page_assets(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)


def test_a_thousand_entry_live_stays_within_the_page_budget(client, coverage, reporter, make_comment):
    add_entries(coverage, 1000, author=reporter)
    html = client.get(coverage.article.get_absolute_url()).content.decode()

    static = page_assets(html)
    weight = len(html.encode()) + sum(os.path.getsize(finders.find(path)) for path in static)
    assert weight < 50_000, weight
    assert 1 + len(static) <= 5, static

    # With comments, whose thread brings its own script (comments/report.js): still 5 requests at most.
    make_comment(coverage.article, "Courage à tous les sinistrés.", status="approved")
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    assert "comments/report.js" in html
    assert 1 + len(page_assets(html)) <= 5, page_assets(html)


# The shared polling address ---------------------------------------------------------------------


@pytest.fixture(params=["redis", "files"])
def page_cache(request, settings, tmp_path):
    """The page cache on, over a shared cache that starts empty: Redis and files."""
    page_cache_setup.turn_on(settings, tmp_path, request.param)
    yield request.param
    cache.clear()


def poll(client, coverage):
    return client.get(reverse("live:entries", args=[coverage.pk]))


def test_the_address_names_the_live_only_and_gives_its_newest_entries(client, coverage, reporter):
    first = coverage.post("Premières averses.", reporter)
    pinned = coverage.post("Consignes.", reporter, pinned=True)
    withdrawn = coverage.post("Erreur.", reporter)
    withdrawn.withdraw(reporter)
    address = reverse("live:entries", args=[coverage.pk])

    data = poll(client, coverage).json()

    assert address == f"/direct/{coverage.pk}/entrees.json"
    assert [entry["id"] for entry in data["entries"]] == [pinned.pk, first.pk]
    assert data["withdrawn"] == [withdrawn.pk] and data["ended"] is False
    assert f'id="entree-{first.pk}"' in data["entries"][1]["html"] and "Anne Martin" in data["entries"][1]["html"]
    # Another spelling (a reader's own « since ») is refused, not rendered as a page of its own.
    assert client.get(f"{address}?depuis=123").status_code == 404


def test_the_address_costs_three_queries_whatever_the_number_of_entries(
    client, coverage, reporter, django_assert_num_queries
):
    add_entries(coverage, 1000, author=reporter)
    client.get(reverse("live:entries", args=[coverage.pk]))

    # The live and its article, its newest entries with their authors, the withdrawn ones' ids.
    with django_assert_num_queries(3):
        data = poll(client, coverage).json()
    assert len(data["entries"]) == views.POLLED_ENTRIES


def test_the_address_of_an_unpublished_article_is_gone(client, coverage, reporter):
    coverage.post("Averses.", reporter)
    coverage.article.status = coverage.article.Status.DRAFT
    coverage.article.save()

    assert poll(client, coverage).status_code == 404


def test_every_reader_gets_the_same_bytes_from_the_cache_without_cookies(page_cache, coverage, reporter, editor):
    coverage.post("Premières averses.", reporter)
    staff = Client()
    staff.force_login(editor)
    readers = [Client(), Client(), Client(HTTP_ACCEPT_LANGUAGE="en")]

    answers = [poll(reader, coverage) for reader in readers]

    assert [answer["X-Cache"] for answer in answers] == ["MISS", "HIT", "HIT"]
    assert len({answer.content for answer in answers}) == 1
    assert all(not answer.cookies for answer in answers)
    cache_control = answers[1]["Cache-Control"]
    assert "public" in cache_control and "s-maxage=" in cache_control and "max-age=0" in cache_control
    assert f"live:{coverage.pk}" in answers[1]["Cache-Tag"]
    assert views.render_count(coverage.pk) == 1
    # The staff reader's page is their own, but the address is the same bytes as everybody's.
    assert json.loads(poll(staff, coverage).content) == json.loads(answers[0].content)
    assert b"example.org" not in answers[0].content and b"anne.martin" not in answers[0].content


@pytest.mark.parametrize("change", ["posted", "corrected", "withdrawn", "pinned"])
def test_each_change_of_an_entry_reaches_the_address_through_a_purge(page_cache, coverage, reporter, change):
    entry = coverage.post("Premières averses.", reporter)
    reader = Client()
    assert poll(reader, coverage)["X-Cache"] == "MISS"
    assert poll(reader, coverage)["X-Cache"] == "HIT"

    match change:
        case "posted":
            coverage.post("La Moselle déborde.", reporter)
        case "corrected":
            entry.correct("Premières averses, fortes.", reporter)
        case "withdrawn":
            entry.withdraw(reporter)
        case "pinned":
            entry.set_pinned(True, reporter)

    # The next poll after the purge renders (stale ones aside, served for seconds while it does).
    answer = poll(Client(), coverage)
    if answer["X-Cache"] == "STALE":
        answer = poll(Client(), coverage)
    data = answer.json()
    ids = [item["id"] for item in data["entries"]]
    match change:
        case "posted":
            assert len(ids) == 2
        case "corrected":
            assert "fortes" in data["entries"][0]["html"] and data["entries"][0]["version"] != "0-00"
        case "withdrawn":
            assert ids == [] and data["withdrawn"] == [entry.pk]
        case "pinned":
            assert data["entries"][0]["pinned"] is True
    assert poll(Client(), coverage)["X-Cache"] == "HIT"


def test_the_live_page_itself_is_cached_and_purged_with_its_entries(page_cache, coverage, reporter):
    url = coverage.article.get_absolute_url()
    reader = Client()
    reader.get(url)
    assert reader.get(url)["X-Cache"] == "HIT"
    assert f"live:{coverage.pk}" in reader.get(url)["Cache-Tag"]

    coverage.post("La Moselle déborde.", reporter)

    answer = reader.get(url)
    if answer["X-Cache"] == "STALE":
        answer = reader.get(url)
    assert "La Moselle déborde." in answer.content.decode()


def test_the_address_of_an_ended_live_says_so(client, coverage, reporter, editor):
    coverage.post("Fin de l’alerte.", reporter)
    coverage.end(editor)

    assert poll(client, coverage).json()["ended"] is True


# Structured data and feed -----------------------------------------------------------------------


def live_blog_posting(html: str) -> dict:
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == "LiveBlogPosting":
            return data
    raise AssertionError("no LiveBlogPosting")


def test_live_blog_posting_with_its_coverage_times_and_updates(client, coverage, reporter, editor):
    entry = coverage.post("Premières averses.", reporter)
    url = coverage.article.get_absolute_url()

    ongoing = live_blog_posting(client.get(url).content.decode())
    coverage.end(editor)
    ended = live_blog_posting(client.get(url).content.decode())

    assert ongoing["coverageStartTime"] == coverage.started_at.isoformat()
    assert "coverageEndTime" not in ongoing
    update = ongoing["liveBlogUpdate"][0]
    assert update["@type"] == "BlogPosting" and update["articleBody"] == "Premières averses."
    assert update["url"].endswith(f"{url}#entree-{entry.pk}") and update["author"]["name"] == "Anne Martin"
    assert ended["coverageEndTime"] == LiveCoverage.objects.get().ended_at.isoformat()
    # Beside the article's own NewsArticle.
    assert '"@type": "NewsArticle"' in client.get(url).content.decode()


def test_an_rss_feed_of_entries_linked_from_the_page(client, coverage, reporter, nameless):
    first = coverage.post("Premières averses.", reporter)
    coverage.post("Consigne.", nameless)
    gone = coverage.post("Erreur.", reporter)
    gone.withdraw(reporter)
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    feed_url = reverse("live:feed", args=[coverage.pk])
    head = html.split("</head>")[0]

    response = client.get(feed_url)
    channel = ElementTree.fromstring(response.content).find("channel")
    items = channel.findall("item")

    assert f'type="application/rss+xml" title="En direct : {coverage.article.title}" href="{feed_url}"' in head
    assert response["Content-Type"].startswith("application/rss+xml")
    assert [item.findtext("title") for item in items] == ["Consigne.", "Premières averses."]
    assert items[1].findtext("link").endswith(f"{coverage.article.get_absolute_url()}#entree-{first.pk}")
    assert b"example.org" not in response.content and b"secretariat" not in response.content
    assert "La rédaction" in response.content.decode()
