"""Sending an edition through the task worker to a real SMTP server (aiosmtpd): scheduled, started once,
sent in batches, refusals and retries recorded per subscriber, what a killed worker left taken back,
the providers' webhooks. The worker runs in the test's process (``worker.run_tasks``); the killed
worker's test, with a real process, is in test_newsletter_end_to_end.py."""

import base64
import json
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from newsletter_data import active_subscribers, edition_of, morning_list
from smtp import SMTPServer, _Collector
from worker import run_tasks

from newsletters import sending, tasks
from newsletters.models import Delivery, Edition, NewsletterList, Subscription
from newsletters.transport import end_of_data

pytestmark = pytest.mark.django_db


class _Refusing(_Collector):
    """Refuses some addresses the way real servers do: « inconnu » for good (550), « plein » for now (452)."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("interdit"):
            return "553 5.7.1 Sender address rejected: not owned by you"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("inconnu"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(address.startswith("plein") for address in envelope.rcpt_tos):
            return "452 4.2.2 Mailbox full"
        return await super().handle_DATA(server, session, envelope)


class RefusingSMTPServer(SMTPServer):
    def start(self):
        self._controller = Controller(_Refusing(self.received, self._lock), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self


@pytest.fixture
def smtp(settings):
    server = RefusingSMTPServer().start()
    # Only « default », as most test settings: the newsletters' mailer falls back to it.
    settings.MAILERS = server.mailer_settings()
    yield server
    server.stop()


@pytest.fixture
def edition(make_article):
    return edition_of(morning_list(), [make_article("La une du jour"), make_article()])


def recipients(server) -> list[str]:
    return sorted(message["X-Envelope-To"] for message in server.received)


def test_an_edition_sent_now_reaches_every_active_subscriber_once_in_batches(smtp, edition, settings):
    settings.NEWSLETTER_BATCH = 7
    readers = active_subscribers(edition.newsletter, 30)
    unsubscribed = active_subscribers(edition.newsletter, 2, prefix="parti")
    Subscription.objects.filter(subscriber__in=unsubscribed).update(status=Subscription.Status.UNSUBSCRIBED)
    other_list = NewsletterList.objects.get(slug="alerte-info")
    active_subscribers(other_list, 3, prefix="alerte")

    sending.send_now(edition)
    run_tasks()

    assert recipients(smtp) == sorted(reader.email for reader in readers)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at
    assert edition.recipients_count == 30
    assert sending.figures(edition) == {
        "recipients": 30,
        "sent": 30,
        "refused": 0,
        "bounced": 0,
        "unsubscribed": 0,
        "waiting": 0,
    }
    # Five tasks of at most 7 mails, then one that finds nothing left and marks the edition sent.
    runs = DBTaskResult.objects.filter(task_path="newsletters.tasks.send_edition", status=TaskResultStatus.SUCCESSFUL)
    assert runs.count() == 5
    # Sending again is refused, and a second start adds nobody.
    with pytest.raises(sending.CannotSend):
        sending.send_now(edition)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SCHEDULED)
    assert sending.start(edition.pk)
    assert edition.deliveries.count() == 30


def test_a_scheduled_edition_waits_for_its_time_and_can_be_moved(smtp, edition, time_machine):
    active_subscribers(edition.newsletter, 3)
    time_machine.move_to(timezone.now(), tick=False)
    at = timezone.now() + timedelta(hours=2)
    sending.schedule(edition, at)
    run_tasks()
    assert smtp.received == [] and Edition.objects.get(pk=edition.pk).status == Edition.Status.SCHEDULED

    sending.schedule(edition, at + timedelta(minutes=30))  # moved: the first task finds it not yet due
    time_machine.move_to(at + timedelta(minutes=1), tick=False)
    run_tasks()
    assert smtp.received == []
    time_machine.move_to(at + timedelta(minutes=31), tick=False)
    run_tasks()
    assert len(smtp.received) == 3


def test_an_empty_edition_is_not_sent_and_a_cancelled_one_stays_a_draft(smtp, edition):
    empty = edition_of(morning_list(), [])
    with pytest.raises(sending.CannotSend):
        sending.send_now(empty)
    sending.schedule(edition, timezone.now() + timedelta(hours=1))
    assert sending.cancel_schedule(edition)
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.DRAFT


def test_refusals_are_recorded_per_subscriber_and_temporary_ones_retried_with_backoff(smtp, edition, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    active_subscribers(edition.newsletter, 3)
    active_subscribers(edition.newsletter, 1, prefix="inconnu")
    active_subscribers(edition.newsletter, 1, prefix="plein")

    sending.send_now(edition)
    run_tasks()

    by_address = {d.subscriber.email: d for d in edition.deliveries.select_related("subscriber")}
    assert by_address["inconnu0@exemple.fr"].status == Delivery.Status.REFUSED
    assert "550" in by_address["inconnu0@exemple.fr"].last_error
    full = by_address["plein0@exemple.fr"]
    assert full.status == Delivery.Status.PENDING and full.attempts == 1 and "452" in full.last_error
    assert full.next_attempt_at == timezone.now() + timedelta(seconds=sending.RETRY_SECONDS[0])
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENDING
    assert len(smtp.received) == 3

    # Each retry when due, a growing delay apart, then given up: the edition is then sent.
    for delay in sending.RETRY_SECONDS:
        time_machine.shift(timedelta(seconds=delay))
        run_tasks()
    full.refresh_from_db()
    assert full.status == Delivery.Status.REFUSED and full.attempts == sending.MAX_ATTEMPTS
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    figures = sending.figures(edition)
    assert (figures["sent"], figures["refused"], figures["waiting"]) == (3, 2, 0)
    assert len(smtp.received) == 3


def test_a_server_down_delays_the_batch_and_nothing_is_lost(smtp, edition, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    active_subscribers(edition.newsletter, 4)
    smtp.stop()
    sending.send_now(edition)
    run_tasks()
    assert set(edition.deliveries.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert sum(edition.deliveries.values_list("attempts", flat=True)) == 0  # not one of them was tried

    smtp.start()
    time_machine.shift(timedelta(seconds=sending.RECONNECT_SECONDS))
    run_tasks()
    assert len(smtp.received) == 4
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


def test_our_sender_refused_by_the_relay_refuses_no_reader(smtp, edition, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.NEWSLETTER_FROM_EMAIL = "interdit@republicain-sillon.fr"
    active_subscribers(edition.newsletter, 4)
    sending.send_now(edition)
    run_tasks()
    assert smtp.received == []
    assert not edition.deliveries.filter(status=Delivery.Status.REFUSED).exists()
    assert edition.deliveries.filter(status=Delivery.Status.PENDING).count() == 4
    # Fixed by the time of the next attempt: everything goes.
    settings.NEWSLETTER_FROM_EMAIL = "lettres@republicain-sillon.fr"
    time_machine.shift(timedelta(seconds=sending.RETRY_SECONDS[0]))
    run_tasks()
    assert len(smtp.received) == 4


def test_rows_a_killed_worker_left_taken_are_sent_again_and_those_recorded_are_not(
    smtp, edition, settings, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    readers = active_subscribers(edition.newsletter, 6)
    sending.send_now(edition)
    sending.start(edition.pk)
    # A worker took three rows, recorded one sent after its closing dot, and was killed.
    taken = list(edition.deliveries.order_by("id")[:3])
    Delivery.objects.filter(pk__in=[d.pk for d in taken]).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    Delivery.objects.filter(pk=taken[0].pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    DBTaskResult.objects.all().delete()  # its chain of tasks died with it

    # Within NEWSLETTER_STALE_SECONDS, the rows are still thought in a worker's hands.
    time_machine.shift(timedelta(seconds=settings.NEWSLETTER_STALE_SECONDS - 1))
    assert sending.release_stale() == 0
    time_machine.shift(timedelta(seconds=2))
    assert sending.release_stale() == 2
    assert sending.restart_stalled() == [edition.pk]
    run_tasks()

    assert recipients(smtp) == sorted(reader.email for reader in readers[1:])
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


def test_the_row_is_recorded_sent_before_the_server_answers_the_dot(smtp, edition, monkeypatch):
    """Killed between writing the dot and reading the reply, the row already says SENT."""
    active_subscribers(edition.newsletter, 1)
    sending.send_now(edition)
    sending.start(edition.pk)
    seen = []

    def killed_after_recording(self, delivery, provider_message_id=""):
        recorded(self, delivery, provider_message_id)
        seen.append(Delivery.objects.get(pk=delivery.pk).status)
        raise SystemExit("killed")

    recorded = sending.Recorder.sent
    monkeypatch.setattr(sending.Recorder, "sent", killed_after_recording)
    with pytest.raises(SystemExit):
        sending.send_batch(edition.pk)
    assert seen == [Delivery.Status.SENT]
    # The server had the whole message when the row was recorded.
    deadline = time.monotonic() + 5
    while not smtp.received and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(smtp.received) == 1


def test_the_rate_paces_the_sending(smtp, edition, settings):
    settings.NEWSLETTER_RATE = 20
    active_subscribers(edition.newsletter, 10)
    sending.send_now(edition)
    sending.start(edition.pk)
    started = time.monotonic()
    result = sending.send_batch(edition.pk)
    assert result.sent == 10
    assert time.monotonic() - started >= 9 / 20


def test_data_ends_with_the_dot_and_lines_starting_with_a_dot_are_doubled():
    assert end_of_data(b"Subject: x\r\n\r\n.ligne\r\nfin") == b"Subject: x\r\n\r\n..ligne\r\nfin\r\n.\r\n"


def test_the_tick_is_planned_once_and_takes_back_a_stalled_send(smtp, edition, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    cache.clear()
    assert tasks.plan_next() is True
    assert tasks.plan_next() is False  # already planned: one chain
    active_subscribers(edition.newsletter, 2)
    # Scheduled, but its own task was lost: the tick starts it.
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SCHEDULED, scheduled_for=timezone.now())
    time_machine.shift(timedelta(seconds=tasks.TICK_SECONDS))
    run_tasks()
    assert len(smtp.received) == 2
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT
    # The chain goes on: the next tick is planned.
    assert DBTaskResult.objects.filter(task_path="newsletters.tasks.tick", status=TaskResultStatus.READY).count() == 1


def test_through_an_email_provider_each_copy_is_sent_alone_and_its_message_id_kept(edition, settings, mailoutbox):
    """django-anymail's test backend stands for Brevo, Mailjet, SES…: one API call a copy, the id it answers stored."""
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    readers = active_subscribers(edition.newsletter, 3)
    sending.send_now(edition)
    run_tasks()
    sent = list(mail.outbox)
    assert sorted(message.to[0] for message in sent) == sorted(reader.email for reader in readers)
    assert all(len(message.to) == 1 for message in sent)
    assert all(message.anymail_test_params["extra_headers"]["List-Unsubscribe-Post"] for message in sent)
    ids = set(edition.deliveries.values_list("provider_message_id", flat=True))
    assert ids == {str(message.anymail_status.message_id) for message in sent} and "" not in ids
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT


def test_the_tick_command_runs_it_now_and_schedule_plans_it_once(smtp, edition):
    cache.clear()
    active_subscribers(edition.newsletter, 1)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SCHEDULED, scheduled_for=timezone.now())
    call_command("newsletters_tick", schedule=True, verbosity=0)
    call_command("newsletters_tick", schedule=True, verbosity=0)
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENDING  # started by the command itself
    planned = DBTaskResult.objects.filter(task_path="newsletters.tasks.tick", status=TaskResultStatus.READY)
    assert planned.count() == 1


def test_a_failing_step_of_the_tick_keeps_the_others_running(smtp, edition, monkeypatch, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    active_subscribers(edition.newsletter, 2)
    sending.send_now(edition)
    sending.start(edition.pk)
    Delivery.objects.update(status=Delivery.Status.SENDING, claimed_at=timezone.now())  # a killed worker's
    DBTaskResult.objects.all().delete()
    time_machine.shift(timedelta(seconds=settings.NEWSLETTER_STALE_SECONDS + 1))
    monkeypatch.setattr(tasks, "TICK_STEPS", [("started", lambda now: 1 / 0), *tasks.TICK_STEPS[1:]])
    with pytest.raises(ZeroDivisionError):
        tasks.run_tick()
    assert not Delivery.objects.filter(status=Delivery.Status.SENDING).exists()  # taken back all the same
    run_tasks()
    assert len(smtp.received) == 2


# The providers' webhooks -------------------------------------------------------------------


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "anymail:un-secret-partage"}
    return "Basic " + base64.b64encode(b"anymail:un-secret-partage").decode()


@pytest.fixture
def delivered(edition, settings):
    """An edition delivered through a provider (locmem here), the provider's message id stored."""
    subscriber = active_subscribers(edition.newsletter, 1)[0]
    Subscription.objects.create(
        subscriber=subscriber,
        newsletter=NewsletterList.objects.get(slug="alerte-info"),
        status=Subscription.Status.ACTIVE,
        consent_text="…",
    )
    sending.send_now(edition)
    sending.start(edition.pk)
    delivery = edition.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, provider_message_id="pm-0001")
    return subscriber


def postmark(client, payload, authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return client.post(
        "/lettres/anymail/postmark/tracking/", json.dumps(payload), content_type="application/json", **headers
    )


def bounce(kind="HardBounce"):
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "ID": 42,
        "MessageID": "pm-0001",
        "Email": "lecteur0@exemple.fr",
        "BouncedAt": "2026-12-07T06:31:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "550 5.1.1 User unknown",
    }


def statuses(subscriber) -> set[str]:
    return set(subscriber.subscriptions.values_list("status", flat=True))


def test_a_webhook_without_the_secret_is_refused(client, delivered, webhook_secret):
    assert postmark(client, bounce()).status_code in (400, 401, 403)
    wrong = "Basic " + base64.b64encode(b"anymail:devine").decode()
    assert postmark(client, bounce(), wrong).status_code in (400, 401, 403)
    assert statuses(delivered) == {Subscription.Status.ACTIVE}


def test_a_hard_bounce_marks_the_delivery_and_takes_the_address_off_every_list(
    client, delivered, webhook_secret, edition
):
    assert postmark(client, bounce(), webhook_secret).status_code == 200
    delivery = edition.deliveries.get()
    assert delivery.status == Delivery.Status.BOUNCED and delivery.unsubscribed_at
    assert statuses(delivered) == {Subscription.Status.UNSUBSCRIBED}
    assert set(delivered.subscriptions.values_list("unsubscribe_reason", flat=True)) == {Subscription.Reason.BOUNCE}
    assert sending.figures(edition)["bounced"] == 1


def test_a_soft_bounce_changes_nothing(client, delivered, webhook_secret, edition):
    assert postmark(client, bounce("SoftBounce"), webhook_secret).status_code == 200
    assert edition.deliveries.get().status == Delivery.Status.SENT
    assert statuses(delivered) == {Subscription.Status.ACTIVE}


def test_a_complaint_takes_the_address_off_that_list(client, delivered, webhook_secret, edition):
    complaint = {**bounce("SpamComplaint"), "RecordType": "SpamComplaint"}
    assert postmark(client, complaint, webhook_secret).status_code == 200
    assert edition.deliveries.get().status == Delivery.Status.BOUNCED
    morning = delivered.subscriptions.get(newsletter=edition.newsletter)
    assert (morning.status, morning.unsubscribe_reason) == ("unsubscribed", Subscription.Reason.COMPLAINT)
    assert delivered.subscriptions.get(newsletter__slug="alerte-info").status == Subscription.Status.ACTIVE


def test_a_mail_to_the_unsubscribe_address_unsubscribes_from_that_list(
    client, delivered, webhook_secret, edition, settings
):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "desinscription@republicain-sillon.fr"
    inbound = {
        "FromFull": {"Email": "lecteur0@exemple.fr", "Name": ""},
        "ToFull": [{"Email": "desinscription@republicain-sillon.fr", "Name": ""}],
        "Subject": f"desinscription {delivered.key} {edition.pk}",
        "TextBody": "",
        "Headers": [],
    }
    answer = client.post(
        "/lettres/anymail/postmark/inbound/",
        json.dumps(inbound),
        content_type="application/json",
        HTTP_AUTHORIZATION=webhook_secret,
    )
    assert answer.status_code == 200
    morning = delivered.subscriptions.get(newsletter=edition.newsletter)
    assert (morning.status, morning.unsubscribe_reason) == ("unsubscribed", Subscription.Reason.MAILTO)
    assert delivered.subscriptions.get(newsletter__slug="alerte-info").status == Subscription.Status.ACTIVE
    assert edition.deliveries.get().unsubscribed_at is not None
