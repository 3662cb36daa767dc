"""« Les plus lus »: the reading beacon, the hourly counts, their flush into the database, the list and the desk's column.

The counting tests run on a real Redis (``NEWSROOM_TEST_REDIS_URL``, set by ``make test``), with a
key prefix of their own; the fallback without Redis is tested on Django's memory cache.
"""

import io
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from admin_pages import changelist_url
from budgets import ARTICLE_PAGE_QUERIES
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pagecache.core import tag_marks
from popularity import counting, most_read, tasks
from popularity.flush import flush_readings, raise_rows, read_totals
from popularity.models import ArticleReadings

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ADDRESS = "203.0.113.7"


@pytest.fixture
def redis(settings):
    """The shared cache on Redis, as in production, empty at the start."""
    if not REDIS_URL:
        pytest.skip("NEWSROOM_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
    settings.CACHES = {
        "default": {"BACKEND": "common.cache.ForgivingRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "tests-lu"}
    }
    cache.clear()
    yield counting.redis_client()
    cache.clear()


def beacon(article_id, *, address=ADDRESS, agent=BROWSER, client=None, **headers):
    meta = {"REMOTE_ADDR": address, **headers}
    if agent is not None:
        meta["HTTP_USER_AGENT"] = agent
    return (client or Client()).post(reverse("popularity:beacon", args=[article_id]), **meta)


def redis_total(redis, article_id, now=None):
    total = redis.hget(counting.redis_key(counting.totals_key(counting.current_hour(now))), article_id)
    return int(total or 0)


def this_hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


# The endpoint -------------------------------------------------------------------------------------------


def test_the_beacon_answers_204_never_cached_without_cookie(redis, make_article):
    article = make_article()
    response = beacon(article.pk)
    assert response.status_code == 204 and response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies and "Set-Cookie" not in response and "Vary" not in response
    assert redis_total(redis, article.pk) == 1


def test_the_beacon_takes_posts_only(redis, make_article):
    article = make_article()
    response = Client().get(reverse("popularity:beacon", args=[article.pk]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 405
    assert redis_total(redis, article.pk) == 0


def test_the_beacon_costs_no_query_and_one_redis_round_trip(redis, make_article, django_assert_num_queries):
    article = make_article()
    beacon(article.pk)  # Redis learns the script once per process
    sent = []
    connection_class = redis.connection_pool.connection_class
    real = connection_class.send_packed_command

    def counted(connection, *args, **kwargs):
        sent.append(args)
        return real(connection, *args, **kwargs)

    connection_class.send_packed_command = counted
    try:
        with django_assert_num_queries(0):
            beacon(article.pk, address="198.51.100.1")
    finally:
        connection_class.send_packed_command = real
    assert len(sent) == 1
    assert redis_total(redis, article.pk) == 2


# Counting ------------------------------------------------------------------------------------------------


def test_one_count_per_reader_per_article_per_hour(redis, make_article, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 9, 10, tzinfo=UTC), tick=False)
    first, second = make_article("Premier"), make_article("Second")
    for _ in range(3):
        beacon(first.pk)
    beacon(second.pk)
    beacon(first.pk, agent=BROWSER.replace("133", "134"))  # another browser at the same address
    beacon(first.pk, address="2001:db8::1")
    beacon(first.pk, address="2001:db8::2")  # the same /64: the same connection
    assert redis_total(redis, first.pk) == 3 and redis_total(redis, second.pk) == 1

    time_machine.move_to(datetime(2026, 12, 7, 10, 5, tzinfo=UTC), tick=False)
    beacon(first.pk)  # a new hour: counted again
    assert redis_total(redis, first.pk) == 1


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "Mozilla/5.0 (compatible; YandexSpider/3.0)",
        "Mozilla/5.0 (compatible; SemrushCrawler)",
        "WhatsApp/2.23.20.0",
        "python-requests/2.32.3",
        "curl/8.5.0",
    ],
)
def test_robots_are_not_counted(redis, make_article, agent):
    article = make_article()
    assert beacon(article.pk, agent=agent).status_code == 204
    assert redis_total(redis, article.pk) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_ORIGIN": "https://ailleurs.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_prefetches_and_other_sites_are_not_counted(redis, make_article, headers):
    article = make_article()
    assert beacon(article.pk, **headers).status_code == 204
    assert redis_total(redis, article.pk) == 0


def test_our_own_pages_beacon_is_counted(redis, make_article):
    article = make_article()
    beacon(article.pk, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert redis_total(redis, article.pk) == 1


def test_counts_are_right_under_concurrent_beacons(redis, make_article):
    """200 readers, each sending their beacon 3 times (reloads), from 8 threads at once."""
    articles = [make_article(f"Article {number}") for number in range(3)]
    readers = [f"198.51.{number // 250}.{number % 250 + 1}" for number in range(200)]
    jobs = [(article.pk, reader) for article in articles for reader in readers for _ in range(3)]
    errors = []

    def send(share):
        client = Client()
        for article_id, reader in share:
            response = beacon(article_id, address=reader, client=client)
            if response.status_code != 204:
                errors.append(response.status_code)

    threads = [threading.Thread(target=send, args=(jobs[number::8],)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [redis_total(redis, article.pk) for article in articles] == [200, 200, 200]
    flush_readings()
    assert sorted(ArticleReadings.objects.values_list("count", flat=True)) == [200, 200, 200]


def test_nothing_about_the_reader_is_stored(redis, make_article):
    article = make_article()
    beacon(article.pk)
    beacon(article.pk, address="2001:db8:85a3::8a2e:370:7334")
    flush_readings()
    stored = []
    for key in redis.scan_iter(counting.redis_key("*")):
        kind = redis.type(key)
        read = {b"set": redis.smembers, b"hash": redis.hgetall, b"string": redis.get}[kind]
        value = read(key)
        stored.append(f"{key!r} {value!r}")
    text = "\n".join(stored)
    for secret in (ADDRESS, "2001:db8", "Firefox", BROWSER, "203.0.113"):
        assert secret not in text
    seen = redis.smembers(counting.redis_key(counting.seen_key(counting.current_hour(), article.pk)))
    assert len(seen) == 2 and all(len(member) == 16 for member in seen)  # 64-bit hashes, nothing else
    # The seen set is gone soon after its hour; the hour's totals, which name no one, wait for the flush.
    seen_ttl = redis.ttl(counting.redis_key(counting.seen_key(counting.current_hour(), article.pk)))
    assert 0 < seen_ttl <= 3600 + counting.SEEN_MARGIN_SECONDS
    row = ArticleReadings.objects.get()
    assert {field.name for field in ArticleReadings._meta.get_fields()} == {"id", "article", "hour", "count"}
    assert (row.article_id, row.count) == (article.pk, 2)


def test_the_readers_hash_changes_every_day(rf, time_machine):
    request = rf.post("/lu/1/", REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    monday = datetime(2026, 12, 7, 12, tzinfo=UTC).timestamp()
    assert counting.reader_hash(request, monday) == counting.reader_hash(request, monday + 3600)
    assert counting.reader_hash(request, monday) != counting.reader_hash(request, monday + 86400)


def test_without_redis_readings_are_counted_in_the_database(make_article):
    """``make run`` on files: the cache's add stands for the set of readers, the row is counted at once."""
    article = make_article()
    for _ in range(2):
        beacon(article.pk)
    beacon(article.pk, address="198.51.100.9")
    beacon(999_999)  # no such article: nothing, and no error
    assert list(ArticleReadings.objects.values_list("article_id", "count")) == [(article.pk, 2)]
    assert flush_readings() == 0


# Flushing into the database ----------------------------------------------------------------------------


def test_the_flush_is_idempotent(redis, make_article, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 9, 30, tzinfo=UTC), tick=False)
    article = make_article()
    for number in range(5):
        beacon(article.pk, address=f"198.51.100.{number + 1}")
    beacon(424_242)  # an id of no article: dropped by the flush
    assert flush_readings() == 1
    assert flush_readings() == 0  # nothing changed, nothing written
    time_machine.move_to(datetime(2026, 12, 7, 10, 5, tzinfo=UTC), tick=False)
    beacon(article.pk)
    flush_readings()
    flush_readings()
    rows = list(ArticleReadings.objects.order_by("hour").values_list("hour", "count"))
    assert rows == [(datetime(2026, 12, 7, 9, tzinfo=UTC), 5), (datetime(2026, 12, 7, 10, tzinfo=UTC), 1)]


def test_a_late_flush_never_lowers_a_count(redis, make_article):
    """Two flushes at once: the one that read Redis first may write last; the count stays the higher."""
    article = make_article()
    beacon(article.pk)
    early = read_totals()
    beacon(article.pk, address="198.51.100.2")
    flush_readings()
    raise_rows(early)  # the slow flush, writing what it read before the second reading
    assert ArticleReadings.objects.get().count == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_while_readers_keep_reading(redis, make_article, settings):
    article = make_article()
    stop = threading.Event()
    failures = []

    def flush_again():
        try:
            while not stop.is_set():
                flush_readings()
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()  # this thread's own, or the test database could not be dropped

    flushers = [threading.Thread(target=flush_again) for _ in range(3)]
    for flusher in flushers:
        flusher.start()
    try:
        for number in range(60):
            beacon(article.pk, address=f"198.51.100.{number + 1}")
    finally:
        stop.set()
        for flusher in flushers:
            flusher.join()
    flush_readings()
    assert failures == []
    assert ArticleReadings.objects.get().count == 60


# « Les plus lus » -------------------------------------------------------------------------------------------


def readings(article, hours_ago, count):
    ArticleReadings.objects.create(article=article, hour=this_hour() - timedelta(hours=hours_ago), count=count)


def test_the_list_is_the_last_24_hours_most_read(make_article, time_machine, settings):
    time_machine.move_to(datetime(2026, 12, 7, 15, 20, tzinfo=UTC), tick=False)
    settings.POPULARITY_MOST_READ_COUNT = 3
    old, steady, new, fourth, hidden = (
        make_article(title) for title in ("Ancien", "Régulier", "Neuf", "Quatre", "Caché")
    )
    readings(old, 24, 1000)  # 24 hours ago: out of the window
    readings(old, 1, 5)
    readings(steady, 23, 40)  # the window's first hour
    readings(steady, 0, 40)
    readings(new, 0, 60)
    readings(fourth, 2, 6)
    readings(hidden, 0, 500)
    hidden.status = hidden.Status.DRAFT
    hidden.save()

    articles = most_read.compute()
    assert [(article["title"], article["readings"]) for article in articles] == [
        ("Régulier", 80),
        ("Neuf", 60),
        ("Quatre", 6),
    ]
    assert articles[0]["url"] == steady.get_absolute_url()

    time_machine.move_to(datetime(2026, 12, 8, 14, 5, tzinfo=UTC), tick=False)  # a day later
    assert [article["title"] for article in most_read.compute()] == ["Neuf", "Régulier"]


def test_the_tag_costs_no_query_when_kept_and_one_when_refreshed(
    make_article, django_assert_num_queries, time_machine, settings
):
    time_machine.move_to(datetime(2026, 12, 7, 15, 20, tzinfo=UTC), tick=False)
    article = make_article("Le derby en direct")
    readings(article, 0, 12)
    template = Template("{% load popularity %}{% most_read %}")
    with django_assert_num_queries(1):
        html = template.render(Context())
    assert '<h2 id="les-plus-lus">Les plus lus</h2>' in html and "Le derby en direct</a>" in html
    with django_assert_num_queries(0):
        assert template.render(Context()) == html
    time_machine.shift(most_read.refresh_seconds())
    with django_assert_num_queries(1):
        template.render(Context())
    with django_assert_num_queries(0):
        template.render(Context())


def test_an_empty_list_shows_nothing_at_all():
    assert Template("{% load popularity %}{% most_read %}").render(Context()).strip() == ""


def test_pages_showing_the_list_are_purged_only_when_it_changes(make_article, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 15, 20, tzinfo=UTC), tick=False)
    first, second = make_article("Premier"), make_article("Second")
    readings(first, 0, 10)
    readings(second, 0, 5)
    most_read.refresh()
    mark = tag_marks([most_read.PAGE_TAG])[most_read.PAGE_TAG]
    readings(first, 1, 1)  # other numbers, the same list
    most_read.refresh()
    assert tag_marks([most_read.PAGE_TAG])[most_read.PAGE_TAG] == mark
    readings(second, 2, 50)  # the order changes
    most_read.refresh()
    assert tag_marks([most_read.PAGE_TAG])[most_read.PAGE_TAG] != mark
    assert [article["title"] for article in most_read.most_read()] == ["Second", "Premier"]


def test_the_flush_command_refreshes_a_due_list(redis, make_article, time_machine):
    article = make_article("Lu et relu")
    beacon(article.pk)
    call_command("flush_readings")
    assert [entry["title"] for entry in most_read.most_read()] == ["Lu et relu"]


# The article page: the beacon's address ------------------------------------------------------------------


def test_the_article_page_names_its_beacon_without_query_nor_cookie(client, make_article, django_assert_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())  # the menus, kept as on any running site
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert f'<div hidden data-lu="/lu/{article.pk}/"></div>' in html
    assert not response.cookies


def test_the_staff_preview_sends_no_beacon(editor_client, make_article):
    article = make_article(status="draft")
    html = editor_client.get(article.get_preview_url()).content.decode()
    assert "data-lu" not in html


def test_the_readers_script_sends_the_beacon_once_the_page_is_shown():
    script = (Path(django_settings.BASE_DIR) / "static" / "articles" / "body.js").read_text()
    assert 'document.querySelector("[data-lu]")' in script and "navigator.sendBeacon?.(beacon.dataset.lu)" in script
    assert '"prerenderingchange"' in script


# The desk's list of articles ----------------------------------------------------------------------------


def test_the_desk_sees_the_readings_without_a_query_per_article(editor_client, make_article, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 15, 20, tzinfo=UTC), tick=False)
    article = make_article("Très lu")
    readings(article, 0, 3)
    readings(article, 30, 7)  # two days ago: in the total only
    editor_client.get(changelist_url())  # the session and the user, once
    with CaptureQueriesContext(connection) as few:
        html = editor_client.get(changelist_url()).content.decode()
    assert "Lus<br>24 h<br>/ total" in html and "3 / 10" in html
    for number in range(6):
        readings(make_article(f"Autre {number}"), 0, number)
    with CaptureQueriesContext(connection) as many:
        html = editor_client.get(changelist_url()).content.decode()
    assert "0 / 0" in html or "5 / 5" in html
    assert len(many) == len(few)


# Timing ---------------------------------------------------------------------------------------------------


def test_the_beacon_costs_microseconds_of_cpu(redis, make_article, rf):
    """The counting itself, in process, best of 5 runs of 200 readings (the round trip to Redis included)."""
    article = make_article()
    requests = [
        rf.post("/lu/", REMOTE_ADDR=f"198.51.100.{n % 250 + 1}", HTTP_USER_AGENT=f"{BROWSER} {n}") for n in range(200)
    ]
    best = min(_timed(lambda: [counting.count_reading(r, article.pk) for r in requests]) for _ in range(5)) / 200
    print(f"count_reading: {best * 1e6:.0f} µs a reading")
    assert best < 0.002


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def test_the_worker_flushes_every_five_minutes_in_one_chain(redis, make_article):
    article = make_article("Lu par le worker")
    beacon(article.pk)
    call_command("flush_readings", "--schedule", verbosity=0)
    call_command("flush_readings", "--schedule", verbosity=0)  # asked twice: still one run planned
    planned = DBTaskResult.objects.all()
    assert planned.count() == 1
    assert planned.get().run_after > timezone.now() + timedelta(minutes=4)
    assert ArticleReadings.objects.get().count == 1  # the command flushed at once too

    beacon(article.pk, address="198.51.100.3")
    cache.delete(tasks.NEXT_RUN_KEY)  # five minutes later
    assert tasks.flush_and_plan_next.call() == "1 hour row(s) raised"
    assert ArticleReadings.objects.get().count == 2
    assert DBTaskResult.objects.count() == 2  # the next run, planned by this one


def test_a_redis_out_of_reach_loses_the_reading_not_the_answer(settings, make_article):
    settings.CACHES = {
        "default": {"BACKEND": "common.cache.ForgivingRedisCache", "LOCATION": "unix:///nonexistent/redis.sock"}
    }
    article = make_article()
    assert beacon(article.pk).status_code == 204
    assert not ArticleReadings.objects.exists()


def test_the_demo_has_a_day_of_readings_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    rows = ArticleReadings.objects.count()
    assert rows == 8 * 24
    assert len(most_read.most_read()) == most_read.list_length()
    call_command("load_demo", stdout=io.StringIO())
    assert ArticleReadings.objects.count() == rows


# On the pages ---------------------------------------------------------------------------------------------


def test_the_front_page_and_articles_show_the_list_and_carry_its_tag(make_article, settings, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 15, 20, tzinfo=UTC), tick=False)
    settings.PAGE_CACHE_SECONDS = 3600
    read, other = make_article("Le derby en direct"), make_article("Une autre histoire")
    readings(read, 0, 30)
    for page in (reverse("articles:home"), other.get_absolute_url()):
        response = Client().get(page)
        html = response.content.decode()
        section = html.split('<section class="most-read"', 1)[1].split("</section>", 1)[0]
        assert '<h2 id="les-plus-lus">Les plus lus</h2>' in section
        assert f'<a href="{read.get_absolute_url()}">Le derby en direct</a>' in section
        assert most_read.PAGE_TAG in response["Cache-Tag"].split(",")


def test_pages_without_readings_show_no_heading(client, make_article):
    article = make_article()
    for page in (reverse("articles:home"), article.get_absolute_url()):
        assert "Les plus lus" not in client.get(page).content.decode()
