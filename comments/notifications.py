"""Tell the moderators that a comment waits for them."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from common.roles import holding
from common.text import single_line
from outbox.mail import link, send


def moderator_emails() -> list[str]:
    users = holding("moderate_comment", "comments", staff_only=False).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators(comment) -> None:
    """Recorded in the outbox with the comment, in its transaction; delivered by the worker."""
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
        # A reader typed these: one line each, so that they cannot forge lines of the mail.
        "name": single_line(comment.author_name),
        "email": single_line(comment.author_email),
        "title": comment.article.title,
        "text": comment.body,
        "admin_url": link(reverse("admin:comments_comment_change", args=[comment.pk])),
        "queue_url": link(reverse("admin:comments_comment_changelist")),
    }
    send(recipients, subject, body, kind="comments.pending")


def notify_moderators_of_hidden_comment(comment) -> None:
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
        "name": single_line(comment.author_name),
        "reasons": reasons,
        "text": comment.body,
        "admin_url": link(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    send(recipients, subject, body, kind="comments.hidden")
