"""``{% most_read %}``: « Les plus lus », for the front page and the article page (``{% load popularity %}``)."""

from django import template

from popularity.most_read import most_read as most_read_articles

register = template.Library()


@register.inclusion_tag("popularity/most_read.html")
def most_read():
    """The list as kept in the cache: no query, or one when it is refreshed; nothing at all when empty."""
    return {"most_read": most_read_articles()}
