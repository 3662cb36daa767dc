"""The desk's queues on the admin's front page (``templates/admin/index.html``), as comments show theirs."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from articles.admin_workflow import awaiting_review, sent_back_to, waiting_since
from articles.history import author_name
from articles.models import Article, ArticleRevision
from articles.people import names_list

register = template.Library()

# How many of a queue the front page names; the rest is one click away, in the filtered list.
QUEUE_SHOWN = 5


@dataclass(frozen=True)
class Waiting:
    """One line of a queue on the front page: « Le port s’agrandit — Camille Royer — depuis 3 h »."""

    title: str
    url: str
    who: str
    since: str


@register.simple_tag(takes_context=True)
def review_queue(context) -> list[Waiting] | None:
    """The articles waiting for an editor, the longest waiting first (QUEUE_SHOWN of them), for
    someone who may publish them; None for anyone else."""
    if not Article.can_publish(context["request"].user):
        return None
    articles = awaiting_review().only("pk", "title").prefetch_related("authors")[:QUEUE_SHOWN]
    return [
        Waiting(
            article.title,
            reverse("admin:articles_article_change", args=[article.pk]),
            names_list(article.authors.all()),
            waiting_since(article.submitted_at),
        )
        for article in articles
    ]


@register.simple_tag(takes_context=True)
def proposal_queue(context) -> list[Waiting] | None:
    """The published articles with a journalist's changes waiting, the oldest first, for editors."""
    if not Article.can_publish(context["request"].user):
        return None
    proposals = (
        ArticleRevision.objects.pending_proposals()
        .select_related("article", "created_by")
        .order_by("created_at", "pk")[:QUEUE_SHOWN]
    )
    return [
        Waiting(
            proposal.article.title,
            reverse("admin:articles_article_proposal", args=[proposal.article_id]),
            author_name(proposal),
            waiting_since(proposal.created_at),
        )
        for proposal in proposals
    ]


@register.simple_tag(takes_context=True)
def articles_to_review(context) -> int | None:
    """How many articles wait for an editor, for someone who may publish them; None for anyone else."""
    if not Article.can_publish(context["request"].user):
        return None
    return Article.objects.filter(status=Article.Status.SUBMITTED).count()


@register.simple_tag(takes_context=True)
def articles_sent_back(context) -> int | None:
    """How many of the journalist's own drafts an editor sent back; None for editors and other staff."""
    user = context["request"].user
    if Article.can_publish(user) or not user.has_perm("articles.change_article"):
        return None
    return sent_back_to(user).count()


@register.simple_tag(takes_context=True)
def changes_to_review(context) -> int | None:
    """How many published articles have a journalist's changes waiting, for editors; None for anyone else."""
    if not Article.can_publish(context["request"].user):
        return None
    return ArticleRevision.objects.pending_proposals().count()
