"""Newsletters from end to end, with a real SMTP server (aiosmtpd) and, for the killed worker, a real
``manage.py worker`` process on the test's database.

- A reader subscribes with the form, gets the confirmation mail through the outbox, confirms; an
  edition reaches them with both parts and its headers; one POST to List-Unsubscribe's https
  address (RFC 8058) unsubscribes them.
- An edition to 300 subscribers, its worker killed halfway (SIGKILL, then SIGTERM) and started
  again: every address gets the edition exactly once, and the figures say so.
"""

import asyncio
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client
from django.utils import timezone
from newsletter_data import active_subscribers, edition_of
from smtp import SMTPServer, _Collector
from worker import run_tasks

from newsletters import sending
from newsletters.models import Delivery, Edition, NewsletterList, Subscriber, Subscription

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://www.republicain-sillon.fr"
STALE_SECONDS = 2
SUBSCRIBERS = 300
HOLD_AT = SUBSCRIBERS // 2


# A worker killed halfway -----------------------------------------------------------------------


class _Holding(_Collector):
    """Takes every message; the ``hold_at``-th one it keeps a while before answering the dot: the
    worker has written the message and waits for the reply, the test kills it meanwhile."""

    def __init__(self, received, lock, hold_at: int, seconds: float):
        super().__init__(received, lock)
        self.hold_at, self.seconds = hold_at, seconds

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        with self.lock:
            count = len(self.received)
        if count == self.hold_at:
            await asyncio.sleep(self.seconds)
        return answer


class HoldingSMTPServer(SMTPServer):
    def __init__(self, hold_at: int, seconds: float = 3.0):
        super().__init__()
        self.hold_at, self.seconds = hold_at, seconds

    def start(self):
        handler = _Holding(self.received, self._lock, self.hold_at, self.seconds)
        self._controller = Controller(handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def count(self) -> int:
        with self._lock:
            return len(self.received)


def database_url() -> str:
    """The test database as a DATABASE_URL, for the worker's process."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host = (database["HOST"] or "").replace("/", "%2F")
    port = f":{database['PORT']}" if database["PORT"] else ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return f"postgres://{database['USER'] or 'postgres'}{password}@{host}{port}/{database['NAME']}"


def worker_environment(smtp_port: int, tmp_path: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NEWSROOM_"))}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": database_url(),
            "DJANGO_CACHE_LOCATION": str(tmp_path / "cache"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_port),
            "NEWSROOM_SITE_URL": SITE_URL,
            "NEWSROOM_NEWSLETTER_BATCH": "40",
            "NEWSROOM_NEWSLETTER_STALE_SECONDS": str(STALE_SECONDS),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def start_worker(env: dict, log: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", *extra]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s; worker's log:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


def signalled_at_half(smtp, env: dict, log: Path, signum: int, pause: float = 0.0) -> float:
    """A worker sent ``signum`` once the server has received half the edition (and ``pause`` seconds
    more); how long it took to exit."""
    worker = start_worker(env, log)
    try:
        wait_for(lambda: smtp.count() >= HOLD_AT, 60, "half the edition not sent", log)
        time.sleep(pause)
        worker.send_signal(signum)
        signalled = time.monotonic()
        worker.wait(timeout=30)
        return time.monotonic() - signalled
    finally:
        if worker.poll() is None:
            worker.kill()


def run_to_the_end(env: dict, log: Path) -> None:
    """A new worker, until no task is left."""
    restarted = start_worker(env, log, "--batch")
    assert restarted.wait(timeout=120) == 0, log.read_text()[-3000:]


@pytest.fixture
def big_edition(transactional_db, make_article):
    # A list of the test's own: the migrations' lists are emptied with the database after each
    # transactional test, and no automatic edition (a list's send time) may write to it.
    newsletter = NewsletterList.objects.create(name="La lettre du test", slug="lettre-du-test")
    active_subscribers(newsletter, SUBSCRIBERS)
    edition = edition_of(newsletter, [make_article("La une"), make_article("Le deuxième article")])
    sending.send_now(edition)
    return edition


def assert_each_address_received_it_once(smtp, edition) -> None:
    envelope_recipients = Counter(message["X-Envelope-To"] for message in smtp.received)
    expected = set(Subscriber.objects.values_list("email", flat=True))
    assert set(envelope_recipients) == expected
    twice = {address: count for address, count in envelope_recipients.items() if count > 1}
    assert twice == {}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.recipients_count == SUBSCRIBERS
    figures = sending.figures(edition)
    assert (figures["sent"], figures["refused"], figures["waiting"]) == (SUBSCRIBERS, 0, 0)
    # One Message-ID per address, the same whatever attempt sent it.
    assert len({message["Message-ID"] for message in smtp.received}) == SUBSCRIBERS


@pytest.mark.skipif(sys.platform != "linux", reason="signals to a worker process")
def test_a_worker_killed_halfway_and_restarted_sends_each_address_the_edition_once(big_edition, tmp_path):
    smtp = HoldingSMTPServer(hold_at=HOLD_AT).start()
    log = tmp_path / "worker.log"
    env = worker_environment(smtp.port, tmp_path)
    try:
        # The worker wrote the HOLD_AT-th message and its dot, recorded it, and waits for the
        # reply the server holds back: killed there, and with the rest of its batch taken.
        signalled_at_half(smtp, env, log, signal.SIGKILL, pause=0.5)
        at_kill = smtp.count()
        assert at_kill < SUBSCRIBERS
        rows = Counter(Delivery.objects.filter(edition=big_edition).values_list("status", flat=True))
        assert rows[Delivery.Status.SENT] == at_kill  # the held one included: recorded before the reply
        assert rows[Delivery.Status.SENDING] > 0  # the rest of its batch, taken and not sent

        # The minute's tick, once the taken rows are stale: taken back, the send restarted.
        time.sleep(STALE_SECONDS + 0.5)
        tick = subprocess.run(
            [sys.executable, "manage.py", "newsletters_tick", "-v", "2"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert tick.returncode == 0, tick.stderr
        run_to_the_end(env, log)
    finally:
        smtp.stop()
    assert_each_address_received_it_once(smtp, big_edition)


@pytest.mark.skipif(sys.platform != "linux", reason="signals to a worker process")
def test_a_worker_stopped_halfway_finishes_its_batch_and_the_next_one_goes_on(big_edition, tmp_path):
    smtp = HoldingSMTPServer(hold_at=HOLD_AT, seconds=0.5).start()
    log = tmp_path / "worker.log"
    env = worker_environment(smtp.port, tmp_path)
    try:
        # db_worker finishes the task in hand: one batch, bounded.
        assert signalled_at_half(smtp, env, log, signal.SIGTERM) < 10
        assert smtp.count() < SUBSCRIBERS
        assert not Delivery.objects.filter(edition=big_edition, status=Delivery.Status.SENDING).exists()
        # No tick needed: the stopped worker's last task had enqueued the next one.
        run_to_the_end(env, log)
    finally:
        smtp.stop()
    assert_each_address_received_it_once(smtp, big_edition)


# From the form to the one-click unsubscription ---------------------------------------------------


def received_link(message, pattern: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(pattern, text)[0]


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(settings, make_article):
    settings.NEWSROOM_SITE_URL = settings.CANONICAL_SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "www.republicain-sillon.fr"]
    # The reader's browser on the site's own address, as the mail's links lead there.
    client = Client(HTTP_HOST="www.republicain-sillon.fr")
    smtp = SMTPServer().start()
    settings.MAILERS = smtp.mailer_settings()
    try:
        newsletter = NewsletterList.objects.get(slug="lettre-du-matin")
        form = client.get("/lettres/", secure=True)
        assert form.status_code == 200
        answer = client.post(
            "/lettres/",
            {"email": "Jeanne.Martin@exemple.fr", "lettres": [newsletter.slug], **consent_fields(form)},
            secure=True,
            HTTP_ORIGIN=SITE_URL,
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        assert answer.status_code in (200, 302, 303)
        run_tasks()
        (confirmation,) = [parse(m) for m in smtp.received]
        assert confirmation["X-Envelope-To"] == "jeanne.martin@exemple.fr"
        confirm_path = received_link(confirmation, rf"{re.escape(SITE_URL)}/lettres/confirmer/[^\s]+/").removeprefix(
            SITE_URL
        )
        # The link shows a button (mail scanners follow links); the button confirms.
        assert client.get(confirm_path, secure=True).status_code == 200
        assert not Subscription.objects.active().exists()
        page = client.post(confirm_path, secure=True, HTTP_ORIGIN=SITE_URL, HTTP_SEC_FETCH_SITE="same-origin")
        assert page.status_code == 200
        subscription = Subscription.objects.get(subscriber__email="jeanne.martin@exemple.fr", newsletter=newsletter)
        assert subscription.status == Subscription.Status.ACTIVE

        edition = edition_of(newsletter, [make_article("La une du matin")])
        sending.send_now(edition)
        run_tasks()
        mail = parse(smtp.received[-1])
        assert mail["X-Envelope-To"] == "jeanne.martin@exemple.fr"
        assert mail.get_body(("plain",)) is not None and mail.get_body(("html",)) is not None
        assert "La une du matin" in mail.get_body(("html",)).get_content()
        for header in ("Message-ID", "Date", "From", "Reply-To", "List-Id", "List-Unsubscribe"):
            assert mail[header], header
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # (Stripped: the test's SMTP server keeps messages as Python's older email API, which refolds.)
        https_address = re.fullmatch(r"<(https://[^>]+)>, <mailto:[^>]+>", mail["List-Unsubscribe"].strip())[1]

        # What a mail client sends (RFC 8058): a POST, no cookie, no Origin of the site.
        client.cookies.clear()
        answer = client.post(
            https_address.removeprefix(SITE_URL),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
            secure=True,
        )
        assert answer.status_code in (200, 204, 302, 303)
        subscription.refresh_from_db()
        assert subscription.status == Subscription.Status.UNSUBSCRIBED
        assert subscription.unsubscribe_reason == Subscription.Reason.ONE_CLICK
        assert edition.deliveries.get().unsubscribed_at <= timezone.now()
    finally:
        smtp.stop()


def parse(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def consent_fields(form_page) -> dict:
    """The form's hidden fields (its signed token, the consent shown) as a browser would send them."""
    html = form_page.content.decode()
    fields = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name[1]] = value[1] if value else ""
        elif name and 'type="checkbox"' in tag and name[1] != "lettres":
            fields[name[1]] = value[1] if value else "on"
    return fields
