"""Delivering the outbox: one task per mail, run by the task worker (``manage.py worker``)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Mail

logger = logging.getLogger(__name__)


@task
def deliver(mail_id: int) -> str:
    """Send one waiting mail; on failure, record why and schedule the next attempt.

    The mail's row stays locked while it is sent: a second task for the same mail (a retry asked
    from the admin, a requeue after a worker was killed) waits, then finds it sent, and sends
    nothing. What this cannot rule out is a worker killed after the SMTP server took the mail
    and before the database recorded it: that mail goes out twice rather than never.
    """
    with transaction.atomic():
        mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != Mail.Status.WAITING:
            return "nothing to do"
        try:
            mail.as_message().send()
        except Exception as error:
            mail.record_failure(error)
            if mail.status == Mail.Status.WAITING:
                deliver.using(run_after=mail.next_attempt_at).enqueue(mail.pk)
                logger.warning(
                    "Mail %s not sent (attempt %s), next try at %s: %s",
                    mail.pk,
                    mail.attempts,
                    mail.next_attempt_at,
                    mail.last_error,
                )
            else:
                logger.error("Mail %s given up after %s attempts: %s", mail.pk, mail.attempts, mail.last_error)
            return "failed"
        mail.record_sent()
        return "sent"


def requeue_due() -> int:
    """A task for every waiting mail that is due: those whose task died with a killed worker.

    Harmless for the others: ``deliver`` sends a mail once, however many tasks name it.
    """
    due = list(Mail.objects.due().values_list("pk", flat=True))
    for mail_id in due:
        deliver.enqueue(mail_id)
    return len(due)


def retry(mails) -> int:
    """Send these again now (the admin's « Renvoyer »): waiting at once, attempts kept."""
    count = 0
    for mail in mails:
        if mail.status == Mail.Status.SENT:
            continue
        with transaction.atomic():
            mail.status, mail.next_attempt_at = Mail.Status.WAITING, timezone.now()
            mail.save(update_fields=["status", "next_attempt_at"])
            deliver.enqueue(mail.pk)
        count += 1
    return count
