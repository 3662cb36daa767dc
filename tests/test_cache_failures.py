"""A cache that fails — a full or read-only disk, a Redis that hangs — costs readers nothing but speed.

test_cache_down.py covers a Redis that is gone (refused at once); here the failures that used to
answer 500 or hold every page for seconds: the default file cache on a full or read-only disk,
and a Redis frozen with SIGSTOP (it accepts connections and never answers). The circuit breaker
of common/cache.py detects the hang within a second and stops asking for a while, so every page
keeps its uncached speed; then one trial call, and back to normal once Redis answers again.
"""

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from comment_form import post_comment
from django.test import Client
from django.urls import reverse
from factories import PASSWORD
from site_stack import Redis

from comments.models import Comment
from common import cache as forgiving

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The bound for a page while Redis is frozen (p99); measured, as an upper bound only.
FROZEN_PAGE_SECONDS = 1.5
PAST_ANY_PAUSE = 600  # seconds: time travel beyond the breaker's pause


def production_cache(**env) -> dict:
    """The default cache as newsroom/settings.py builds it from this environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_CACHE"))
    }
    code = "import json, newsroom.settings as s; print(json.dumps(s.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def reader_pages(article, section):
    return ["/", article.get_absolute_url(), section.get_absolute_url(), "/rss/"]


def cache_files(folder: Path) -> list[str]:
    """What the cache left in its folder, bar the page cache's lock file (which pagecache creates, empty)."""
    return sorted(name for name in os.listdir(folder) if name != "pagecache-marks.lock")


# The file cache --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_cache():
    return production_cache()


@pytest.fixture
def file_cache(settings, default_cache):
    """The page cache on, over the default cache (files) as the settings build it, in the folder given."""

    def use(folder: Path) -> None:
        settings.CACHES = {"default": {**default_cache, "LOCATION": str(folder)}}
        settings.PAGE_CACHE_SECONDS = 3600

    return use


@contextlib.contextmanager
def tmpfs(folder: Path, options: str):
    """A tmpfs mounted at ``folder`` for the test's length (needs root; the test is skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def fill(folder: Path) -> None:
    """Write into ``folder`` until its disk is full."""
    descriptor = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)


def assert_served_and_commented(article, section):
    reader = Client()
    for url in reader_pages(article, section):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response.get("X-Cache") != "HIT", url
    assert post_comment(Client(), article, body="Un avis écrit pendant la panne du cache.").status_code == 302
    assert Comment.objects.filter(body__startswith="Un avis écrit").count() == 1


def test_a_full_disk_serves_pages_and_stores_comments(file_cache, tmp_path, make_article, section, caplog):
    """A real full disk: a 64 KiB tmpfs, filled up before the first page."""
    article = make_article("Le pont des Roches rouvre")
    with tmpfs(tmp_path / "disk", "size=64k") as disk:
        (disk / "cache").mkdir()
        fill(disk)
        file_cache(disk / "cache")
        assert_served_and_commented(article, section)
        assert cache_files(disk / "cache") == []  # no half-written entry left behind
    assert [r for r in caplog.records if r.name == "common.cache"], "the failure is logged"


@pytest.fixture
def disk_full(monkeypatch):
    """From now on, each new cache file accepts no byte (ENOSPC): a full disk without mounting one."""
    real_mkstemp = tempfile.mkstemp

    def mkstemp_on_a_full_disk(*args, **kwargs):
        descriptor, path = real_mkstemp(*args, **kwargs)
        full = os.open("/dev/full", os.O_WRONLY)  # every write: ENOSPC
        os.dup2(full, descriptor)
        os.close(full)
        return descriptor, path

    return lambda: monkeypatch.setattr(tempfile, "mkstemp", mkstemp_on_a_full_disk)


def test_every_write_failing_with_enospc_leaves_no_temporary_file(file_cache, disk_full, tmp_path, make_article):
    file_cache(tmp_path / "cache")
    disk_full()
    article = make_article()
    assert_served_and_commented(article, article.section)
    assert cache_files(tmp_path / "cache") == []


def test_a_change_made_on_a_full_disk_is_not_hidden_by_the_page_kept_before(
    file_cache, disk_full, tmp_path, make_article
):
    """The purge cannot write its marks: the old ones are removed instead, so the page is rendered again."""
    file_cache(tmp_path / "cache")
    article = make_article("Le pont des Roches rouvre")
    reader = Client()
    reader.get(article.get_absolute_url())
    assert reader.get(article.get_absolute_url())["X-Cache"] == "HIT"
    disk_full()
    article.title = "Le pont des Roches reste fermé"
    article.save()
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200 and response.get("X-Cache") != "HIT"
    assert "reste fermé" in response.content.decode()


def test_a_read_only_cache_folder_serves_pages_and_stores_comments(file_cache, tmp_path, make_article, section):
    article = make_article()
    if os.geteuid() == 0:  # root writes through permissions: a read-only mount instead
        with tmpfs(tmp_path / "read-only", "ro,size=64k") as folder:
            file_cache(folder)
            assert_served_and_commented(article, section)
    else:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o500)
        file_cache(folder)
        assert_served_and_commented(article, section)


def test_a_half_written_entry_reads_as_missing(file_cache, tmp_path, make_article):
    """An entry cut short (a worker killed while writing in place, an old crash) is a miss, not a 500."""
    file_cache(tmp_path / "cache")
    article = make_article()
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert reader.get(article.get_absolute_url())["X-Cache"] == "HIT"
    for entry in (tmp_path / "cache").glob("*.djcache"):
        entry.write_bytes(entry.read_bytes()[:40])
    assert reader.get(article.get_absolute_url()).status_code == 200


# Redis that hangs ------------------------------------------------------------------------------


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, on a Unix socket, which the test may freeze and thaw."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    folder = Path(tempfile.mkdtemp(prefix="redis-"))  # short: a socket path has at most 107 bytes
    server = Redis(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_cache(settings, own_redis):
    """The page cache on, over Redis as the settings configure it with REDIS_URL."""
    settings.CACHES = {"default": production_cache(REDIS_URL=own_redis.url)}
    settings.PAGE_CACHE_SECONDS = 3600
    return own_redis


@contextlib.contextmanager
def frozen(server: Redis):
    server.freeze()
    try:
        yield
    finally:
        server.thaw()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_frozen_redis_keeps_pages_fast_and_comments_stored(redis_cache, make_article, section, editor):
    article = make_article("Le pont des Roches rouvre")
    reader = Client()
    for url in reader_pages(article, section):
        reader.get(url)
        assert reader.get(url)["X-Cache"] == "HIT", url  # kept in Redis before it froze
    with frozen(redis_cache):
        for round_ in range(2):
            for url in reader_pages(article, section):
                response, seconds = timed(lambda url=url: Client().get(url))
                assert response.status_code == 200, url
                assert response.get("X-Cache") != "HIT", url
                assert seconds < FROZEN_PAGE_SECONDS, f"{url} (round {round_}) took {seconds:.2f} s"
        response, seconds = timed(lambda: post_comment(Client(), article, body="Écrit pendant le gel de Redis."))
        assert response.status_code == 302
        assert seconds < 2 * FROZEN_PAGE_SECONDS  # the article page, then the post
        assert Comment.objects.filter(body="Écrit pendant le gel de Redis.").exists()
        staff = Client()
        response, seconds = timed(
            lambda: staff.post(reverse("admin:login"), {"username": editor.username, "password": PASSWORD})
        )
        assert response.status_code == 302
        assert seconds < FROZEN_PAGE_SECONDS


def test_the_breaker_asks_again_after_its_pause_and_closes_when_redis_answers(
    redis_cache, make_article, monkeypatch, caplog
):
    article = make_article()
    url = article.get_absolute_url()
    reader = Client()
    reader.get(url)
    assert reader.get(url)["X-Cache"] == "HIT"
    with frozen(redis_cache):
        response, seconds = timed(lambda: reader.get(url))
        assert response.status_code == 200 and response.get("X-Cache") != "HIT"
        assert seconds < FROZEN_PAGE_SECONDS  # detected within a second
    # Thawed, but within the pause: Redis is not asked yet, the page is still rendered.
    response, seconds = timed(lambda: reader.get(url))
    assert response.get("X-Cache") != "HIT"
    assert seconds < FROZEN_PAGE_SECONDS
    # The pause over: one trial call answers, and the cache serves again.
    later = time.monotonic() + PAST_ANY_PAUSE
    monkeypatch.setattr(forgiving, "_clock", lambda: later)
    assert reader.get(url)["X-Cache"] == "HIT"
    logged = [record for record in caplog.records if record.name == "common.cache"]
    assert len(logged) == 1 and "Cache unavailable" in logged[0].getMessage()


def test_a_change_made_while_redis_is_frozen_is_not_served_stale_once_it_is_back(
    redis_cache, make_article, monkeypatch
):
    article = make_article("Le pont des Roches rouvre")
    url = article.get_absolute_url()
    reader = Client()
    reader.get(url)
    assert reader.get(url)["X-Cache"] == "HIT"
    with frozen(redis_cache):
        article.title = "Le pont des Roches rouvre lundi"
        article.save()  # its purge cannot reach Redis
    later = time.monotonic() + PAST_ANY_PAUSE
    monkeypatch.setattr(forgiving, "_clock", lambda: later)

    response = reader.get(url)

    assert response.get("X-Cache") != "HIT"  # the purge was replayed before the lookup
    assert "Le pont des Roches rouvre lundi" in response.content.decode()


def test_a_trial_call_that_fails_opens_the_breaker_again(redis_cache, make_article, monkeypatch):
    article = make_article()
    url = article.get_absolute_url()
    with frozen(redis_cache):
        Client().get(url)  # detected: the breaker opens
        later = time.monotonic() + PAST_ANY_PAUSE
        monkeypatch.setattr(forgiving, "_clock", lambda: later)
        _, seconds = timed(lambda: Client().get(url))  # one trial call, a second lost, open again
        assert seconds < FROZEN_PAGE_SECONDS
        for _ in range(3):
            _, seconds = timed(lambda: Client().get(url))
            assert seconds < 1, "Redis was asked again during the pause"  # asking it costs a full second


# Settings --------------------------------------------------------------------------------------


def test_the_default_cache_is_the_forgiving_file_cache():
    assert production_cache()["BACKEND"] == "common.cache.ForgivingFileBasedCache"


def test_two_databases_sharing_one_redis_never_share_keys():
    redis = {"REDIS_URL": "redis://cache.internal:6379/1"}
    first = production_cache(DATABASE_URL="postgres://redaction@db.example.org/gazette", **redis)
    second = production_cache(DATABASE_URL="postgres://redaction@db.example.org/republicain", **redis)
    assert first["BACKEND"] == "common.cache.ForgivingRedisCache"
    assert first["KEY_PREFIX"] != second["KEY_PREFIX"]
    chosen = production_cache(
        DATABASE_URL="postgres://redaction@db.example.org/gazette", NEWSROOM_CACHE_KEY_PREFIX="g", **redis
    )
    assert chosen["KEY_PREFIX"] == "g"
