from django import template

from comments.text import render_comment_text

register = template.Library()


@register.filter
def comment_body(text: str) -> str:
    return render_comment_text(text)


@register.inclusion_tag("comments/includes/count.html")
def comment_count(count: int) -> dict:
    """« Aucun commentaire », « 1 commentaire », « 2 commentaires »: the French rule, where 0 and 1 are singular."""
    return {"count": count}
