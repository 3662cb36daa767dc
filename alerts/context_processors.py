from django.utils.functional import SimpleLazyObject

from .caching import tagged_banner


def alert(request):
    """The breaking-news banner, read (and the page tagged) only by pages that show it: lazily, cached.

    ``depends_on`` rather than ``tag``: the banner must not make a page kept that its view did not
    offer to the cache (a search, a form's answer).
    """
    return {"breaking_alert": SimpleLazyObject(tagged_banner)}
