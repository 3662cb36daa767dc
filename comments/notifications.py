"""Tell the moderators that a comment waits for them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def moderator_emails() -> list[str]:
    can_moderate = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename="moderate_comment", groups__permissions__content_type__app_label="comments")
        | Q(user_permissions__codename="moderate_comment", user_permissions__content_type__app_label="comments")
    )
    users = get_user_model().objects.filter(can_moderate, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


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
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail outage must not lose the reader's comment, which is already saved
        logger.exception("Could not notify moderators of comment %s", comment.pk)


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
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail outage must not turn the reader's report into an error
        logger.exception("Could not notify moderators of hidden comment %s", comment.pk)
