"""The read replica for real: a PostgreSQL primary and its streaming replica, the site in front of both.

A primary (wal_level=replica) and a replica made from it by pg_basebackup -R (hot standby) run on
free ports in a temporary folder owned by postgres, both stopped at the end whatever happens. The
replica logs every statement (log_statement=all): a reader's request that queries the articles'
tables leaves lines in its log, which is how these tests tell where a page was read from.

Two development servers (manage.py runserver, page cache off) read through them:
- ``steady`` checks the replica once, then not for ten minutes, and has no write fence: what it
  reads is decided by the request alone, and pausing the replica's replay shows who reads the
  replica (the old data) and who reads the primary (the new);
- ``watchful`` checks it every second, with a 2 s lag bound and the default write fence (3 s): it
  finds the lag and the failure, and after anyone's write every reader reads the primary a moment.

The replica's replay is paused (pg_wal_replay_pause) to make it lag: what the primary commits
meanwhile is received but not shown on the replica until replay resumes.

The router itself (rules, health, retries) is in newsroom/replica.py; docs/database-replica.md.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError
from django.http import HttpResponse
from site_stack import Browser, comment_form, free_port

from articles.models import Article
from newsroom import replica
from newsroom.replica import PIN_COOKIE, PIN_COOKIE_SALT, ReplicaHealth, ReplicaRouter, may_read_replica

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "replique-test-2026"
LAG_BOUND_SECONDS = 2


def postgres_bin() -> Path | None:
    if found := shutil.which("pg_ctl"):
        return Path(found).resolve().parent  # /usr/local/bin may link pg_ctl alone
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    return candidates[-1] if candidates else None


def why_not_here() -> str | None:
    """Why the tests with servers are skipped here, if they are."""
    if postgres_bin() is None:
        return "PostgreSQL's server programs are missing"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "runs once, in make test's PostgreSQL pass (its servers are its own whatever the pass)"
    return None


class Server:
    """A PostgreSQL server in a folder of its own, listening on a Unix socket only."""

    def __init__(self, folder: Path, name: str, *options: str):
        self.folder, self.name, self.port = folder, name, free_port()
        self.data, self.log = folder / name, folder / f"{name}.log"
        self.options = ["-c", "listen_addresses=", "-k", str(folder), "-p", str(self.port), *options]

    def run(self, *command: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        result = subprocess.run([*as_postgres, *command], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"

    def start(self) -> None:
        pg_ctl = str(postgres_bin() / "pg_ctl")
        self.run(pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-o", " ".join(self.options), "start")

    def stop(self, mode: str = "fast") -> None:
        self.run(str(postgres_bin() / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "newsroom") -> str:
        return f"postgres://postgres@{str(self.data.parent).replace('/', '%2F')}:{self.port}/{database}"

    def sql(self, statement: str, database: str = "newsroom"):
        with psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname=database) as connection:
            connection.autocommit = True
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else None

    def statements(self, table: str) -> int:
        """How many statements naming ``table`` this server has run (its log, log_statement=all)."""
        return sum(
            1 for line in self.log.read_text(errors="replace").splitlines() if "statement:" in line and table in line
        )


class Site:
    """manage.py runserver on the primary and the replica, in a process group of its own."""

    def __init__(self, name: str, env: dict, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if Browser(self.url).get("/sante/").status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.2)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def site_env(primary: Server, replica: Server, folder: Path, **settings: str) -> dict:
    # What another configuration may have set (Redis, Varnish, S3, a pool) stays out: files for the cache.
    left_out = ("REDIS_URL", "DATABASE_POOL", "NEWSROOM_", "DJANGO_CACHE_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(left_out)}
    return env | {
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": replica.url(),
        "DJANGO_DEBUG": "1",
        "NEWSROOM_PAGE_CACHE_SECONDS": "0",  # every request reads the database
        "DJANGO_CACHE_LOCATION": str(folder / "cache"),
        "NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE": "0",
        "NEWSROOM_CACHE_KEY_PREFIX": folder.name,
        **settings,
    }


SETUP = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Section
section = Section.objects.create(name="Région", slug="region")
for number in range(1, 4):
    Article.objects.create(
        title=f"Le pont numéro {{number}} rouvre", slug=f"pont-{{number}}", section=section,
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
        standfirst="Après deux ans de travaux.", body="<p>Les voitures passent de nouveau.</p>",
    )
get_user_model().objects.create_superuser("chef", "chef@exemple.fr", {PASSWORD!r})
"""


@pytest.fixture(scope="module")
def stack():
    if reason := why_not_here():
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    if os.getuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary = Server(folder, "primary", "-c", "wal_level=replica", "-c", "fsync=off", "-c", "log_statement=all")
    replica = Server(folder, "replica", "-c", "hot_standby=on", "-c", "fsync=off", "-c", "log_statement=all")
    sites = []
    started = []
    try:
        primary.run(
            str(postgres_bin() / "initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        primary.start()
        started.append(primary)
        primary.sql("CREATE DATABASE newsroom", database="postgres")
        basebackup = str(postgres_bin() / "pg_basebackup")
        replica.run(
            basebackup,
            "-h",
            str(folder),
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        replica.start()
        started.append(replica)
        env = site_env(primary, replica, folder)
        for command in (["migrate", "--no-input"], ["shell", "-c", SETUP]):
            result = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=PROJECT_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr
        wait_for_replay(primary, replica)
        steady = Site(
            "steady",
            site_env(
                primary,
                replica,
                folder,
                NEWSROOM_REPLICA_CHECK_SECONDS="600",
                NEWSROOM_REPLICA_RETRY_SECONDS="600",
                NEWSROOM_REPLICA_PIN_SECONDS="3",
                NEWSROOM_REPLICA_FENCE_SECONDS="0",
            ),
            folder,
        )
        sites.append(steady)
        watchful = Site(
            "watchful",
            site_env(
                primary,
                replica,
                folder,
                NEWSROOM_REPLICA_CHECK_SECONDS="1",
                NEWSROOM_REPLICA_RETRY_SECONDS="1",
                NEWSROOM_REPLICA_MAX_LAG_SECONDS=str(LAG_BOUND_SECONDS),
            ),
            folder,
        )
        sites.append(watchful)
        yield {"primary": primary, "replica": replica, "steady": steady, "watchful": watchful}
    finally:
        for site in sites:
            site.stop()
        for server in reversed(started):
            with contextlib.suppress(AssertionError):  # already stopped by the test
                server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def wait_for_replay(primary: Server, replica: Server, seconds: float = 20) -> None:
    """Until the replica has replayed everything the primary wrote so far."""
    (target,) = primary.sql("SELECT pg_current_wal_lsn()::text", database="postgres")[0]
    deadline = time.monotonic() + seconds
    while not replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", database="postgres")[0][0]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


class paused_replay:
    """The replica receives the primary's changes but shows none of them until the block ends."""

    def __init__(self, stack):
        self.primary, self.replica = stack["primary"], stack["replica"]

    def __enter__(self):
        self.replica.sql("SELECT pg_wal_replay_pause()", database="postgres")

    def __exit__(self, *exc):
        self.replica.sql("SELECT pg_wal_replay_resume()", database="postgres")
        wait_for_replay(self.primary, self.replica)


class FormFields(HTMLParser):
    """What a browser would send from the form ``form_id`` as it stands."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None


def save_in_admin(staff: Browser, path: str, form_id: str, **changes) -> None:
    page = staff.get(path)
    assert page.status == 200, page.status
    parser = FormFields(form_id)
    parser.feed(page.body)
    data = [(name, changes.get(name, value)) for name, value in parser.fields]
    answer = staff.post(path, data, headers={"Referer": staff.base_url + path})
    assert answer.status == 302, answer.body[:2000]


def timed_get(browser: Browser, path: str):
    started = time.monotonic()
    answer = browser.get(path)
    return answer, time.monotonic() - started


def test_anonymous_readers_read_the_replica_staff_read_their_own_change_on_the_primary(stack):
    primary, replica, site = stack["primary"], stack["replica"], stack["steady"]
    reader, staff = Browser(site.url, "127.0.0.2"), Browser(site.url, "127.0.0.3")

    on_replica, on_primary = replica.statements("articles_article"), primary.statements("articles_article")
    page = reader.get("/article/pont-1/")
    assert page.status == 200 and "Le pont numéro 1 rouvre" in page.body
    assert replica.statements("articles_article") > on_replica  # the page was read from the replica…
    assert primary.statements("articles_article") == on_primary  # …and not at all from the primary
    section_path = re.search(r'href="(/[^"]*region/)"', page.body)[1]
    (section_id,) = primary.sql("SELECT id FROM articles_section WHERE slug = 'region'")[0]

    staff.sign_in("chef", PASSWORD)
    # Signing in wrote (last_login) before the session existed, so pinned the browser; it is the saves
    # made with a session that must set no pin.
    staff.cookies.pop("lecture_fraiche")
    with paused_replay(stack):  # the staff member's change stays on the primary only
        change = f"/admin/articles/section/{section_id}/change/"
        save_in_admin(staff, change, "section_form", name="Région Grand Est")
        assert "lecture_fraiche" not in staff.cookies  # no pin: their session sends them to the primary
        on_replica = replica.statements("articles_section")
        assert 'value="Région Grand Est"' in staff.get(change).body
        # The section's own heading (the menu, a cached part, is renewed by the change's purge for everyone).
        assert "<h1>Région Grand Est</h1>" in staff.get(section_path).body  # seen at once by its author…
        assert replica.statements("articles_section") == on_replica  # …who read the primary
        seen_by_reader = reader.get(section_path)
        assert seen_by_reader.status == 200 and "<h1>Région</h1>" in seen_by_reader.body  # the replica's
        assert replica.statements("articles_section") > on_replica
    assert "<h1>Région Grand Est</h1>" in reader.get(section_path).body  # replayed: readers see it too


def test_an_anonymous_commenter_is_pinned_to_the_primary_after_posting(stack):
    primary, replica, site = stack["primary"], stack["replica"], stack["steady"]
    reader = Browser(site.url, "127.0.0.4")
    page = reader.get("/article/pont-2/")
    action, token = comment_form(page.body)
    body = "Enfin ! Je passais par Ars-sur-Moselle depuis deux ans."
    with paused_replay(stack):
        sent = reader.post(
            action,
            {"name": "Jeanne", "email": "jeanne@exemple.fr", "url": "", "body": body, "token": token}
            | {"website": "", "parent": ""},
        )
        assert sent.status == 302
        assert "lecture_fraiche" in reader.cookies  # pinned, besides the held comments' cookie
        on_replica = replica.statements("articles_article")
        own_page = reader.get(sent.location.split("#")[0])
        assert own_page.status == 200 and body in own_page.body  # their held comment, from the primary
        assert replica.statements("articles_article") == on_replica
        assert primary.sql(f"SELECT count(*) FROM comments_comment WHERE body = '{body}'") == [(1,)]
        assert replica.sql(f"SELECT count(*) FROM comments_comment WHERE body = '{body}'") == [(0,)]
    time.sleep(3.2)  # NEWSROOM_REPLICA_PIN_SECONDS of this site: the pin is over
    reader.get("/article/pont-2/")
    assert replica.statements("articles_article") > on_replica


def test_a_replica_lagging_beyond_the_bound_sends_reads_to_the_primary(stack):
    primary, replica, site = stack["primary"], stack["replica"], stack["watchful"]
    reader = Browser(site.url, "127.0.0.5")
    on_replica = replica.statements("articles_article")
    assert reader.get("/article/pont-3/").status == 200
    assert replica.statements("articles_article") > on_replica

    with paused_replay(stack):
        primary.sql("UPDATE articles_article SET title = 'Le pont numéro 3 refermé' WHERE slug = 'pont-3'")
        started = time.monotonic()
        while "Le pont numéro 3 refermé" not in reader.get("/article/pont-3/").body:
            assert time.monotonic() - started < LAG_BOUND_SECONDS + 6, "reads stayed on the lagging replica"
            time.sleep(0.2)
        switched_after = time.monotonic() - started
        on_replica = replica.statements("articles_article")
        assert reader.get("/article/pont-3/").status == 200
        assert replica.statements("articles_article") == on_replica  # the primary's, while the replica lags
        health = reader.get("/sante/")
        assert health.status == 200 and "réplique : en retard de" in health.body
    print(f"\nreads left the lagging replica {switched_after:.1f} s after the write (bound {LAG_BOUND_SECONDS} s)")
    deadline = time.monotonic() + 10
    while replica.statements("articles_article") == on_replica:  # caught up: back on the replica
        assert time.monotonic() < deadline, "reads did not come back to the replica"
        reader.get("/article/pont-3/")
        time.sleep(0.2)


def reads_replica_again(replica: Server, reader: Browser, path: str, seconds: float) -> float:
    """Reads ``path`` until a read reaches the replica; how long that took."""
    started = time.monotonic()
    while True:
        before = replica.statements("articles_article")
        assert reader.get(path).status == 200
        if replica.statements("articles_article") > before:
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, "reads did not come back to the replica"
        time.sleep(0.2)


def test_after_anyone_writes_every_reader_reads_the_primary_for_a_moment(stack):
    # A comment purges its article's page; the page rendered again must not come from a replica a few
    # milliseconds behind, which would keep the old page in the page cache until the next purge.
    replica, site = stack["replica"], stack["watchful"]
    reader, commenter = Browser(site.url, "127.0.0.8"), Browser(site.url, "127.0.0.9")
    reads_replica_again(replica, reader, "/article/pont-1/", 10)
    action, token = comment_form(commenter.get("/article/pont-1/").body)
    data = {"name": "Paul", "email": "paul@exemple.fr", "url": "", "body": "Et les vélos ?", "token": token}
    assert commenter.post(action, data | {"website": "", "parent": ""}).status == 302
    written = time.monotonic()
    on_replica = replica.statements("articles_article")
    assert reader.get("/article/pont-1/").status == 200  # another reader, never pinned
    assert replica.statements("articles_article") == on_replica  # behind the fence: the primary
    reads_replica_again(replica, reader, "/article/pont-1/", 10)
    fenced_for = time.monotonic() - written
    assert 2.5 < fenced_for < 3 + 2  # the fence: the lag bound and one check, from the commit
    print(f"\nafter a comment, every reader read the primary for {fenced_for:.1f} s (fence 3 s)")


def test_pages_still_answer_when_the_replica_stops(stack):
    replica, steady, watchful = stack["replica"], stack["steady"], stack["watchful"]
    reader = Browser(steady.url, "127.0.0.6")
    on_replica = replica.statements("articles_article")
    assert reader.get("/article/pont-1/").status == 200
    assert replica.statements("articles_article") > on_replica  # steady still reads the replica

    replica.stop("immediate")
    # Steady believes the replica well for ten minutes: its next read fails under it, and is read again
    # on the primary; watchful finds it unreachable at its next check.
    answers = {
        name: [timed_get(Browser(site.url, "127.0.0.7"), "/article/pont-1/") for _ in range(5)]
        for name, site in (("steady", steady), ("watchful", watchful))
    }
    for name, timings in answers.items():
        assert [answer.status for answer, _ in timings] == [200] * 5, name
        assert all("Le pont numéro 1 rouvre" in answer.body for answer, _ in timings)
        assert timings[0][1] < 3, (name, timings[0][1])  # the first one pays a refused connection at most
        assert max(seconds for _, seconds in timings[1:]) < 1, name  # then nothing: marked down
        print(
            f"\n{name}: first read after the replica stopped {timings[0][1] * 1000:.0f} ms, then at most "
            f"{max(seconds for _, seconds in timings[1:]) * 1000:.0f} ms"
        )
    assert "served again from the primary" in steady.log.read_text()
    for site in (steady, watchful):
        health = Browser(site.url).get("/sante/")
        assert health.status == 200, health.body  # a replica down is no failure of the app server
        assert "lectures sur la base principale" in health.body


# The rules without servers: the router outside requests, the replica's health in one process. -------


def test_outside_requests_everything_goes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"  # the task worker, a command, the shell
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "articles") and not router.allow_migrate("replica", "articles")
    assert router.allow_relation(Article(), Article())


@pytest.mark.parametrize(
    ("method", "cookies", "may"),
    [
        ("GET", {}, True),
        ("HEAD", {}, True),
        ("POST", {}, False),  # a form reads what it is about to change
        ("GET", {"sessionid": "x"}, False),  # staff, anyone signed in
        ("GET", {"lecture_fraiche": "forged"}, True),  # a pin not signed by us pins nothing
    ],
)
def test_who_may_read_the_replica(rf, method, cookies, may):
    request = getattr(rf, method.lower())("/article/pont/")
    request.COOKIES.update(cookies)
    assert may_read_replica(request) is may


def test_a_visitor_pinned_after_a_write_reads_the_primary(rf):
    response = HttpResponse()
    response.set_signed_cookie(PIN_COOKIE, "1", salt=PIN_COOKIE_SALT)
    request = rf.get("/article/pont/")
    request.COOKIES[PIN_COOKIE] = response.cookies[PIN_COOKIE].value
    assert not may_read_replica(request)


class Lags:
    """The replica's connection, answering the lag query with each value in turn (an error: raised)."""

    def __init__(self, *answers):
        self.answers, self.asked = list(answers), 0

    def __getitem__(self, alias):
        assert alias == "replica"
        cursor = mock.MagicMock()

        def execute(sql):
            self.asked += 1
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            cursor.fetchone.return_value = (answer,)

        cursor.execute.side_effect = execute
        connection = mock.MagicMock()
        connection.cursor.return_value.__enter__.return_value = cursor
        return connection


@pytest.fixture
def clock(monkeypatch, settings):
    settings.REPLICA_MAX_LAG_SECONDS, settings.REPLICA_CHECK_SECONDS, settings.REPLICA_RETRY_SECONDS = 5, 2, 10
    now = [1000.0]
    monkeypatch.setattr(replica, "_clock", lambda: now[0])
    return now


def test_the_replica_is_asked_its_lag_at_most_every_check(monkeypatch, clock):
    lags = Lags(0.3, 7.5, Decimal("1.0"))
    monkeypatch.setattr(replica, "connections", lags)
    health = ReplicaHealth()
    assert health.usable() and health.usable() and lags.asked == 1  # the second from memory
    clock[0] += 2
    assert not health.usable()  # 7.5 s behind, beyond the bound
    assert health.state.reason == "en retard de 7,5 s"
    clock[0] += 2
    assert health.usable() and health.state.lag_seconds == 1.0 and lags.asked == 3


def test_a_replica_out_of_reach_is_left_alone_until_the_retry(monkeypatch, clock):
    lags = Lags(OperationalError("connection refused"), None, 0)
    monkeypatch.setattr(replica, "connections", lags)
    health = ReplicaHealth()
    assert not health.usable() and health.state.reason == "injoignable"
    clock[0] += 9
    assert not health.usable() and lags.asked == 1  # not asked again: a dead replica costs nothing
    clock[0] += 1
    assert not health.usable() and health.state.reason == "retard inconnu"  # reached, lag unknown
    clock[0] += 10
    assert health.usable() and lags.asked == 3
