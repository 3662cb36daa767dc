from django.utils.functional import SimpleLazyObject

from .caching import tagged_footer_links


def footer(request):
    """The footer's menu of pages, read only by the pages that show it (lazily, cached)."""
    return {"footer_links": SimpleLazyObject(tagged_footer_links)}
