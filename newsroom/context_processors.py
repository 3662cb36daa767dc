from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.functional import SimpleLazyObject

import pagecache
from articles.caching import MENU
from articles.navigation import menu_sections
from common.inputs import plain_number


def canonical_url(request) -> str:
    """The page's one address: absolute, without query string except a page number past the first.

    None for a request whose Host is not ours: its error page (400) names no address.
    """
    page = plain_number(request.GET.get("page"))
    suffix = f"?page={page}" if page and page > 1 else ""
    try:
        return request.build_absolute_uri(request.path) + suffix
    except DisallowedHost:
        return None


def tagged_menu_sections():
    pagecache.depends_on(MENU)
    return menu_sections()


def site(request):
    """What every page's frame needs: the site's name, the section menu (lazily, cached), its canonical URL."""
    return {
        "site_name": settings.SITE_NAME,
        "menu_sections": SimpleLazyObject(tagged_menu_sections),
        "canonical_url": SimpleLazyObject(lambda: canonical_url(request)),
    }
