"""Tell the desk when an article moves: editors when one waits for them, authors when theirs is decided.

Every step of the workflow keeps a version saying what happened (``ArticleRevision.action``),
whichever way it was taken: the form's buttons, the list's actions, ``article.publish(by=…)``.
The email follows that version, once the transaction that wrote it has committed (never for a
step rolled back), and never goes to the person who took the step.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.text import single_line

from . import staff
from .models import Article, ArticleRevision
from .people import public_name
from .templatetags.newsroom import french_date

logger = logging.getLogger(__name__)


def _authors(article: Article) -> QuerySet:
    return article.authors.filter(is_active=True)


@dataclass(frozen=True)
class Notice:
    """The email one kind of step sends: to whom, and what it says (plain text, French)."""

    recipients: Callable[[Article], QuerySet]
    subject: Promise
    body: Promise


NOTICES = {
    ArticleRevision.Action.SUBMITTED: Notice(
        recipients=lambda article: staff.publishers(),
        subject=_("[%(site)s] À relire : « %(title)s »"),
        body=_(
            "%(actor)s a soumis « %(title)s » à la rédaction en chef.\n\n"
            "Relire, publier ou renvoyer l’article : %(form_url)s\n"
            "Tous les articles à relire : %(queue_url)s\n"
        ),
    ),
    ArticleRevision.Action.SENT_BACK: Notice(
        recipients=_authors,
        subject=_("[%(site)s] « %(title)s » vous est renvoyé"),
        body=_(
            "%(actor)s vous renvoie « %(title)s » avec cette remarque :\n\n%(remark)s\n\n"
            "Reprendre l’article : %(form_url)s\n"
        ),
    ),
    ArticleRevision.Action.PUBLISHED: Notice(
        recipients=_authors,
        subject=_("[%(site)s] « %(title)s » est publié"),
        body=_(
            "%(actor)s a publié « %(title)s » le %(date)s.\n\nSur le site : %(page_url)s\nL’article : %(form_url)s\n"
        ),
    ),
    ArticleRevision.Action.SCHEDULED: Notice(
        recipients=_authors,
        subject=_("[%(site)s] « %(title)s » est programmé"),
        body=_(
            "%(actor)s a programmé « %(title)s » : les lecteurs le verront le %(date)s.\n\nL’article : %(form_url)s\n"
        ),
    ),
}


@receiver(post_save, sender=ArticleRevision)
def revision_recorded(sender, instance: ArticleRevision, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.action in NOTICES:
        transaction.on_commit(partial(send_notice, instance.pk), robust=True)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def send_notice(revision_pk: int) -> None:
    """Email the people this version concerns (read again after the commit, as it now stands)."""
    revision = ArticleRevision.objects.select_related("article", "created_by").filter(pk=revision_pk).first()
    if revision is None:
        return
    notice, article, actor = NOTICES[revision.action], revision.article, revision.created_by
    people = notice.recipients(article).exclude(email="")
    if actor is not None:
        people = people.exclude(pk=actor.pk)
    recipients = sorted(set(people.values_list("email", flat=True)))
    if not recipients:
        return
    values = {
        "site": settings.SITE_NAME,
        "title": article.title,
        "actor": public_name(actor, missing=_("La rédaction")),
        "remark": revision.remark,
        "date": french_date(article.published_at, True),
        "form_url": absolute(reverse("admin:articles_article_change", args=[article.pk])),
        "queue_url": absolute(
            reverse("admin:articles_article_changelist") + f"?status__exact={Article.Status.SUBMITTED}"
        ),
        "page_url": absolute(article.get_absolute_url()),
    }
    try:
        send_mail(single_line(str(notice.subject) % values), str(notice.body) % values, None, recipients)
    except Exception:  # a mail outage must not undo the step, which is already saved
        logger.exception("Could not send the %s notice of article %s", revision.action, article.pk)
