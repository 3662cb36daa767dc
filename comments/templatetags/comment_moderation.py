"""The moderators' queue on the admin's front page (``templates/admin/index.html``)."""

from django import template

from comments.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def comments_in_moderation(context) -> int | None:
    """How many comments wait for a moderator, for someone who may moderate them; None for anyone else."""
    if not Comment.can_moderate(context["request"].user):
        return None
    return Comment.objects.in_moderation().count()
