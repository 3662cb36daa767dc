"""Asking for an email: ``send()`` records it in the outbox; the task worker delivers it.

Every mail of the site goes through here (the desk's notices, the moderators', and whatever
comes next), so that none is sent inside a request, none is lost while the SMTP server is
down, and none carries a header or a name split over two lines.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from common.text import single_line

from .models import Mail
from .tasks import deliver


def link(path: str) -> str:
    """An address of this site for a mail: the configured one (NEWSROOM_SITE_URL, else ``SITE_URL``),
    never a request's Host header, which whoever sends the request chooses."""
    return (settings.CANONICAL_SITE_URL or settings.SITE_URL) + path


def send(
    recipients: Iterable[str],
    subject: str,
    body: str,
    *,
    kind: str,
    html_body: str = "",
    headers: dict[str, str] | None = None,
    from_email: str | None = None,
) -> Mail | None:
    """Record a mail to be delivered once the current transaction commits; None without recipients.

    Written in the caller's transaction: if what caused the mail is rolled back, so is the mail,
    and its delivery task with it (the task queue is a table of the same database).
    """
    recipients = sorted({single_line(address) for address in recipients if address})
    if not recipients:
        return None
    with transaction.atomic():
        mail = Mail.objects.create(
            kind=kind,
            recipients=recipients,
            from_email=single_line(from_email or settings.DEFAULT_FROM_EMAIL),
            # One line whatever it held: a line break in a subject would forge a header.
            subject=single_line(str(subject))[:255],
            body=str(body),
            html_body=html_body,
            headers={single_line(name): single_line(str(value)) for name, value in (headers or {}).items()},
        )
        deliver.enqueue(mail.pk)
    return mail
