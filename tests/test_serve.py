"""`make serve` (scripts/serve.py): production settings under gunicorn, tried over plain HTTP on this machine."""

import importlib.util
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from site_stack import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_DEADLINE_SECONDS = 90  # migrate + demo + collectstatic on a busy machine; usually a few seconds

_spec = importlib.util.spec_from_file_location("serve_script", PROJECT_ROOT / "scripts" / "serve.py")
serve_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve_script)


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def database_url(tmp_path):
    """A fresh, empty database: PostgreSQL with the pool when the suite runs on PostgreSQL, else SQLite."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}", {}
        return
    params = dj_database_url.parse(suite_url)
    server = {"host": params["HOST"], "port": params["PORT"] or None, "user": params["USER"]}
    if params["PASSWORD"]:
        server["password"] = params["PASSWORD"]
    name = f"newsroom_serve_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(suite_url)._replace(path=f"/{name}").geturl(), {"DATABASE_POOL": "1"}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def served_site(tmp_path, database_url):
    """scripts/serve.py on a free port, in its own process group; stopped and checked gone afterwards."""
    url, extra_env = database_url
    port = free_port()
    (tmp_path / "media" / "essai").mkdir(parents=True)
    (tmp_path / "media" / "essai" / "note.txt").write_text("Fichier déposé")
    # Nothing from the developer's shell or var/ folder: every path is under tmp_path.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "NEWSROOM_", "REDIS_", "WEB_CONCURRENCY", "GUNICORN_"))
    }
    environment.update(
        {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": "a-test-secret-key-for-make-serve-0123456789-abcdefghijklmnopq",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_CACHE_LOCATION": str(tmp_path / "cache"),
            "NEWSROOM_WORKERS": "2",
            **extra_env,
        }
    )
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "scripts/serve.py"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # gunicorn's master and workers share a group we can stop at once
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while True:
            assert process.poll() is None, f"serve.py stopped:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"no answer on {base_url}:\n{log_path.read_text()}"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield base_url, log_path, environment
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    # The master reaps its workers before it exits, and the task worker, which got the same SIGTERM,
    # finishes its task: nothing of the group is left.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)


def test_make_serve_serves_the_site_with_production_settings(served_site):
    base_url, log_path, _environment = served_site

    status, headers, body = get(f"{base_url}/")
    home = body.decode()
    assert status == 200
    assert "Le Républicain du Sillon" in home
    assert headers["Server"].startswith("gunicorn")

    # The empty database got the demo newsroom, and its articles open.
    article_path = re.search(r'href="(/article/[-a-z0-9]+/)"', home)
    assert article_path, "no article on the front page"
    status, _, article = get(base_url + article_path.group(1))
    assert status == 200
    assert "<h1" in article.decode()

    # collectstatic ran with the manifest storage, and WhiteNoise serves the fingerprinted file.
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet, "no fingerprinted stylesheet in the front page"
    status, headers, css = get(base_url + stylesheet.group(1))
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert css

    # Media files are served by the app under make serve (NEWSROOM_SERVE_MEDIA).
    status, _, note = get(f"{base_url}/media/essai/note.txt")
    assert status == 200
    assert note.decode() == "Fichier déposé"

    # DEBUG is off: a missing page is the site's 404, not Django's technical page.
    status, _, missing = get(f"{base_url}/cette-page-n-existe-pas/")
    assert status == 404
    assert "URLconf" not in missing.decode()

    output = log_path.read_text()
    assert "DEBUG:          False" in output
    assert "workers:        2 sync (from NEWSROOM_WORKERS)" in output
    assert "max requests:   1,000,000 per worker + up to 100,000 at random" in output
    assert "--max-requests=1000000 --max-requests-jitter=100000" in output  # the command, as run
    assert "no demo logins" in output  # load_demo creates no known-password accounts with DEBUG off
    assert '"GET / HTTP/1.1" 200' in output  # access log on standard output
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert "psycopg pool {'min_size': 1, 'max_size': 1}" in output


def test_secret_key_is_generated_once_and_readable_by_its_owner_only(tmp_path):
    key_file = tmp_path / "var" / "secret-key"

    first = serve_script.secret_key({}, key_file)
    second = serve_script.secret_key({}, key_file)

    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert serve_script.secret_key({"DJANGO_SECRET_KEY": "from-the-environment"}, key_file) == "from-the-environment"


def test_local_trial_is_plain_http_on_the_listening_address():
    environ = {"DJANGO_SECRET_KEY": "k"}

    assert serve_script.prepare_environment("::1", environ) is True

    assert environ["DJANGO_DEBUG"] == "0"
    assert environ["DJANGO_ALLOWED_HOSTS"].split(",") == ["[::1]", "127.0.0.1", "localhost"]
    assert environ["DJANGO_SECURE_SSL_REDIRECT"] == "0"
    assert environ["DJANGO_SESSION_COOKIE_SECURE"] == "0"
    assert environ["DJANGO_CSRF_COOKIE_SECURE"] == "0"
    assert environ["NEWSROOM_SERVE_MEDIA"] == "1"


def test_a_deployment_keeps_the_production_defaults():
    environ = {"DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": "www.example.org", "DJANGO_DEBUG": "1"}

    assert serve_script.prepare_environment("10.0.0.5", environ) is False

    assert environ["DJANGO_DEBUG"] == "0"
    assert environ["DJANGO_ALLOWED_HOSTS"] == "www.example.org,10.0.0.5"
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SESSION_COOKIE_SECURE", "NEWSROOM_SERVE_MEDIA"):
        assert name not in environ  # the settings' production defaults apply


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"NEWSROOM_WORKERS": "3", "WEB_CONCURRENCY": "7"}, 3),
        ({"WEB_CONCURRENCY": "7"}, 7),
        ({}, 2 * serve_script.cpu_count() + 1),
    ],
)
def test_worker_count(environ, expected):
    assert serve_script.worker_count(environ)[0] == expected


@pytest.mark.parametrize(
    ("environ", "max_requests", "jitter"),
    [
        ({}, 1_000_000, 100_000),
        ({"NEWSROOM_SERVE_MAX_REQUESTS": "50_000"}, 50_000, 5_000),
        ({"NEWSROOM_SERVE_MAX_REQUESTS": "0"}, 0, 0),
    ],
)
def test_worker_recycling(environ, max_requests, jitter):
    """Workers live minutes under cached load: at 2,000 requests they were replaced every few seconds."""
    recycling = serve_script.worker_recycling(environ)
    command = serve_script.gunicorn_command("127.0.0.1:8000", 3, recycling)

    assert (recycling.max_requests, recycling.jitter) == (max_requests, jitter)
    assert f"--max-requests={max_requests}" in command
    assert f"--max-requests-jitter={jitter}" in command


def test_worker_recycling_refuses_what_is_not_a_number():
    with pytest.raises(SystemExit, match="NEWSROOM_SERVE_MAX_REQUESTS"):
        serve_script.worker_recycling({"NEWSROOM_SERVE_MAX_REQUESTS": "beaucoup"})


def test_the_settings_printed_name_the_recycling_and_its_reason(capsys, settings):
    for environ, expected in [
        ({}, "1,000,000 per worker + up to 100,000 at random, then a new worker (default: minutes of life"),
        ({"NEWSROOM_SERVE_MAX_REQUESTS": "0"}, "never: workers are not recycled (from NEWSROOM_SERVE_MAX_REQUESTS)"),
    ]:
        serve_script.describe_settings(3, "test", serve_script.worker_recycling(environ), "http://x/", False)
        assert f"max requests:   {expected}" in capsys.readouterr().out


def test_an_article_renamed_from_another_process_shows_at_once(served_site):
    """The page cache is on under make serve, shared by its workers; a change from elsewhere purges it."""
    base_url, _log_path, environment = served_site
    home = get(f"{base_url}/")[2].decode()
    article_path = re.search(r'href="(/article/([-a-z0-9]+)/)"', home)
    for _ in range(3):  # whichever worker answers, the page ends up cached
        status, headers, _ = get(base_url + article_path.group(1))
    assert (status, headers.get("X-Cache")) == (200, "HIT")

    rename = (
        "from articles.models import Article; "
        f"article = Article.objects.get(slug={article_path.group(2)!r}); "
        "article.title = 'Titre renommé depuis un autre processus'; article.save()"
    )
    env = {**environment, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    subprocess.run([sys.executable, "manage.py", "shell", "-c", rename], cwd=PROJECT_ROOT, env=env, check=True)

    for _ in range(3):  # every worker
        assert "Titre renommé depuis un autre processus" in get(base_url + article_path.group(1))[2].decode()
        assert "Titre renommé depuis un autre processus" in get(f"{base_url}/")[2].decode()
