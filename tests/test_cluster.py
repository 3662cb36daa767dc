"""`make cluster` broken on purpose while readers use it (issue 27).

The cluster of scripts/cluster.py — PostgreSQL primary and streaming replica, Redis, moto's S3, two
gunicorn app servers, the task worker, Varnish with the shipped VCL in front — is started in a
folder of its own on free ports. Readers (threads, each from an address of its own, like
test_whole_site's) load article pages and post comments through Varnish while, in turn, one app
server is killed (SIGKILL to it and its workers), the replica is stopped, Varnish is restarted,
and everything is brought back. A journalist uploads a document through the admin of the
site (Varnish passes it to the surviving app server) meanwhile.

What readers see is counted honestly:
- every HTTP answer's status is counted; any answer but 200 (pages) or 302 (a comment sent) fails
  the test — Varnish must retry the other app server or serve grace while parts are down;
- while Varnish itself restarts nothing listens on its port, so a reader's connection is refused.
  Readers then do what a browser's reload does: they try again 0.2 s later. Those refused
  connections are counted apart, and the test asserts that every one of them happened inside the
  restart window (from Varnish's stop until it answers again), and none at any other moment.

Then: every comment answered with a redirect is in the primary database (and in the replica once it
is back), a title changed after Varnish's restart shows through Varnish within a second of its
commit (the purge goes through the task worker), the uploaded document is readable at the bucket's
public address with the same bytes, and `cluster.stop()` leaves no process and no port taken.
The figures are printed (`pytest -s`) and written to the cluster's folder (summary.json).

It runs once per `make test`, in its PostgreSQL pass: the cluster has its own PostgreSQL whatever the
pass, so the SQLite pass would only run it a second time.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from factories import mp4_video
from site_stack import Browser, comment_form, reader_address

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READERS = 8
PHASE_SECONDS = 6  # readers at work between two events, enough for Varnish's probes to notice
PURGE_BOUND_SECONDS = 1.0


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_script", PROJECT_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cluster_script():
    return load_script("cluster")


def cluster_command(cluster, action: str) -> str:
    """`make cluster` / `make cluster-stop` on the test's folder."""
    result = subprocess.run(
        [sys.executable, "scripts/cluster.py", action, "--folder", str(cluster.folder)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


pytestmark = [
    pytest.mark.skipif(not shutil.which("varnishd"), reason="varnishd is missing: make test installs it"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs once, in make test's PostgreSQL pass (the cluster has its own PostgreSQL whatever the pass)",
    ),
]


@pytest.fixture(scope="module")
def cluster():
    folder = Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))
    cluster = cluster_script().Cluster(
        folder,
        preferred_ports=False,
        workers=2,
        extra_env={
            # A reader is given one second to write, to keep the run short; the demo's articles are old.
            "NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE": "1",
            "NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS": "0",
        },
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Readers:
    """Readers through Varnish: each loads articles and, every third page, sends a comment."""

    def __init__(self, cluster, articles: list[str]):
        self.cluster = cluster
        self.articles = articles
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.unexpected: list = []
        self.refused: list[float] = []  # when a connection was refused or cut (monotonic time)
        self.comments: list[tuple[int, str]] = []  # (comment id, body) of every comment answered 302
        self.threads = [threading.Thread(target=self.read, args=(number,)) for number in range(READERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def request(self, browser: Browser, method: str, path: str, data=None):
        """One request, sent again like a browser's reload while nothing listens (Varnish restarting)."""
        while True:
            try:
                answer = browser.request(method, path, data)
            except OSError:
                with self.lock:
                    self.refused.append(time.monotonic())
                time.sleep(0.2)
                continue
            with self.lock:
                self.statuses[answer.status] += 1
                if answer.status not in {200, 302}:
                    self.unexpected.append((method, path, answer.status, answer.body[:300]))
            return answer

    def read(self, number: int) -> None:
        # A new reader (address, cookies) for each comment: the comment limits, which count
        # addresses through Varnish's X-Forwarded-For, apply as to real readers.
        identity = number * 1000
        browser = Browser(self.cluster.varnish_url, reader_address(identity))
        turn = 0
        while not self.stopping.is_set():
            article = self.articles[(number + turn) % len(self.articles)]
            page = self.request(browser, "GET", article)
            turn += 1
            if turn % 3 or page.status != 200:
                continue
            action, token = comment_form(page.body)
            body = f"Lecteur {identity} : le service tient bon ({uuid.uuid4().hex[:8]})."
            data = {"name": f"Lecteur {identity}", "email": f"lecteur{identity}@exemple.fr", "url": ""}
            data |= {"body": body, "token": token, "website": "", "parent": ""}
            time.sleep(1.1)  # writing (NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE is 1 here)
            sent = self.request(browser, "POST", action, data)
            if sent.status == 302 and re.search(r"#c\d+$", sent.location):
                with self.lock:
                    self.comments.append((int(sent.location.rsplit("#c", 1)[1]), body))
            identity += 1
            browser = Browser(self.cluster.varnish_url, reader_address(identity))


def rows(cluster, sql: str, *params, server: str = "primary") -> list[tuple]:
    with psycopg.connect(cluster.database_url(server), autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_document(cluster, content: bytes, title: str) -> str:
    """A journalist's upload through the admin, by Varnish's address as in the newsroom (Varnish passes
    /admin/ to an app server it finds healthy); returns the stored file's name."""
    site = cluster.varnish_url
    browser = Browser(site)
    browser.sign_in("admin", cluster.admin_password)
    page = browser.get("/admin/documents/document/add/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token, "title": title, "description": "", "poster": ""},
        {"file": ("conseil-municipal.mp4", content, "video/mp4")},
    )
    request = urllib.request.Request(
        site + "/admin/documents/document/add/",
        data=body,
        headers={
            "Content-Type": content_type,
            "Cookie": "; ".join(f"{name}={value}" for name, value in browser.cookies.items()),
            "Origin": site,
            "Referer": site + "/admin/documents/document/add/",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as answered:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answered.read().decode(), re.S)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, (answer.code, answer.read()[:2000])
    else:
        raise AssertionError(f"the admin did not take the upload: {errors}")
    return rows(cluster, "SELECT file FROM documents_document WHERE title = %s", title)[0][0]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def rename_article(cluster, article_id: int, title: str) -> float:
    """A journalist's edit through the ORM on the primary; returns the wall-clock time of its commit."""
    script = (
        "import time\nfrom articles.models import Article\n"
        f"article = Article.objects.get(pk={article_id})\narticle.title = {title!r}\narticle.save()\n"
        "print(time.time())"
    )
    return float(cluster.manage("shell", "-c", script).strip().splitlines()[-1])


def wait_until_title_shows(cluster, path: str, title: str, seen: dict, seconds: float = 15) -> None:
    browser = Browser(cluster.varnish_url, "127.0.0.2")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if title in browser.get(path).body:
            seen["at"] = time.time()
            return
        time.sleep(0.02)


def test_readers_see_no_error_while_parts_of_the_cluster_fail(cluster):
    started = time.monotonic()
    slugs = rows(
        cluster,
        "SELECT id, slug FROM articles_article WHERE status = 'published' AND comments_mode = 'moderated' "
        "AND published_at <= now() ORDER BY published_at DESC LIMIT 4",
    )
    assert len(slugs) == 4
    articles = [f"/article/{slug}/" for _, slug in slugs]
    # Through Varnish, a second request for an article is a HIT.
    first = Browser(cluster.varnish_url).get(articles[0])
    assert first.status == 200
    assert Browser(cluster.varnish_url).get(articles[0]).headers.get("x-cache", "").startswith("HIT")

    # A second `make cluster` starts nothing and says so.
    again = cluster_command(cluster, "start")
    assert "already running" in again and cluster.varnish_url in again

    readers = Readers(cluster, articles)
    events: dict[str, float] = {}
    readers.start()
    try:
        time.sleep(PHASE_SECONDS)
        events["app1 killed"] = time.monotonic()
        cluster.kill("app1")
        time.sleep(PHASE_SECONDS)
        # The journalist's upload once Varnish's probes have found app1 sick (2 s): the VCL sends an
        # admin form once (its body is not kept for a retry), so one sent in those 2 s would fail.
        # Made unique by a « free » box (skipped by players, and by the library's check) of random bytes.
        video = mp4_video() + (24).to_bytes(4, "big") + b"free" + uuid.uuid4().bytes
        stored_name = upload_document(cluster, video, f"Vidéo du conseil {uuid.uuid4().hex[:6]}")

        events["replica stopped"] = time.monotonic()
        cluster.stop_postgres("replica")
        time.sleep(PHASE_SECONDS)

        events["varnish stopped"] = time.monotonic()
        cluster.stop_varnish()
        cluster.start_varnish()  # returns once Varnish answers through its backends
        events["varnish back"] = time.monotonic()
        time.sleep(1)

        # After the restart: a page kept again by the new Varnish, renamed, must show the new title within a second.
        article_id, slug = slugs[1]
        path = f"/article/{slug}/"
        browser = Browser(cluster.varnish_url, "127.0.0.3")
        browser.get(path)
        assert browser.get(path).headers.get("x-cache", "").startswith("HIT")
        title = f"Le conseil vote le budget ({uuid.uuid4().hex[:6]})"
        seen: dict = {}
        watcher = threading.Thread(target=wait_until_title_shows, args=(cluster, path, title, seen))
        watcher.start()
        committed_at = rename_article(cluster, article_id, title)
        watcher.join()
        assert "at" in seen, "the new title never showed through Varnish"
        purge_delay = seen["at"] - committed_at

        events["everything back"] = time.monotonic()
        cluster.start_postgres("replica")
        cluster.start_app("app1")
        cluster.wait_for_app("app1")
        time.sleep(PHASE_SECONDS)
    finally:
        readers.stop()

    # Readers saw no error: every answer a page or a comment's redirect.
    assert readers.unexpected == [], readers.unexpected[:5]
    # Refused connections only while Varnish was down.
    outside = [t for t in readers.refused if not events["varnish stopped"] <= t <= events["varnish back"] + 0.5]
    assert outside == [], f"{len(outside)} connections refused outside Varnish's restart"
    # No comment lost: each one answered with a redirect is stored on the primary, and reaches the replica.
    ids = [pk for pk, _ in readers.comments]
    assert readers.comments, "no comment was sent"
    stored = dict(rows(cluster, "SELECT id, body FROM comments_comment WHERE id = ANY(%s)", ids))
    assert {pk: stored.get(pk) for pk, _ in readers.comments} == dict(readers.comments)
    deadline = time.monotonic() + 30
    while rows(cluster, "SELECT count(*) FROM comments_comment WHERE id = ANY(%s)", ids, server="replica")[0][0] < len(
        ids
    ):
        assert time.monotonic() < deadline, "the replica did not catch up with the comments"
        time.sleep(0.5)
    # The purge reached the restarted Varnish within a second of the commit.
    assert purge_delay < PURGE_BOUND_SECONDS, f"the new title showed {purge_delay:.2f} s after the commit"
    # The document uploaded while app1 was down is in the bucket, at its public address, with the same bytes.
    status, content = fetch(f"{cluster.media_url}/{stored_name}")
    assert status == 200 and content == video

    figures = {
        "requests": sum(readers.statuses.values()),
        "statuses": dict(readers.statuses),
        "errors": len(readers.unexpected),
        "connections refused during Varnish's restart": len(readers.refused),
        "Varnish restart seconds": round(events["varnish back"] - events["varnish stopped"], 2),
        "comments sent": len(readers.comments),
        "comments stored": len(stored),
        "purge delay seconds": round(purge_delay, 3),
        "media bytes checked": len(content),
        "seconds": round(time.monotonic() - started, 1),
    }
    print("\n== cluster under failures: " + json.dumps(figures, ensure_ascii=False))
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    (PROJECT_ROOT / "var" / "cluster-test-summary.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))

    # make cluster-stop leaves nothing running and every port free.
    stopped = cluster_command(cluster, "stop")
    assert "nothing of the cluster" in stopped and "is running, its ports are free" in stopped
    assert cluster.running() == []
    assert [port for port in cluster.ports.values() if not cluster_script().port_is_free(port)] == []
