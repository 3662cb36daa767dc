"""Sending an edition: scheduled, started (one delivery row per subscriber), then sent in batches.

The named operations editors' screens call:

- ``schedule(edition, at, by=…)``: the edition goes out at ``at`` (now when None);
- ``send_now(edition, by=…)``: the same, now;
- ``cancel_schedule(edition, by=…)``: back to a draft, if it has not started;
- ``send_test(edition, address)``: one copy to an editor, through the outbox, counted nowhere.

Then the task worker does the rest (``newsletters.tasks``): ``start()`` writes the deliveries,
``send_batch()`` sends a batch of them over one connection and records each as it goes, and the
minute's tick (``release_stale``, ``restart_stalled``) takes back what a killed worker left.
How a worker killed at any moment still sends each subscriber one copy: docs/newsletters.md.
"""

import contextlib
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox import mail as outbox_mail

from . import tasks
from .mail import EditionMail
from .models import Delivery, Edition, Subscriber, Subscription
from .transport import Deferred, Refused, transport_for

logger = logging.getLogger(__name__)

# After the n-th failed attempt (4xx, no connection), wait this long; then give up (REFUSED).
RETRY_SECONDS = [60, 300, 900, 3600]
MAX_ATTEMPTS = len(RETRY_SECONDS) + 1
# A task sends for at most this long, then hands over to the next task: a worker asked to stop
# (SIGTERM: db_worker finishes the task in hand) stops within it, and a batch always ends well
# before NEWSLETTER_STALE_SECONDS, after which its rows would be taken again.
BATCH_SECONDS = 30
# Deliveries written per statement when an edition starts.
START_CHUNK = 10_000
# Rows left behind when the connection is lost wait this long before the next try.
RECONNECT_SECONDS = 60


class CannotSend(Exception):
    """The edition cannot be scheduled or sent (already sent or sending, nothing in it); the message says why."""


def mailer():
    """The newsletters' mailer, else the site's (tests often configure only « default »)."""
    return mailers["newsletters"] if "newsletters" in mailers else mailers["default"]


# Editors' operations --------------------------------------------------------------------------


def schedule(edition: Edition, at: datetime | None = None, *, by=None) -> Edition:
    """Have the edition go out at ``at`` (now when None): SCHEDULED, and its start task enqueued
    for that time. A scheduled edition may be given another time; one sending or sent may not."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.status in (Edition.Status.SENDING, Edition.Status.SENT):
            raise CannotSend(_("Cette édition est déjà envoyée ou en cours d’envoi."))
        if locked.alert_id is None and not locked.items.exists():
            raise CannotSend(_("Cette édition n’a aucun article : rien à envoyer."))
        locked.status, locked.scheduled_for = Edition.Status.SCHEDULED, at
        locked.save(update_fields=["status", "scheduled_for"])
        # A task per schedule: one left from an earlier time finds the edition not yet due and does
        # nothing. The task queue is a table of the same database: written in this transaction, the
        # task exists exactly when the schedule does.
        tasks.start_edition.using(run_after=at).enqueue(locked.pk)
    logger.info("Edition %s scheduled for %s by %s", edition.pk, at, by)
    edition.status, edition.scheduled_for = locked.status, locked.scheduled_for
    return edition


def send_now(edition: Edition, *, by=None) -> Edition:
    return schedule(edition, timezone.now(), by=by)


def cancel_schedule(edition: Edition, *, by=None) -> bool:
    """A scheduled edition back to a draft; False when it has already started."""
    changed = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
        status=Edition.Status.DRAFT, scheduled_for=None
    )
    if changed:
        edition.status, edition.scheduled_for = Edition.Status.DRAFT, None
        logger.info("Edition %s unscheduled by %s", edition.pk, by)
    return bool(changed)


def send_test(edition: Edition, address: str):
    """One copy of the edition to ``address`` (« m’envoyer un test »), through the outbox: the same
    HTML and text as a subscriber's, with links that lead nowhere (key « apercu »), without the
    List-Unsubscribe headers."""
    message = EditionMail(edition).message_for(Subscriber(email=address, key="apercu"))
    headers = {
        name: value
        for name, value in message.extra_headers.items()
        # Each test is a mail of its own: a Message-ID used twice would hide the second in the inbox.
        # List-Unsubscribe would lead nowhere (key « apercu »), and the outbox's mail folds long
        # headers at 78 characters, which turns it into encoded words clients cannot read.
        if name not in ("Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")
    }
    headers["Reply-To"] = ", ".join(message.reply_to)
    return outbox_mail.send(
        [address],
        _("[Test] %(subject)s") % {"subject": message.subject},
        message.body,
        kind="newsletters.test",
        html_body=message.alternatives[0].content,
        headers=headers,
        from_email=message.from_email,
    )


# Starting ------------------------------------------------------------------------------------


def start(edition_id: int, now: datetime | None = None) -> bool:
    """Start a due scheduled edition: one PENDING delivery per active subscription of its list,
    then SENDING and its recipients counted; whether it started.

    The rows are written by the database itself (INSERT … SELECT, by chunks of subscribers in
    order, nothing of them in this process's memory), skipping any already there: started twice
    (two workers, a restart), it adds nobody twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(pk=edition_id).first()
        if edition is None or edition.status != Edition.Status.SCHEDULED:
            return False
        if edition.scheduled_for and edition.scheduled_for > now:
            return False
        write_deliveries(edition)
        edition.recipients_count = edition.deliveries.count()
        edition.status, edition.sending_started_at = Edition.Status.SENDING, now
        edition.save(update_fields=["recipients_count", "status", "sending_started_at"])
        tasks.send_edition.enqueue(edition_id)
    logger.info("Edition %s started: %s recipients", edition_id, edition.recipients_count)
    return True


def write_deliveries(edition: Edition) -> None:
    delivery, subscription = Delivery._meta.db_table, Subscription._meta.db_table
    chosen = (
        f"FROM {subscription} WHERE newsletter_id = %s AND status = %s AND subscriber_id > %s "
        "ORDER BY subscriber_id LIMIT %s"
    )
    after = 0
    with connection.cursor() as cursor:
        while True:
            params = [edition.newsletter_id, Subscription.Status.ACTIVE, after, START_CHUNK]
            cursor.execute(f"SELECT MAX(subscriber_id) FROM (SELECT subscriber_id {chosen}) AS chunk", params)
            (last,) = cursor.fetchone()
            if last is None:
                return
            cursor.execute(
                f"INSERT INTO {delivery} (edition_id, subscriber_id, status, attempts, last_error, provider_message_id) "
                f"SELECT %s, subscriber_id, %s, 0, '', '' {chosen} ON CONFLICT DO NOTHING",
                [edition.pk, Delivery.Status.PENDING, *params],
            )
            after = last


# Sending ---------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    sent: int = 0
    refused: int = 0
    deferred: int = 0
    finished: bool = False  # the edition is SENT
    # When the next task should run: now (more to send), later (only retries left), None (nothing to do).
    next_run: datetime | None = None
    notes: list[str] = field(default_factory=list)


def claim(edition_id: int, limit: int, now: datetime) -> list[Delivery]:
    """Take up to ``limit`` due deliveries of the edition for this worker (SENDING, claimed_at);
    rows another worker holds locked are skipped on PostgreSQL, SQLite takes one writer at a time."""
    due = (
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
    )
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, claimed_at=now
        )
    return list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_at=now)
        .select_related("subscriber")
        .only("id", "attempts", "subscriber__email", "subscriber__key")
        .order_by("id")
    )


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=RETRY_SECONDS[min(attempts, len(RETRY_SECONDS)) - 1])


class Recorder:
    """Each delivery's outcome, written the moment it is known (autocommit: one commit per row)."""

    def __init__(self):
        # The one statement run for every mail: written once, without the ORM's compiling each time.
        self.sent_statement = (
            f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, attempts = attempts + 1, "
            "provider_message_id = %s, last_error = '' WHERE id = %s"
        )

    def sent(self, delivery: Delivery, provider_message_id: str = "") -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                self.sent_statement,
                [
                    Delivery.Status.SENT,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                    provider_message_id,
                    delivery.pk,
                ],
            )

    def refused(self, delivery: Delivery, error: str) -> None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.REFUSED, sent_at=None, last_error=error[:500], claimed_at=None
        )

    def deferred(self, delivery: Delivery, error: str, now: datetime) -> datetime | None:
        """Back in line after a delay, or REFUSED once MAX_ATTEMPTS are spent; when it will be tried."""
        attempts = delivery.attempts + 1
        given_up = attempts >= MAX_ATTEMPTS
        next_at = None if given_up else now + retry_delay(attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.REFUSED if given_up else Delivery.Status.PENDING,
            attempts=attempts,
            next_attempt_at=next_at,
            claimed_at=None,
            sent_at=None,
            last_error=error[:500],
        )
        return next_at

    def released(self, deliveries: list[Delivery], not_before: datetime | None = None) -> None:
        """Claimed rows this batch did not get to: back in line, no attempt counted."""
        if deliveries:
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.SENDING).update(
                status=Delivery.Status.PENDING, claimed_at=None, next_attempt_at=not_before
            )


def batch_limits() -> tuple[int, float]:
    """How many rows a task takes and for how long it sends: NEWSLETTER_BATCH, and no more than the
    rate allows in BATCH_SECONDS; at most half of NEWSLETTER_STALE_SECONDS, so that a live worker's
    rows are never thought abandoned."""
    seconds = min(BATCH_SECONDS, settings.NEWSLETTER_STALE_SECONDS / 2)
    limit = settings.NEWSLETTER_BATCH
    if settings.NEWSLETTER_RATE:
        limit = min(limit, max(1, math.ceil(settings.NEWSLETTER_RATE * seconds)))
    return max(1, limit), seconds


def send_batch(edition_id: int) -> BatchResult:
    """Send one batch of the edition over one connection of the newsletters' mailer, recording each
    delivery as it goes; then say when the next batch should run (``BatchResult.next_run``)."""
    result = BatchResult()
    edition = Edition.objects.select_related("newsletter", "alert").filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:
        return result
    limit, seconds = batch_limits()
    now = timezone.now()
    deliveries = claim(edition_id, limit, now)
    if deliveries:
        with fast_commits():
            _send(edition, deliveries, seconds, result)
    return _after_batch(edition, result)


def _send(edition: Edition, deliveries: list[Delivery], seconds: float, result: BatchResult) -> None:
    recorder = Recorder()
    edition_mail = EditionMail(edition)
    transport = transport_for(mailer())
    try:
        transport.open()
    except Deferred as error:
        recorder.released(deliveries, timezone.now() + timedelta(seconds=RECONNECT_SECONDS))
        result.deferred += len(deliveries)
        result.notes.append(str(error))
        logger.warning("Edition %s: no connection to the mail server: %s", edition.pk, error)
        return
    rate = settings.NEWSLETTER_RATE
    started = time.monotonic()
    try:
        for index, delivery in enumerate(deliveries):
            if time.monotonic() - started >= seconds:
                recorder.released(deliveries[index:])
                break
            if delivery.subscriber is None:  # erased since the edition started
                recorder.refused(delivery, _("Abonné effacé avant l’envoi."))
                result.refused += 1
                continue
            try:
                outcome = transport.send(
                    edition_mail,
                    delivery.subscriber,
                    lambda provider_id, delivery=delivery: recorder.sent(delivery, provider_id),
                )
            except Refused as error:
                recorder.refused(delivery, str(error))
                result.refused += 1
            except Deferred as error:
                recorder.deferred(delivery, str(error), timezone.now())
                result.deferred += 1
                if error.connection_lost:
                    rest = deliveries[index + 1 :]
                    recorder.released(rest, timezone.now() + timedelta(seconds=RECONNECT_SECONDS))
                    result.deferred += len(rest)
                    result.notes.append(str(error))
                    logger.warning("Edition %s: connection lost: %s", edition.pk, error)
                    break
            else:
                result.sent += 1
                if outcome.note:
                    Delivery.objects.filter(pk=delivery.pk).update(last_error=outcome.note[:500])
                    result.notes.append(outcome.note)
                    transport = transport_for(mailer())  # the connection is gone; a new one
                    transport.open()
            if rate:  # paced: the n-th mail not before n / rate seconds
                time.sleep(max(0.0, started + (index + 1) / rate - time.monotonic()))
    except Deferred as error:  # a new connection after a lost reply could not be opened
        result.notes.append(str(error))
        recorder.released(
            [d for d in deliveries if d.pk > delivery.pk], timezone.now() + timedelta(seconds=RECONNECT_SECONDS)
        )
    except BaseException:
        # Anything unexpected (a bug, the worker stopping hard): the rows not sent are released now
        # rather than after NEWSLETTER_STALE_SECONDS; the one in hand stays SENDING.
        recorder.released([d for d in deliveries if d.pk > delivery.pk])
        raise
    finally:
        transport.close()


def _after_batch(edition: Edition, result: BatchResult) -> BatchResult:
    now = timezone.now()
    left = Delivery.objects.filter(
        edition=edition, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    ).aggregate(
        pending=Count("id", filter=Q(status=Delivery.Status.PENDING)),
        sending=Count("id", filter=Q(status=Delivery.Status.SENDING)),
        due=Count(
            "id",
            filter=Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)),
        ),
        next_try=Min("next_attempt_at", filter=Q(status=Delivery.Status.PENDING)),
    )
    if left["due"]:
        result.next_run = now
    elif left["pending"]:
        result.next_run = left["next_try"]
    elif not left["sending"]:
        # Nothing waits and nobody is sending: the edition is sent (refused rows included).
        result.finished = bool(
            Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
                status=Edition.Status.SENT, sent_at=now
            )
        )
        if result.finished:
            logger.info("Edition %s sent", edition.pk)
    # Rows SENDING held by another worker: it goes on; by a dead one: the tick takes them back.
    return result


class fast_commits:
    """On PostgreSQL, this session's commits do not wait for the write-ahead log to reach the disk
    (``synchronous_commit = off``): a row recorded is recorded even if this worker dies the next
    instant — only a crash of the database server itself could lose the last few hundred
    milliseconds of them (then those mails would go out again). Other databases: nothing changes."""

    def __enter__(self):
        self.active = connection.vendor == "postgresql" and not connection.in_atomic_block
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        return self

    def __exit__(self, *exc):
        if self.active and connection.connection is not None:
            # A connection lost meanwhile: its session is gone with the setting, and the error that
            # ended the batch is the one to tell.
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        return False


# What the minute's tick does ---------------------------------------------------------------


def release_stale(now: datetime | None = None) -> int:
    """Rows a worker took more than NEWSLETTER_STALE_SECONDS ago and never recorded: that worker was
    killed before the mail's closing dot (else the row would say SENT), so the mail was not
    delivered and is sent again. How many rows."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.NEWSLETTER_STALE_SECONDS)
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=limit, edition__status=Edition.Status.SENDING
    ).update(status=Delivery.Status.PENDING, claimed_at=None)


def restart_stalled(now: datetime | None = None) -> list[int]:
    """A send task for every edition SENDING whose due rows nobody has taken for NEWSLETTER_STALE_SECONDS
    (its chain of tasks died with a killed worker), or with nothing left (to mark it sent). Two
    chains for one edition are harmless: each takes rows of its own."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=settings.NEWSLETTER_STALE_SECONDS)
    restarted = []
    for edition_id in Edition.objects.filter(status=Edition.Status.SENDING).values_list("pk", flat=True):
        rows = Delivery.objects.filter(edition_id=edition_id)
        due = rows.filter(status=Delivery.Status.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        busy = rows.filter(status=Delivery.Status.SENDING).exists() or rows.filter(claimed_at__gte=quiet_since).exists()
        unfinished = rows.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).exists()
        if (due.exists() and not busy) or not unfinished:
            tasks.send_edition.enqueue(edition_id)
            restarted.append(edition_id)
    return restarted


def start_due(now: datetime | None = None) -> list[int]:
    """Start every scheduled edition whose time has come (its own task may have been lost)."""
    return [
        edition_id for edition_id in Edition.objects.due(now).values_list("pk", flat=True) if start(edition_id, now)
    ]


# Figures ---------------------------------------------------------------------------------------


def figures(edition: Edition) -> dict[str, int]:
    """Recipients, sent, refused, bounced, unsubscribed from this mail, still to send: one query."""
    status = Delivery.Status
    counts = Delivery.objects.filter(edition=edition).aggregate(
        recipients=Count("id"),
        sent=Count("id", filter=Q(status__in=[status.SENT, status.BOUNCED])),
        refused=Count("id", filter=Q(status=status.REFUSED)),
        bounced=Count("id", filter=Q(status=status.BOUNCED)),
        unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
        waiting=Count("id", filter=Q(status__in=[status.PENDING, status.SENDING])),
    )
    return counts
