"""Tell the desk when an article moves: editors when one waits for them, authors when theirs is decided.

Every step of the workflow keeps a version saying what happened (``ArticleRevision.action``),
whichever way it was taken: the form's buttons, the list's actions, ``article.publish(by=…)``.
The email follows that version: a task written in the same transaction (never for a step rolled
back) reads the version once committed, as it then stands, and puts the mail in the outbox;
it never goes to the person who took the step.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.tasks import task
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.text import single_line
from outbox.mail import link, send

from . import staff
from .models import Article, ArticleRevision
from .people import public_name
from .templatetags.newsroom import french_date


def _authors(revision: ArticleRevision) -> QuerySet:
    return revision.article.authors.filter(is_active=True)


def _editors(revision: ArticleRevision) -> QuerySet:
    return staff.publishers()


def _proposer(revision: ArticleRevision) -> QuerySet:
    """Who made the proposal a decision is about (``refers_to``), whether an author or not."""
    proposal = ArticleRevision.objects.filter(article=revision.article_id, number=revision.refers_to)
    return get_user_model().objects.filter(pk__in=proposal.values("created_by"), is_active=True)


@dataclass(frozen=True)
class Notice:
    """The email one kind of step sends: to whom, and what it says (plain text, French)."""

    recipients: Callable[[ArticleRevision], QuerySet]
    subject: Promise
    body: Promise


NOTICES = {
    ArticleRevision.Action.SUBMITTED: Notice(
        recipients=_editors,
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
    ArticleRevision.Action.PROPOSED: Notice(
        recipients=_editors,
        subject=_("[%(site)s] Modifications à relire : « %(title)s »"),
        body=_(
            "%(actor)s propose des modifications de « %(title)s », qui est publié. "
            "Les lecteurs voient la version publiée tant que vous ne les avez pas publiées.\n\n"
            "Voir ce qui changerait, publier ou refuser : %(proposal_url)s\n"
            "Toutes les modifications à relire : %(changes_queue_url)s\n"
        ),
    ),
    ArticleRevision.Action.CHANGES_PUBLISHED: Notice(
        recipients=_proposer,
        subject=_("[%(site)s] Vos modifications de « %(title)s » sont publiées"),
        body=_("%(actor)s a publié vos modifications de « %(title)s ».\n\nSur le site : %(page_url)s\n"),
    ),
    ArticleRevision.Action.CHANGES_REFUSED: Notice(
        recipients=_proposer,
        subject=_("[%(site)s] Vos modifications de « %(title)s » ne sont pas publiées"),
        body=_(
            "%(actor)s n’a pas publié vos modifications de « %(title)s », avec cette remarque :\n\n%(remark)s\n\n"
            "Elles restent dans l’historique de l’article : %(history_url)s\n"
        ),
    ),
}


@receiver(post_save, sender=ArticleRevision)
def revision_recorded(sender, instance: ArticleRevision, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.action in NOTICES:
        send_notice.enqueue(instance.pk)


@task
def send_notice(revision_pk: int) -> None:
    """Email the people this version concerns (read again after the commit, as it now stands)."""
    revision = ArticleRevision.objects.select_related("article", "created_by").filter(pk=revision_pk).first()
    if revision is None:
        return
    notice, article, actor = NOTICES[revision.action], revision.article, revision.created_by
    people = notice.recipients(revision).exclude(email="")
    if actor is not None:
        people = people.exclude(pk=actor.pk)
    recipients = sorted(set(people.values_list("email", flat=True)))
    if not recipients:
        return
    values = {
        "site": settings.SITE_NAME,
        # Names and titles placed in the mail, one line each: none can forge a line of it.
        "title": single_line(article.title),
        "actor": single_line(public_name(actor, missing=_("La rédaction"))),
        "remark": revision.remark,
        "date": french_date(article.published_at, True),
        "form_url": link(reverse("admin:articles_article_change", args=[article.pk])),
        "queue_url": link(reverse("admin:articles_article_changelist") + f"?status__exact={Article.Status.SUBMITTED}"),
        "page_url": link(article.get_absolute_url()),
        "proposal_url": link(reverse("admin:articles_article_proposal", args=[article.pk])),
        "changes_queue_url": link(reverse("admin:articles_article_changelist") + "?modifications=en-attente"),
        "history_url": link(reverse("admin:articles_article_history", args=[article.pk])),
    }
    send(recipients, str(notice.subject) % values, str(notice.body) % values, kind=f"articles.{revision.action}")
