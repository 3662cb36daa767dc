"""Two real app servers (gunicorn, production settings) sharing one Redis and one PostgreSQL.

Changes are made from other processes, as in a newsroom: this test process (an admin
on a third server) and ``manage.py shell``. Each server must show the change on its
next request, while it keeps serving unrelated pages from the cache.
"""

import http.client
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from site_stack import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL")
# How long two gunicorn servers may take to answer, on a loaded machine: a deadline, not a wait.
STARTUP_SECONDS = 60

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="NEWSROOM_TEST_REDIS_URL is not set: run the suite with `make test`"),
]


def wait_until_serving(address: str, process: subprocess.Popen, deadline: float) -> None:
    """Poll the server until it answers, or fail at the deadline saying why.

    Until then, a refused or reset connection, a timeout or a half answer all mean « not yet »: the
    server is still starting. A server that exited will never answer, so that fails at once.
    """
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn for {address} exited with code {process.returncode} before answering")
        try:
            timeout = max(0.1, min(2.0, deadline - time.monotonic()))
            with urllib.request.urlopen(address + "/robots.txt", timeout=timeout):
                return
        except urllib.error.HTTPError as error:  # it is serving, wrongly: waiting will not help
            pytest.fail(f"{address} answered /robots.txt with HTTP {error.code}")
        # URLError, ConnectionError and TimeoutError are all OSErrors.
        except (OSError, http.client.HTTPException) as error:
            last_error = error
        time.sleep(0.2)
    pytest.fail(f"{address} did not answer /robots.txt within {STARTUP_SECONDS} s of starting: {last_error!r}")


def database_url() -> str:
    settings = connection.settings_dict
    host = (settings["HOST"] or "").replace("/", "%2F")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{settings['USER']}@{host}{port}/{settings['NAME']}"


@pytest.fixture(scope="module")
def server_env(tmp_path_factory):
    """Production settings for processes that use the test database and a cache of their own in Redis."""
    static_root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "REDIS_URL": REDIS_URL,
        "NEWSROOM_CACHE_KEY_PREFIX": f"servers-{secrets.token_hex(4)}",
        "NEWSROOM_PAGE_CACHE_SECONDS": "3600",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=PROJECT_ROOT, env=env, check=True
    )
    return env


@pytest.fixture
def two_servers(db, server_env, settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the servers need a database other processes can open: PostgreSQL (SQLite's test database is in memory)"
        )
    env = {**server_env, "DATABASE_URL": database_url()}
    # This process writes like a third server: to the same database and the same cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env["NEWSROOM_CACHE_KEY_PREFIX"],
        }
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes, addresses = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        gunicorn,
                        "newsroom.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--log-level",
                        "warning",
                    ],
                    cwd=PROJECT_ROOT,
                    env=env,
                    start_new_session=True,
                )
            )
            addresses.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + STARTUP_SECONDS
        for address, process in zip(addresses, processes, strict=True):
            wait_until_serving(address, process, deadline)
        yield addresses, env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def fetch(address: str, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(address + path, timeout=10) as response:
            return response.status, response.headers.get("X-Cache", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), ""


def test_changes_from_other_processes_reach_both_servers_at_once(two_servers, make_article, make_section):
    (first, second), env = two_servers
    article = make_article("Titre d’origine", slug="titre")
    other = make_article("Un autre article", slug="autre", section=make_section("Sport", slug="sport"))
    pages = [article.get_absolute_url(), "/", other.get_absolute_url(), "/rubrique/sport/"]
    for server in (first, second):
        for path in pages:
            fetch(server, path)
            assert fetch(server, path)[1] == "HIT", (server, path)

    # A change made in this process (an editor on a third server); the test's writes are committed.
    article.title = "Titre corrigé par la rédaction"
    article.save()
    for server in (first, second):
        status, outcome, html = fetch(server, article.get_absolute_url())
        assert (status, outcome) == (200, "MISS") and "Titre corrigé par la rédaction" in html
        assert "Titre corrigé par la rédaction" in fetch(server, "/")[2]
        # Unrelated pages stayed in the cache.
        assert fetch(server, other.get_absolute_url())[1] == "HIT"
        assert fetch(server, "/rubrique/sport/")[1] == "HIT"

    # A change made by `manage.py shell`, another process with its own connections.
    script = (
        "from articles.models import Article; a = Article.objects.get(slug='titre'); "
        "a.title = 'Titre changé depuis le shell'; a.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=PROJECT_ROOT,
        env={**env, "DATABASE_URL": database_url()},
        check=True,
    )
    for server in (first, second):
        assert "Titre changé depuis le shell" in fetch(server, article.get_absolute_url())[2]
        assert "Titre changé depuis le shell" in fetch(server, "/")[2]
        assert fetch(server, other.get_absolute_url())[1] == "HIT"


def test_an_unpublished_article_disappears_from_both_servers(two_servers, make_article):
    (first, second), _env = two_servers
    article = make_article("Article bientôt retiré", slug="retire")
    for server in (first, second):
        fetch(server, article.get_absolute_url())
        assert fetch(server, article.get_absolute_url())[1] == "HIT"
    article.status = article.Status.UNPUBLISHED
    article.save()
    for server in (first, second):
        assert fetch(server, article.get_absolute_url())[0] == 404
        assert "Article bientôt retiré" not in fetch(server, "/")[2]
