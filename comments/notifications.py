"""Tell the moderators that a comment waits for them."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from common.roles import holding
from common.text import single_line

logger = logging.getLogger(__name__)


def moderator_emails() -> list[str]:
    users = holding("moderate_comment", "comments", staff_only=False).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _mail(recipients: list[str], subject: str, body: str, comment) -> None:
    # A mail outage must not turn a reader's comment or report into an error: both are saved already.
    try:
        # One line whatever the title held: a line break in a subject makes Django refuse the mail.
        send_mail(single_line(subject), body, None, recipients)
    except Exception:
        logger.exception("Could not notify moderators of comment %s", comment.pk)


def notify_moderators(comment, build_absolute_uri=str) -> None:
    """``build_absolute_uri`` is the request's, so that links in the mail lead to this site."""
    recipients = moderator_emails()
    if not recipients:
        return
    subject = _("[%(site)s] Commentaire en attente sur « %(title)s »") % {
        "site": settings.SITE_NAME,
        "title": comment.article.title,
    }
    body = _(
        "%(name)s <%(email)s> a écrit sur « %(title)s » :\n\n%(text)s\n\n"
        "Modérer : %(admin_url)s\nFile d’attente : %(queue_url)s\n"
    ) % {
        "name": comment.author_name,
        "email": comment.author_email,
        "title": comment.article.title,
        "text": comment.body,
        "admin_url": build_absolute_uri(reverse("admin:comments_comment_change", args=[comment.pk])),
        "queue_url": build_absolute_uri(reverse("admin:comments_comment_changelist")),
    }
    _mail(recipients, subject, body, comment)


def notify_moderators_of_hidden_comment(comment, build_absolute_uri=str) -> None:
    """Readers' reports have just hidden this comment: a moderator should decide soon."""
    recipients = moderator_emails()
    if not recipients:
        return
    reasons = ", ".join(sorted({report.get_reason_display() for report in comment.reports.open()}))
    subject = _("[%(site)s] Commentaire masqué après signalements sur « %(title)s »") % {
        "site": settings.SITE_NAME,
        "title": comment.article.title,
    }
    body = _(
        "Des lecteurs ont signalé ce commentaire de %(name)s (%(reasons)s) ; il est masqué en attendant "
        "votre décision :\n\n%(text)s\n\nModérer : %(admin_url)s\n"
    ) % {
        "name": comment.author_name,
        "reasons": reasons,
        "text": comment.body,
        "admin_url": build_absolute_uri(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    _mail(recipients, subject, body, comment)
