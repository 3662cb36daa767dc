"""The desk's queues on the admin's front page (``templates/admin/index.html``), as comments show theirs."""

from django import template

from articles.admin_workflow import sent_back_to
from articles.models import Article, ArticleRevision

register = template.Library()


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
