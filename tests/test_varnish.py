"""Varnish in front of the site: the shipped VCL (deploy/varnish/newsroom.vcl) run by a real varnishd.

Each test starts varnishd (Debian's varnish 7.1 and its xkey module, installed by `make test`) on a
free port, in a folder of its own, with the shipped VCL and a newsroom-backends.vcl written by
deploy/varnish/backends.py, in front of the site served from this process (Django's live server
thread, the page cache on, its headers as in production), reached through a relay that a test cuts
to take the app server down. Readers are HTTP clients; a reader's address other than 127.0.0.1 is
another loopback address (127.0.0.2), as Linux routes all of 127.0.0.0/8 to this machine. Changes are made through the ORM, so that the purge hook
(``pagecache.varnish.purge_tags``) runs after their commit, as after an editor's save.
"""

import contextlib
import http.client
import os
import re
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import page_cache_setup
import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from site_stack import Answer
from worker import run_tasks

from articles.models import Article
from newsroom.replica import PIN_COOKIE
from pagecache.core import personal_cookie_names
from pagecache.tasks import resend_purges

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VCL_FOLDER = PROJECT_ROOT / "deploy" / "varnish"
VCL = VCL_FOLDER / "newsroom.vcl"
BACKENDS_SCRIPT = VCL_FOLDER / "backends.py"
# Within a second of the commit: the promise, and the figure docs/varnish.md gives.
PURGE_DELAY_LIMIT = 1.0


def _varnish_missing() -> str | None:
    """Why these tests cannot run here, or None: varnishd and its xkey module must compile a VCL."""
    if shutil.which("varnishd") is None:
        return "varnishd is not installed (`make test` installs Debian's varnish and varnish-modules)"
    with tempfile.NamedTemporaryFile("w", suffix=".vcl") as vcl:
        vcl.write("vcl 4.1;\nimport xkey;\nbackend default none;\n")
        vcl.flush()
        compiled = subprocess.run(["varnishd", "-C", "-j", "none", "-f", vcl.name], capture_output=True)
    if compiled.returncode != 0:
        return "Varnish's xkey module is missing (`make test` installs Debian's varnish-modules)"
    return None


MISSING = _varnish_missing()
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s")


def fetch(port: int, method: str, path: str, headers: dict | None = None, source: str = "127.0.0.1") -> Answer:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    started = time.monotonic()
    try:
        client.request(method, path, headers={"Accept-Encoding": "identity", **(headers or {})})
        response = client.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        client.close()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return Answer(response.status, headers, body, time.monotonic() - started)


@dataclass
class Varnish:
    """varnishd with the shipped VCL, in a folder of its own, in front of app servers on these ports."""

    folder: Path
    backend_ports: list[int]
    purgers: list[str] = field(default_factory=list)  # default: backends.py's (127.0.0.1, ::1)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        arguments = [sys.executable, str(BACKENDS_SCRIPT)]
        for port in self.backend_ports:
            arguments += ["--app", f"127.0.0.1:{port}"]
        for purger in self.purgers:
            arguments += ["--purger", purger]
        (self.folder / "newsroom-backends.vcl").write_text(subprocess.check_output(arguments, text=True))
        log = self.folder / "varnishd.log"
        with log.open("ab") as output:
            # `-j none`: no switch to Varnish's own user, who could not read the test's private folders.
            self.process = subprocess.Popen(
                ["varnishd", "-F", "-j", "none", "-n", str(self.folder / "work"), "-a", f"127.0.0.1:{self.port}"]
                + ["-T", f"127.0.0.1:{free_port()}", "-s", "malloc,32m", "-p", f"vcl_path={self.folder}:{VCL_FOLDER}"]
                + ["-f", str(VCL)],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.port)
        except AssertionError as error:
            self.stop()
            raise AssertionError(f"{error}; varnishd said: {log.read_text(errors='replace')[-2000:]}") from None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app_server_health(self, number: int = 1) -> str:
        """What the probes on /sante/ say of an app server: « healthy » or « sick »."""
        listed = subprocess.run(
            ["varnishadm", "-n", str(self.folder / "work"), "backend.list"], capture_output=True, text=True, check=True
        )
        line = next(line for line in listed.stdout.splitlines() if f".app{number} " in line)
        return line.split()[3]

    def wait_until_app_server(self, health: str, number: int = 1, seconds: float = 10) -> float:
        """Seconds until the probes find an app server ``health``."""
        started = time.monotonic()
        while self.app_server_health(number) != health:
            assert time.monotonic() - started < seconds, f"the app server is not {health} after {seconds} s"
            time.sleep(0.1)
        return time.monotonic() - started

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return fetch(self.port, "GET", path, headers)


class Gate(socketserver.ThreadingTCPServer):
    """A TCP relay that can be cut, as a network cable can: while cut, connections are refused and
    those open are reset (a server killed, or out of reach)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.thread = None
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", self.port), _Relay, bind_and_activate=False)

    def open(self) -> None:
        self.socket = socket.socket(self.address_family, self.socket_type)
        self.server_bind()
        self.server_activate()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def cut(self) -> None:
        if self.thread is None:
            return
        self.shutdown()
        self.server_close()
        self.thread = None
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self.connections.clear()

    def keep(self, *connections: socket.socket) -> None:
        with self.connections_lock:
            self.connections.update(connections)


class _Relay(socketserver.BaseRequestHandler):
    def handle(self):
        with socket.create_connection(("127.0.0.1", self.server.target_port)) as upstream:
            self.server.keep(self.request, upstream)
            pump = threading.Thread(target=_copy, args=(upstream, self.request), daemon=True)
            pump.start()
            _copy(self.request, upstream)
            pump.join(timeout=5)


def _copy(source: socket.socket, destination: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            destination.sendall(data)
        destination.shutdown(socket.SHUT_WR)


@pytest.fixture
def site(live_server, settings, tmp_path):
    """The site with the page cache on (its Cache-Control and Surrogate-Key sent), as an app server
    that can be taken down: Varnish reaches the live server through a gate."""
    page_cache_setup.turn_on(settings, tmp_path)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]  # readers ask Varnish by its address
    gate = Gate(int(live_server.url.rsplit(":", 1)[1]))
    gate.open()
    try:
        yield gate
    finally:
        gate.cut()
        cache.clear()


@pytest.fixture
def varnish(site, settings, tmp_path):
    """Varnish with the shipped VCL in front of the site, purged by the hook after each commit."""
    if MISSING:
        pytest.skip(MISSING)
    proxy = Varnish(tmp_path / "varnish", [site.port])
    proxy.start()
    settings.VARNISH_PURGE_URLS = [proxy.url]
    settings.PAGE_CACHE_PURGE_HOOK = "pagecache.varnish.purge_tags"
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def article(make_article):
    return make_article("Le conseil municipal vote le budget")


def title_shown(answer: Answer) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", answer.body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def task_results() -> list:
    return list(
        DBTaskResult.objects.filter(task_path="pagecache.tasks.resend_purges").values_list("return_value", flat=True)
    )


def purges_delivered() -> int:
    """How many tasks ended by delivering their purge (their return value says so)."""
    return sum(1 for value in task_results() if str(value).startswith("purged on"))


def start_worker() -> subprocess.Popen:
    """The task worker in a process of its own, on the test's database (committed: a transactional test)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + database["NAME"]))
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "1", "--no-startup-delay", "--no-reload"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_title(varnish: Varnish, path: str, title: str, seconds: float) -> float:
    """Seconds until Varnish serves the page with this title (polled every 10 ms); fails past ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if title in title_shown(varnish.get(path)):
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"« {title} » not served through Varnish within {seconds} s")


def test_the_second_reader_gets_the_article_from_varnish_with_its_tags_kept_to_itself(varnish, article):
    path = article.get_absolute_url()
    first, second = varnish.get(path), varnish.get(path)
    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body
    # The tags are Varnish's business; a browser is told to ask again, never to keep it for s-maxage.
    assert not {"surrogate-key", "cache-tag", "xkey", "x-newsroom-swr"} & set(second.headers)
    assert second.headers["cache-control"] == "public, max-age=0"


def test_tracking_parameters_and_analytics_cookies_share_the_cached_page(varnish, article):
    path = article.get_absolute_url()
    assert varnish.get(path).cache == "MISS"
    tracked = varnish.get(f"{path}?utm_source=lettre&utm_medium=email&fbclid=abc", {"Cookie": "_ga=GA1.2.3; _pk_id=9"})
    assert (tracked.status, tracked.cache) == (200, "HIT")
    # A parameter the app does read is another page, not the tracked one.
    assert varnish.get(f"{path}?commentaires=2&utm_campaign=x").cache != "HIT"


def test_our_cookies_and_the_admin_are_never_served_from_nor_stored_in_varnish(varnish, article):
    path = article.get_absolute_url()
    varnish.get("/")  # the site's middlewares are set up: every personal cookie is registered
    passed = set(re.search(r"Cookie ~ .*\\s\*\(([a-z_|]+)\)=", VCL.read_text()).group(1).split("|"))
    # The VCL passes exactly the cookies the app keeps no page for (the replica's pin whether or not a
    # replica is configured here: its middleware registers it only then).
    assert passed == personal_cookie_names() | {PIN_COOKIE}
    for name in sorted(passed):
        assert varnish.get(path, {"Cookie": f"_ga=1; {name}=x"}).cache == "PASS"
    # Nothing they were answered was kept for the others.
    assert varnish.get(path).cache == "MISS"
    assert varnish.get(path, {"Cookie": "sessionid=abc"}).cache == "PASS"
    login = reverse("admin:login")
    assert [varnish.get(login).cache, varnish.get(login).cache] == ["PASS", "PASS"]


def test_a_renamed_article_shows_its_new_title_through_varnish_within_a_second(varnish, article):
    path = article.get_absolute_url()
    varnish.get(path)
    assert varnish.get(path).cache == "HIT"
    article.title = "Le conseil municipal adopte le budget"
    article.save()  # committed: the hook soft-purges its tags on Varnish
    delay = wait_for_title(varnish, path, "adopte le budget", PURGE_DELAY_LIMIT)
    print(f"renamed article through Varnish after {delay * 1000:.0f} ms")
    assert not DBTaskResult.objects.exists()  # reached at once: no task left to send it again


def test_a_withdrawn_article_is_dropped_by_varnish_never_served_stale(varnish, article):
    path = article.get_absolute_url()
    varnish.get(path)
    article.status = Article.Status.UNPUBLISHED
    article.save()  # an at-once purge: xkey-purge, not a soft one
    answer = varnish.get(path)
    assert answer.status == 404
    assert answer.cache != "HIT-GRACE"


def test_purges_come_only_from_the_app_servers(varnish, site, tmp_path):
    allowed = fetch(varnish.port, "PURGE", "/", {"xkey-softpurge": "article:1"})
    assert allowed.status == 200
    # Another address, even one claiming to be an app server in X-Forwarded-For.
    for headers in ({"xkey-purge": "site"}, {"xkey-purge": "site", "X-Forwarded-For": "127.0.0.1"}):
        assert fetch(varnish.port, "PURGE", "/", headers, source="127.0.0.2").status == 403
    # An allowed address that forwards for someone else (a TLS terminator on this machine, say).
    assert fetch(varnish.port, "PURGE", "/", {"xkey-purge": "site", "X-Forwarded-For": "203.0.113.9"}).status == 403
    assert fetch(varnish.port, "BREW", "/").status == 405
    # A deployment whose ACL leaves this machine out refuses it too.
    elsewhere = Varnish(tmp_path / "elsewhere", [site.port], purgers=["10.20.30.0/24"])
    elsewhere.start()
    try:
        assert fetch(elsewhere.port, "PURGE", "/", {"xkey-purge": "site"}).status == 403
    finally:
        elsewhere.stop()


def test_pages_kept_stay_served_while_the_app_server_is_down(varnish, site, article, make_article, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 1  # stale-while-revalidate: 1 s, so that the test waits past it
    path = article.get_absolute_url()
    other = make_article("Une autre page").get_absolute_url()
    varnish.get(path)
    fetch(varnish.port, "PURGE", "/", {"xkey-softpurge": f"article:{article.pk}"})
    time.sleep(1.2)  # past the page's stale-while-revalidate
    site.cut()
    # Before the probes notice: each fetch refused, Varnish looks again for the stale copy.
    assert varnish.app_server_health() == "healthy"
    at_once = varnish.get(path)
    assert (at_once.status, at_once.cache) == (200, "HIT-GRACE")
    assert "vote le budget" in title_shown(at_once)
    uncached = varnish.get(other)
    assert uncached.status == 503 and uncached.seconds < 1
    assert "Site momentanément indisponible" in uncached.body
    sent = fetch(varnish.port, "POST", reverse("search:results"))  # a form: tried on each server, then this
    assert sent.status == 503 and "Site momentanément indisponible" in sent.body
    noticed = varnish.wait_until_app_server("sick")  # two probes failed: Varnish no longer tries it
    sick = varnish.get(path)
    assert (sick.status, sick.cache) == (200, "HIT-GRACE")
    unknown = varnish.get(other)
    assert unknown.status == 503 and unknown.seconds < 1
    print(
        f"app server down: the kept page in {at_once.seconds * 1000:.1f} ms before the probes noticed, "
        f"{sick.seconds * 1000:.1f} ms after; a page not kept: 503 in {uncached.seconds * 1000:.1f} ms, "
        f"then {unknown.seconds * 1000:.1f} ms; found sick {noticed:.1f} s after it went down"
    )
    # Back: once found healthy, a stale page past its stale-while-revalidate is fetched again.
    site.open()
    varnish.wait_until_app_server("healthy")
    answer = varnish.get(path)
    assert (answer.status, answer.cache) == (200, "MISS")


def test_a_request_an_app_server_fails_is_answered_by_the_other_one(site, live_server, make_article, tmp_path):
    if MISSING:
        pytest.skip(MISSING)
    second = Gate(site.target_port)  # a second app server (the same site, by another way)
    second.open()
    proxy = Varnish(tmp_path / "two", [site.port, second.port])
    proxy.start()
    try:
        paths = [make_article(f"Article {number}").get_absolute_url() for number in range(6)]
        site.cut()  # the first app server killed, not yet found sick
        answers = [proxy.get(path) for path in paths[:3]]
        assert proxy.app_server_health(1) == "healthy"
        proxy.wait_until_app_server("sick", number=1)
        answers += [proxy.get(path) for path in paths[3:]]
        assert [(answer.status, answer.cache) for answer in answers] == [(200, "MISS")] * 6
        print(f"one app server of two down: pages in {max(answer.seconds for answer in answers) * 1000:.0f} ms at most")
    finally:
        proxy.stop()
        second.cut()


def test_a_purge_missed_while_varnish_is_out_of_reach_is_delivered_by_the_worker_once_it_is_back(
    varnish, article, settings
):
    gate = Gate(varnish.port)  # the app servers reach Varnish through it
    gate.open()
    settings.VARNISH_PURGE_URLS = [f"http://127.0.0.1:{gate.port}"]
    worker = start_worker()  # `manage.py worker --interval 1`, as production runs it
    try:
        path = article.get_absolute_url()
        varnish.get(path)
        gate.cut()
        article.title = "Le budget adopté à l’unanimité"
        article.save()
        assert varnish.get(path).cache == "HIT"  # not purged: Varnish was not reached
        assert DBTaskResult.objects.filter(task_path="pagecache.tasks.resend_purges").count() == 1
        # The worker's first new try, half a second later: still out of reach, the next one planned.
        started = time.monotonic()
        while not any(str(value).startswith("missed") for value in task_results()):
            assert time.monotonic() - started < 30, "the worker did not try again"
            time.sleep(0.05)
        assert "vote le budget" in title_shown(varnish.get(path))
        gate.open()
        back = time.monotonic()
        # The next try is at most a second away, found by the worker within its second of polling.
        while "adopté" not in title_shown(varnish.get(path)):
            assert time.monotonic() - back < 2.5, "the purge was not delivered"
            time.sleep(0.02)
        print(f"purge delivered by the worker {(time.monotonic() - back) * 1000:.0f} ms after Varnish was reachable")
        assert purges_delivered() == 1
    finally:
        gate.cut()
        worker.terminate()
        worker.wait(timeout=10)


def test_after_varnish_restarts_a_change_reaches_it_at_once_and_the_missed_purge_is_sent(varnish, article):
    path = article.get_absolute_url()
    varnish.get(path)
    varnish.stop()
    article.title = "Premier titre pendant l’arrêt"
    article.save()  # Varnish down: the purge waits in the tasks' table
    assert DBTaskResult.objects.count() == 1
    varnish.start()  # on the same port, its memory empty
    assert "pendant l’arrêt" in title_shown(varnish.get(path))
    article.title = "Second titre après le retour"
    article.save()
    delay = wait_for_title(varnish, path, "après le retour", PURGE_DELAY_LIMIT)
    print(f"first change after Varnish's restart shown after {delay * 1000:.0f} ms")
    time.sleep(0.5)
    run_tasks()
    assert purges_delivered() == 1


def test_a_missed_purge_is_tried_every_second_and_given_up_once_nothing_from_before_can_be_fresh(settings):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 3600, 30
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert (
        resend_purges.call([nowhere], ["article:1"], [], 5, time.time() - 60)
        == f"missed {[nowhere]}, attempt 6 scheduled"
    )
    planned = DBTaskResult.objects.get()
    assert 0.5 < (planned.run_after - planned.enqueued_at).total_seconds() <= 1.0
    planned.delete()
    # An hour and a half-minute after the change, every page Varnish kept from before it has expired.
    assert resend_purges.call([nowhere], ["article:1"], [], 200, time.time() - 3625) == f"given up for {[nowhere]}"
    assert not DBTaskResult.objects.exists()
