"""Stale while revalidate: after a purge, one worker renders the page while the others serve the old copy.

Never longer than NEWSROOM_PAGE_CACHE_REVALIDATE_SECONDS from when the render began, and never for
content withdrawn from readers (an unpublished article, a rejected comment: purges made at once).
And every request pays one round trip to the shared cache before its view runs.

Each test runs on Redis (when NEWSROOM_TEST_REDIS_URL is set, as `make test` does) and on Django's
in-memory cache, shared by the threads that stand for concurrent workers.
"""

import os
import threading
import time

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

import pagecache
from articles.models import Correction
from comments.models import Comment
from pagecache.middleware import PageCacheMiddleware

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")
WINDOW = 5  # PAGE_CACHE_REVALIDATE_SECONDS in these tests
READERS = 12


# A page whose renders are counted; a test can hold its render (on_render) for concurrent readers to find it being rendered.


class Popular:
    renders = 0
    version = 1
    gone = False  # answers 404, as an article unpublished
    on_render = None
    lock = threading.Lock()

    @classmethod
    def reset(cls):
        cls.renders, cls.version, cls.gone, cls.on_render = 0, 1, False, None


def popular(request):
    with Popular.lock:
        Popular.renders += 1
    if Popular.on_render:
        Popular.on_render()
    if Popular.gone:
        return HttpResponse("<p>Introuvable</p>", status=404)
    pagecache.tag("popular")
    return HttpResponse(f"<p>version {Popular.version}</p>")


def never_kept(request):
    return HttpResponse("<p>Pas de tag : jamais gardée.</p>")


urlpatterns = [
    path("populaire/", popular),
    path("jamais-gardee/", never_kept),
    path("", include("newsroom.urls")),
]


class CountsCalls:
    """A cache backend counting the calls made to it from outside (locmem's get_many calls get inside):
    each one is a round trip to a shared cache."""

    calls: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._depth = threading.local()

    def _counted(self, name, method, *args, **kwargs):
        depth = getattr(self._depth, "value", 0)
        if depth == 0:
            CountsCalls.calls.append(name)
        self._depth.value = depth + 1
        try:
            return method(*args, **kwargs)
        finally:
            self._depth.value = depth

    def get(self, *args, **kwargs):
        return self._counted("get", super().get, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._counted("get_many", super().get_many, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._counted("add", super().add, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._counted("set", super().set, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._counted("set_many", super().set_many, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._counted("delete", super().delete, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._counted("delete_many", super().delete_many, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._counted("incr", super().incr, *args, **kwargs)


class CountingLocMemCache(CountsCalls, LocMemCache):
    pass


class CountingRedisCache(CountsCalls, RedisCache):
    pass


@pytest.fixture(params=["redis", "locmem"])
def shared_cache(request, settings):
    """The page cache on, over a shared cache that starts empty, with a 5-second revalidation window."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("NEWSROOM_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
        backend = {"BACKEND": f"{__name__}.CountingRedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": f"{__name__}.CountingLocMemCache", "LOCATION": f"stale-{id(request)}"}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": "tests"}}
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_REVALIDATE_SECONDS = WINDOW
    # Not a hash of the code, computed by each client: a file edited meanwhile would change it.
    settings.PAGE_CACHE_RELEASE = "tests"
    cache.clear()
    Popular.reset()
    yield request.param
    Popular.reset()
    cache.clear()


def hold_the_lock(url: str, since: float | None = None) -> None:
    """As a worker that began rendering the page at this address again (and may be slow, or gone)."""
    address = PageCacheMiddleware(lambda request: None).address(RequestFactory().get(url))
    stored = cache.get(address.key)
    if stored is not None:
        cache.set(address.lock_key(stored), time.time() if since is None else since, timeout=3600)


def warm(client, url):
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"


def concurrently(url, count=READERS, answers=None) -> list[tuple[str, str]]:
    """``count`` readers released together, each on a client of its own: (X-Cache, page) each,
    appended to ``answers`` as they come."""
    barrier = threading.Barrier(count)
    answers = [] if answers is None else answers

    def read():
        reader = Client()
        barrier.wait()
        response = reader.get(url)
        answers.append((response.get("X-Cache"), response.content.decode()))

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


# One render per purge -----------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_concurrent_requests_for_a_purged_page_cause_one_render(shared_cache):
    warm(Client(), "/populaire/")
    Popular.version, Popular.renders = 2, 0
    answers = []

    def until_the_others_have_answered():
        # A render that takes as long as the others need: on a slow machine, a fixed 0.2 s could end
        # before the last reader asks, who would then rightly get the new copy (a HIT).
        deadline = time.monotonic() + 20
        while len(answers) < READERS - 1 and time.monotonic() < deadline:
            time.sleep(0.01)

    Popular.on_render = until_the_others_have_answered
    pagecache.purge("popular")

    concurrently("/populaire/", answers=answers)

    assert Popular.renders == 1
    assert sorted(answers) == sorted([("MISS", "<p>version 2</p>")] + [("STALE", "<p>version 1</p>")] * (READERS - 1))
    # Once rendered, the new copy is served to everybody.
    Popular.on_render = None
    assert {(outcome, page) for outcome, page in concurrently("/populaire/")} == {("HIT", "<p>version 2</p>")}
    assert Popular.renders == 1


@pytest.mark.urls(__name__)
def test_a_stale_copy_is_never_kept_by_a_cdn_or_a_browser(shared_cache):
    warm(Client(), "/populaire/")
    pagecache.purge("popular")
    hold_the_lock("/populaire/")
    response = Client().get("/populaire/")
    assert response["X-Cache"] == "STALE"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.urls(__name__)
def test_staleness_is_bounded_by_the_window_from_when_the_render_began(shared_cache):
    reader = Client()
    start = time.time()
    with time_machine.travel(start, tick=False):
        warm(reader, "/populaire/")
        pagecache.purge("popular")
        hold_the_lock("/populaire/", since=start)  # a worker began rendering it, and never finished
        assert reader.get("/populaire/")["X-Cache"] == "STALE"
    with time_machine.travel(start + WINDOW - 1, tick=False):
        assert reader.get("/populaire/")["X-Cache"] == "STALE"
    with time_machine.travel(start + WINDOW + 1, tick=False):
        Popular.version = 2
        response = reader.get("/populaire/")
        assert (response["X-Cache"], response.content) == ("MISS", b"<p>version 2</p>")
        assert reader.get("/populaire/")["X-Cache"] == "HIT"


@pytest.mark.urls(__name__)
def test_an_expired_page_is_served_stale_within_the_window_after_its_expiry_only(shared_cache, settings):
    settings.PAGE_CACHE_SECONDS = 60
    reader = Client()
    start = time.time()
    with time_machine.travel(start, tick=False):
        warm(reader, "/populaire/")
    with time_machine.travel(start + 61, tick=False):
        hold_the_lock("/populaire/")
        assert reader.get("/populaire/")["X-Cache"] == "STALE"
    with time_machine.travel(start + 60 + WINDOW + 1, tick=False):
        assert reader.get("/populaire/")["X-Cache"] == "MISS"


@pytest.mark.urls(__name__)
def test_a_render_that_keeps_nothing_ends_the_stale_copy(shared_cache):
    reader = Client()
    warm(reader, "/populaire/")
    pagecache.purge("popular")
    Popular.gone = True
    # The one render answers 404 (the page is gone): the old copy is served to nobody after it.
    assert reader.get("/populaire/").status_code == 404
    hold_the_lock("/populaire/")
    assert reader.get("/populaire/").status_code == 404


# Content withdrawn: never stale -----------------------------------------------------------------


def test_an_unpublished_article_is_never_served_stale(shared_cache, make_article, editor):
    article = make_article("Une enquête à retirer", slug="enquete")
    url = article.get_absolute_url()
    warm(Client(), url)
    article.title = "Une enquête, corrigée"
    article.save()  # an ordinary edit: while one worker renders it again, readers get the old copy
    hold_the_lock(url)
    assert Client().get(url)["X-Cache"] == "STALE"

    article.unpublish(by=editor)
    # Even with a later ordinary purge of the same tags, and the lock still held by the other render.
    pagecache.purge(f"article:{article.pk}", f"article:{article.pk}:page")
    answers = [Client().get(url) for _ in range(3)]
    assert [response.status_code for response in answers] == [404, 404, 404]


def test_an_unpublished_article_leaves_the_lists_at_once(shared_cache, make_article, editor):
    article = make_article("Une enquête à retirer", slug="enquete")
    warm(Client(), "/")
    hold_the_lock("/")
    article.unpublish(by=editor)
    response = Client().get("/")
    assert response["X-Cache"] == "MISS"
    assert "Une enquête à retirer" not in response.content.decode()


def test_a_rejected_comment_disappears_at_once(shared_cache, make_article, make_comment, moderator):
    article = make_article("Le conseil municipal vote le budget", slug="budget")
    comment = make_comment(article, "Un commentaire qui sera retiré", author_name="Lecteur", author_email="l@e.org")
    comment.approve(by=moderator)
    url = article.get_absolute_url()
    warm(Client(), url)
    assert "Un commentaire qui sera retiré" in Client().get(url).content.decode()
    hold_the_lock(url)

    comment.reject(by=moderator)

    response = Client().get(url)
    assert response["X-Cache"] == "MISS"
    assert "Un commentaire qui sera retiré" not in response.content.decode()


def test_a_new_comment_is_an_ordinary_purge(shared_cache, make_article, make_comment, moderator):
    article = make_article("Le conseil municipal vote le budget", slug="budget")
    url = article.get_absolute_url()
    warm(Client(), url)
    hold_the_lock(url)
    make_comment(article, "Bravo", author_name="Lecteur", author_email="l@e.org").approve(by=moderator)
    assert Client().get(url)["X-Cache"] == "STALE"
    assert Comment.objects.approved().count() == 1


# One round trip --------------------------------------------------------------------------------


def commands_counter():
    """How many calls the shared cache has received so far."""
    return lambda: len(CountsCalls.calls)


@pytest.mark.urls(__name__)
def test_a_hit_and_a_page_never_kept_each_cost_one_round_trip(shared_cache, make_article):
    article = make_article("Metz accueille les FinTech", slug="metz-fintech")
    count = commands_counter()
    reader = Client()
    for url in (article.get_absolute_url(), "/populaire/"):
        reader.get(url)
        before = count()
        assert reader.get(url)["X-Cache"] == "HIT"
        assert count() - before == 1, url

    reader.get("/jamais-gardee/")  # the clock exists from then on
    before = count()
    response = reader.get("/jamais-gardee/")
    assert response.status_code == 200 and "X-Cache" not in response
    assert count() - before == 1


@pytest.mark.urls(__name__)
def test_a_miss_reads_once_before_rendering(shared_cache):
    count = commands_counter()
    reader = Client()
    reader.get("/jamais-gardee/")  # the clock exists from then on
    reads_before_render = []
    Popular.on_render = lambda: reads_before_render.append(count() - before)
    before = count()
    assert reader.get("/populaire/")["X-Cache"] == "MISS"
    assert reads_before_render == [1]


def test_the_stale_logic_renders_when_the_revalidation_window_is_zero(shared_cache, settings, make_article):
    settings.PAGE_CACHE_REVALIDATE_SECONDS = 0
    article = make_article("Metz accueille les FinTech", slug="metz-fintech")
    url = article.get_absolute_url()
    warm(Client(), url)
    article.title = "Metz, capitale des FinTech"
    article.save()
    hold_the_lock(url)
    assert Client().get(url)["X-Cache"] == "MISS"


@pytest.mark.urls(__name__)
def test_a_request_that_read_the_old_copy_as_the_new_one_was_stored_does_not_render_it_again(shared_cache):
    warm(Client(), "/populaire/")
    middleware = PageCacheMiddleware(lambda request: None)
    address = middleware.address(RequestFactory().get("/populaire/"))
    old_copy = cache.get(address.key)
    pagecache.purge("popular")
    Popular.version = 2
    assert Client().get("/populaire/")["X-Cache"] == "MISS"  # took the old copy's lock, stored the new one
    # Another worker read the old copy just before: the lock is still taken for it, it serves that copy.
    assert middleware.serves_stale(address, old_copy)
    assert Client().get("/populaire/")["X-Cache"] == "HIT"


@pytest.mark.urls(__name__)
def test_a_cache_that_fails_after_the_lookup_makes_the_request_render_not_serve_stale(shared_cache, monkeypatch):
    """common.cache answers a failing cache as an empty one: no at-once mark read, so no stale copy."""
    warm(Client(), "/populaire/")
    pagecache.purge("popular")
    hold_the_lock("/populaire/")
    shared = caches["default"]
    real_get_many = shared.get_many

    def failing_after_the_lookup(keys, *args, **kwargs):
        if any(key.startswith(pagecache.core.AT_ONCE_KEY_PREFIX) for key in keys):
            return {}
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(shared, "get_many", failing_after_the_lookup)
    assert Client().get("/populaire/")["X-Cache"] == "MISS"


def test_a_deleted_rectificatif_leaves_the_article_page_at_once(shared_cache, make_article, editor):
    article = make_article("Le conseil municipal vote le budget", slug="budget")
    note = Correction.objects.create(article=article, text="Une note publiée par erreur.", created_by=editor)
    url = article.get_absolute_url()
    warm(Client(), url)
    hold_the_lock(url)
    note.delete()
    response = Client().get(url)
    assert response["X-Cache"] == "MISS"
    assert "Une note publiée par erreur." not in response.content.decode()


def test_an_edited_rectificatif_is_an_ordinary_purge(shared_cache, make_article, editor):
    article = make_article("Le conseil municipal vote le budget", slug="budget")
    note = Correction.objects.create(article=article, text="Une note.", created_by=editor)
    url = article.get_absolute_url()
    warm(Client(), url)
    hold_the_lock(url)
    note.text = "Une note, précisée."
    note.save()
    assert Client().get(url)["X-Cache"] == "STALE"
