from django import template

from comments.rendering import render_fields
from comments.thread import page_markup

register = template.Library()


@register.inclusion_tag("comments/includes/count.html")
def comment_count(count: int) -> dict:
    """« Aucun commentaire », « 1 commentaire », « 2 commentaires »: the French rule, where 0 and 1 are singular."""
    return {"count": count}


@register.simple_tag(takes_context=True)
def comment_thread(context, page) -> str:
    """The comments of this page of the thread, with their replies (see ``comments.thread``)."""
    return page_markup(page, can_reply=context.get("comments_accepted", False))


@register.simple_tag
def comment_fields(form) -> str:
    """The comment form's fields (see ``comments.rendering.render_fields``)."""
    return render_fields(form)
