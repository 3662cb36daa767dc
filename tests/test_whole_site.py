"""The whole site as the public meets it: `make serve`'s stack under production settings, driven over HTTP.

gunicorn with several workers, the page cache in Redis, PostgreSQL, the task worker and a real SMTP
server (``site_stack``). Hundreds of readers, each from an address of its own, load cached article
pages like a browser, wait as a person writes, and comment — some correcting an error and sending
again at once, some sending twice. Moderators decide from the admin, an editor unpublishes and
publishes. Then parts fail: Redis frozen (SIGSTOP), the SMTP server down for a while, the file cache
on a full disk. Through it all: every comment stored exactly once and its author told its status,
every mail delivered exactly once, no 5xx, no page stale a second after a purge.
"""

import email
import email.policy
import errno
import os
import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from site_stack import Browser, Database, Redis, Site, comment_form, percentile, reader_address
from smtp import SMTPServer

DATABASE_URL = os.environ.get("DATABASE_URL", "")
READERS = int(os.environ.get("NEWSROOM_WHOLE_SITE_READERS", "240"))
CONCURRENCY = 24
WAITING = "Votre commentaire est en attente de modération"
PASSWORD = "motdepasse-de-test-9431"

pytestmark = [
    pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="the whole site runs on PostgreSQL: make test"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is missing: make test installs it"),
]


class Stack:
    """What the tests share: the database, Redis, the SMTP server and the running site."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.database = self.redis = self.smtp = self.site = None
        try:
            self.database = Database(DATABASE_URL)
            self.redis = Redis(folder)
            self.smtp = SMTPServer().start()
            self._start()
        except BaseException:
            self.stop()  # nothing started is left behind when the start fails
            raise

    def _start(self) -> None:
        self.env = {
            "DATABASE_URL": self.database.url,
            "REDIS_URL": self.redis.url,
            "NEWSROOM_WORKERS": "3",
            "DJANGO_SECRET_KEY": "whole-site-test-" + "x" * 40,
            "DJANGO_STATIC_ROOT": str(self.folder / "static"),
            "DJANGO_MEDIA_ROOT": str(self.folder / "media"),
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(self.smtp.port),
            "DJANGO_EMAIL_TIMEOUT": "2",
            # A person is given one second to write, to keep the run short; the demo's articles are old.
            "NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE": "1",
            "NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS": "0",
            "NEWSROOM_OUTBOX_RETRY_SECONDS": "1,2,3",
            "NEWSROOM_PAGE_CACHE_SECONDS": "3600",
        }
        self.site = Site(self.env, self.folder / "serve.log")
        self.site.manage(self.env, "shell", "-c", STAFF.format(password=PASSWORD))
        self.browsers: list[Browser] = []
        self.lock = threading.Lock()

    def browser(self, number: int = 0) -> Browser:
        browser = Browser(self.site.base_url, reader_address(number))
        with self.lock:
            self.browsers.append(browser)
        return browser

    def server_errors(self) -> list:
        with self.lock:
            return [answer for browser in self.browsers for answer in browser.answers if answer[2] >= 500]

    def articles_open_to_comments(self, count: int) -> list[str]:
        rows = self.database.rows(
            "SELECT slug FROM articles_article WHERE status = 'published' AND comments_mode = 'moderated' "
            "AND published_at <= now() "
            "ORDER BY published_at DESC LIMIT %s",
            count,
        )
        return [f"/article/{slug}/" for (slug,) in rows]

    def comments_with_body(self, body: str) -> int:
        return self.database.rows("SELECT count(*) FROM comments_comment WHERE body = %s", body)[0][0]

    def stop(self) -> None:
        for part, stop in [(self.site, "stop"), (self.smtp, "stop"), (self.redis, "stop"), (self.database, "drop")]:
            if part is not None:
                getattr(part, stop)()


STAFF = """
from django.contrib.auth.models import Group, User
for name, group in [("moderatrice", "Modérateurs"), ("redactrice", "Rédaction en chef")]:
    user = User.objects.create_user(name, f"{{name}}@redaction.example", "{password}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("site"))
    try:
        yield stack
    finally:
        stack.stop()


def reader_comments(stack: Stack, number: int, article: str, *, mistake: bool = False, twice: bool = False) -> dict:
    """One reader: opens the cached article, writes, sends (after correcting, or twice), reads the answer."""
    browser = stack.browser(number)
    page = browser.get(article)
    assert page.status == 200
    action, token = comment_form(page.body)
    body = f"Avis du lecteur {number:04} sur {article} : le quartier change, et vite."
    data = {"name": f"Lecteur {number}", "email": f"lecteur{number}@exemple.fr", "url": "", "body": body}
    data |= {"token": token, "website": "", "parent": ""}
    time.sleep(1.1)  # writing (NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE is 1 here)
    if mistake:
        refused = browser.post(action, {**data, "email": f"lecteur{number}@"})
        assert refused.status == 400, refused.status
        assert "Saisissez une adresse e-mail valide" in refused.body and body in refused.body
        _, token = comment_form(refused.body)
        data["token"] = token  # corrected, and sent again at once
    if twice:  # a double click: both sends race
        with ThreadPoolExecutor(2) as pair:
            answers = list(pair.map(lambda _: browser.post(action, data), range(2)))
        assert [a.status for a in answers] == [302, 302], [a.status for a in answers]
        assert answers[0].location == answers[1].location
        sent = answers[0]
    else:
        sent = browser.post(action, data)
    assert sent.status == 302, (sent.status, sent.body[:500])
    assert re.search(r"#c\d+$", sent.location), sent.location
    # The reader follows the redirect and is told the comment waits for moderation.
    shown = browser.get(sent.location.split("#")[0])
    assert shown.status == 200 and WAITING in shown.body
    return {"body": body, "comment": int(sent.location.rsplit("#c", 1)[1]), "article": article}


def many_readers(stack: Stack, count: int, first_number: int, articles: list[str]) -> list[dict]:
    def one(number: int) -> dict:
        return reader_comments(
            stack,
            number,
            articles[number % len(articles)],
            mistake=number % 7 == 3,
            twice=number % 11 == 5,
        )

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(one, range(first_number, first_number + count)))


def wait_for_mail(stack: Stack, expected: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while len(stack.smtp.received) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # anything more that would still arrive (a duplicate) has time to
    assert len(stack.smtp.received) == expected, f"{len(stack.smtp.received)} mails received, {expected} expected"


def mail_text(message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content()


def test_every_reader_s_comment_on_cached_pages_is_stored_once_and_announced_once(stack):
    articles = stack.articles_open_to_comments(4)
    assert len(articles) == 4
    for article in articles:  # into the page cache
        stack.browser().get(article)
    assert stack.browser().get(articles[0]).headers.get("x-cache") == "HIT"

    sent = many_readers(stack, READERS, 0, articles)

    assert len({item["comment"] for item in sent}) == READERS  # one comment each, none shared
    for item in sent:
        assert stack.comments_with_body(item["body"]) == 1, item["body"]
    # Every waiting comment announced to the moderator once, through the task worker and SMTP.
    wait_for_mail(stack, READERS)
    texts = [mail_text(message) for message in stack.smtp.received]
    for item in sent:
        assert sum(item["body"] in text for text in texts) == 1, item["body"]
    assert all("/admin/comments/comment/" in text for text in texts)
    assert len({message["Message-ID"] for message in stack.smtp.received}) == READERS
    assert stack.server_errors() == []


def test_moderators_and_editors_change_what_readers_see_within_a_second(stack):
    article = stack.articles_open_to_comments(1)[0]
    reader = stack.browser(900)
    waiting = [
        pk for (pk,) in stack.database.rows("SELECT id FROM comments_comment WHERE status = 'pending' ORDER BY id")
    ]
    moderator = stack.browser(901)
    moderator.sign_in("moderatrice", PASSWORD)
    article_id = stack.database.rows("SELECT id FROM articles_article WHERE slug = %s", article.split("/")[2])[0][0]
    on_article = [
        (pk, body)
        for pk, body in stack.database.rows(
            "SELECT id, body FROM comments_comment WHERE status = 'pending' AND article_id = %s ORDER BY id LIMIT 5",
            article_id,
        )
    ]
    assert reader.get(article).headers.get("x-cache") in {"HIT", "MISS"}
    answer = moderator.admin_action("/admin/comments/comment/", "approve_selected", [pk for pk, _ in on_article])
    assert answer.status == 302
    approved_at = time.monotonic()
    # Within a second of the decision, every reader sees the approved comments.
    page = reader.get(article)
    while not all(body in page.body for _, body in on_article):
        assert time.monotonic() - approved_at < 1.0, "the article page was stale a second after the purge"
        page = reader.get(article)

    editor = stack.browser(902)
    editor.sign_in("redactrice", PASSWORD)
    assert editor.admin_action("/admin/articles/article/", "unpublish_selected", [article_id]).status == 302
    assert reader.get(article).status == 404
    assert editor.admin_action("/admin/articles/article/", "publish_selected", [article_id]).status == 302
    assert reader.get(article).status == 200
    assert len(waiting) >= READERS - len(on_article)
    assert stack.server_errors() == []


def test_with_redis_frozen_pages_stay_fast_and_comments_are_stored(stack):
    articles = stack.articles_open_to_comments(4)
    paths = [*articles, "/", "/rss/", "/sitemap.xml"]
    before = len(stack.smtp.received)
    stack.redis.freeze()
    try:
        timings = []
        browser = stack.browser(950)
        for _ in range(6):
            for path in paths:
                answer = browser.get(path)
                assert answer.status == 200, (path, answer.status)
                timings.append(answer.seconds)
        sent = many_readers(stack, 12, 2000, articles)
    finally:
        stack.redis.thaw()
    assert percentile(timings, 0.99) <= 1.5, f"p99 {percentile(timings, 0.99):.2f} s with Redis frozen"
    for item in sent:
        assert stack.comments_with_body(item["body"]) == 1
    wait_for_mail(stack, before + len(sent))
    # Redis back: pages are cached again.
    browser = stack.browser(951)
    browser.get(articles[0])
    deadline = time.monotonic() + 15
    while browser.get(articles[0]).headers.get("x-cache") != "HIT":
        assert time.monotonic() < deadline, "pages were not cached again after Redis came back"
        time.sleep(0.5)
    assert stack.server_errors() == []


def test_mail_asked_for_while_smtp_is_down_is_delivered_once_it_is_back(stack):
    articles = stack.articles_open_to_comments(2)
    before = len(stack.smtp.received)
    stack.smtp.stop()
    try:
        sent = many_readers(stack, 8, 3000, articles)
        time.sleep(4)  # several attempts fail meanwhile
        waiting = stack.database.rows("SELECT count(*), max(attempts) FROM outbox_mail WHERE status = 'waiting'")[0]
        assert waiting[0] == len(sent) and waiting[1] >= 2
    finally:
        stack.smtp.start()
    wait_for_mail(stack, before + len(sent))
    assert stack.database.rows("SELECT count(*) FROM outbox_mail WHERE status <> 'sent'")[0][0] == 0
    assert stack.server_errors() == []


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return result.returncode == 0


def test_with_the_file_cache_on_a_full_disk_nothing_fails(stack):
    cache_folder = stack.folder / "full-disk"
    if os.geteuid() != 0 or not _mount_tmpfs(cache_folder, "512k"):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        descriptor = os.open(cache_folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(descriptor, b"\0" * 4096):
                pass
        except OSError as error:
            assert error.errno == errno.ENOSPC  # the disk is full
        finally:
            os.close(descriptor)
        stack.site.stop()
        env = {**stack.env, "REDIS_URL": "", "DJANGO_CACHE_LOCATION": str(cache_folder / "cache")}
        stack.site = Site(env, stack.folder / "serve-full-disk.log")
        articles = stack.articles_open_to_comments(2)
        browser = stack.browser(960)
        for _ in range(3):
            for path in [*articles, "/", "/rss/"]:
                assert browser.get(path).status == 200, path
        sent = many_readers(stack, 6, 4000, articles)
        for item in sent:
            assert stack.comments_with_body(item["body"]) == 1
        assert stack.server_errors() == []
        # No half-written cache file left behind to keep the disk full.
        assert not [p for p in cache_folder.rglob("tmp*") if p.is_file()]
    finally:
        subprocess.run(["umount", "-l", str(cache_folder)], check=False)
